/**
 * A user chain no builtin chain reaches: nothing jumps to it, or only chains that are themselves
 * unreachable do. Its rules never see a packet. Docker's own chains are left to
 * docker/orphaned-chain, which knows why they end up that way.
 */
import type { LintRule } from '../../rule.js';
import { tableGraph } from '../../graph.js';
import { isDockerChain } from '../../docker-era.js';

export const rule: LintRule = {
  meta: {
    id: 'ipt/unreachable-chain',
    severity: 'warning',
    description: 'A user-defined chain that no builtin chain reaches; its rules never run.',
    docs: 'docs/rules/ipt/unreachable-chain.md',
    messages: {
      unreferenced: 'chain {{chain}} has {{rules}} rule(s), but no rule jumps to it: they never see a packet',
      onlyFromUnreachable: 'chain {{chain}} is only reached from {{callers}}, which no builtin chain reaches: its rules never see a packet',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      const g = tableGraph(table);
      for (const chain of table.chains) {
        // An empty unreachable chain loses nothing; it is clutter, not a rule that silently never runs.
        if (chain.builtin || !chain.rules.length || g.hooksReaching.has(chain.name) || isDockerChain(chain.name)) continue;
        // A listing's "(N references)" counts jumps the kernel holds, also from chains not listed.
        if (chain.references !== null && chain.references > 0 && table.format === 'listing') continue;
        const callers = g.callers.get(chain.name) ?? [];
        const from = [...new Set(callers.map((e) => e.from.name))];
        context.report({
          messageId: from.length ? 'onlyFromUnreachable' : 'unreferenced',
          data: { chain: chain.name, rules: chain.rules.length, callers: from.join(', ') },
          table,
          chain,
          rule: null,
        });
      }
    }
  },
};
