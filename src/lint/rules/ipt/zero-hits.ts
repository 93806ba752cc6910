/**
 * A rule whose exact counters show it has never matched, in a chain that has seen traffic. Needs
 * counters (`iptables-save -c`, or `iptables -L -v -x`): rounded counters and rulesets whose
 * counters were all just reset say nothing, so they are skipped.
 */
import type { Chain } from '../../../ast/types.js';
import type { LintRule } from '../../rule.js';
import { isComplete } from '../../graph.js';

function chainTraffic(chain: Chain): number {
  const rules = chain.rules.reduce((n, r) => n + (r.counters?.exact ? r.counters.packets : 0), 0);
  const policy = chain.builtin && chain.counters?.exact ? chain.counters.packets : 0;
  return rules + policy;
}

export const rule: LintRule = {
  meta: {
    id: 'ipt/zero-hits',
    severity: 'info',
    description: 'A rule has matched no packet since its counters were reset, while its chain has seen traffic.',
    docs: 'docs/rules/ipt/zero-hits.md',
    messages: {
      zero: 'rule {{rule}} has matched 0 packets while chain {{chain}} has counted {{traffic}}: check whether it is still needed or ever reached',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      for (const chain of table.chains) {
        const traffic = chainTraffic(chain);
        if (traffic === 0) continue;
        for (const r of chain.rules) {
          if (!r.counters?.exact || r.counters.packets !== 0 || !isComplete(r)) continue;
          context.report({ messageId: 'zero', data: { rule: r.number, chain: chain.name, traffic }, table, chain, rule: r });
        }
      }
    }
  },
};
