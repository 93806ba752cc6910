/**
 * A user chain that is declared, has no rules and that no rule jumps to: leftover clutter from a
 * chain that was flushed and unhooked, or a typo'd declaration. Neighbours cover the other cases:
 * a jump to an empty chain is ipt/jump-to-empty-chain, a chain with rules that nothing reaches is
 * ipt/unreachable-chain (which leaves empty chains to this rule).
 */
import type { LintRule } from '../../rule.js';
import { tableGraph } from '../../graph.js';
import { isDockerChain } from '../../docker-era.js';
import { HOOK_CHAINS } from './jump-to-empty-chain.js';

export const rule: LintRule = {
  meta: {
    id: 'ipt/empty-user-chain',
    severity: 'info',
    description: 'A user-defined chain has no rules and no rule jumps to it; it can be deleted.',
    docs: 'docs/rules/ipt/empty-user-chain.md',
    messages: {
      empty: 'chain {{chain}} has no rules and no rule jumps to it: delete it (`iptables -t {{table}} -X {{chain}}`) or fill and hook it',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      const g = tableGraph(table);
      for (const chain of table.chains) {
        if (chain.builtin || chain.rules.length || g.jumpedTo.has(chain.name)) continue;
        // Firewall managers declare these empty on purpose, as hooks for later rules.
        if (HOOK_CHAINS.test(chain.name) || isDockerChain(chain.name)) continue;
        // A listing counts jumps from chains it may not show; only "0 references" is proof.
        if (table.format === 'listing' && chain.references !== 0) continue;
        context.report({ messageId: 'empty', data: { chain: chain.name, table: table.name }, table, chain, rule: null });
      }
    }
  },
};
