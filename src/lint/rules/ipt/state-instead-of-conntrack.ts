/**
 * `-m state --state …`: the state match is an alias the kernel keeps for compatibility (xt_state is
 * conntrack with a "state alias" flag); `-m conntrack --ctstate …` is the current form, knows
 * more states (SNAT, DNAT) and is what iptables' own documentation recommends. The rewrite is
 * mechanical (one substitution over the file), so it is reported once per table, at the first use,
 * with the count: generated rulesets hold thousands of these and a finding per rule buries the rest.
 */
import { isStateMatch, type StateOptions } from '../../../ast/modules/match/state.js';
import type { Chain, Match, Rule } from '../../../ast/types.js';
import type { LintRule } from '../../rule.js';

export const rule: LintRule = {
  meta: {
    id: 'ipt/state-instead-of-conntrack',
    severity: 'info',
    description: '`-m state --state` is a compatibility alias; write `-m conntrack --ctstate`.',
    docs: 'docs/rules/ipt/state-instead-of-conntrack.md',
    messages: {
      alias:
        '`-m state {{option}}` is a compatibility alias of conntrack: write `-m conntrack {{replacement}}` ({{count}} rule(s) of the {{table}} table use `-m state`; first here)',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      const uses: { chain: Chain; rule: Rule; match: Match<StateOptions> }[] = [];
      for (const chain of table.chains) {
        for (const rule of chain.rules) {
          if (rule.invalid) continue;
          for (const match of rule.matches) if (isStateMatch(match)) uses.push({ chain, rule, match });
        }
      }
      const first = uses.sort((a, b) => a.rule.span.offset - b.rule.span.offset)[0];
      if (!first) continue;
      const { value, negated } = first.match.options.states;
      const bang = negated ? '! ' : '';
      context.report({
        messageId: 'alias',
        data: {
          option: `${bang}--state ${value.join(',')}`,
          replacement: `${bang}--ctstate ${value.join(',')}`,
          count: new Set(uses.map((u) => u.rule)).size,
          table: table.name,
        },
        table,
        chain: first.chain,
        rule: first.rule,
        span: first.match.span,
      });
    }
  },
};
