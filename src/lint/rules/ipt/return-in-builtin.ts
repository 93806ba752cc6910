/**
 * `-j RETURN` in a builtin chain ends the chain and hands the packet to the chain's policy.
 * In filter chains and under a DROP policy that is rarely what the writer meant (it reads like
 * "go back to where we came from"). In nat/mangle/raw with an ACCEPT policy it is the usual way
 * to skip the rest of the table, so it is not reported there.
 */
import type { LintRule } from '../../rule.js';

export const rule: LintRule = {
  meta: {
    id: 'ipt/return-in-builtin',
    severity: 'warning',
    description: '-j RETURN in a builtin chain applies the chain policy, which is easy to misread.',
    docs: 'docs/rules/ipt/return-in-builtin.md',
    messages: {
      policyDrop: '-j RETURN in builtin chain {{chain}} does not go back anywhere: the packet gets the policy DROP',
      policyAccept: '-j RETURN in builtin chain {{chain}} does not go back anywhere: the packet gets the policy ACCEPT (write -j ACCEPT to say so)',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      for (const chain of table.chains) {
        if (!chain.builtin || chain.policy === null) continue;
        if (chain.policy === 'ACCEPT' && table.name !== 'filter') continue;
        for (const r of chain.rules) {
          if (r.target?.name !== 'RETURN' || r.target.kind !== 'standard' || r.invalid) continue;
          context.report({
            messageId: chain.policy === 'DROP' ? 'policyDrop' : 'policyAccept',
            data: { chain: chain.name },
            table,
            chain,
            rule: r,
            span: r.target.span,
          });
        }
      }
    }
  },
};
