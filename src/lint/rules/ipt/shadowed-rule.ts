/**
 * A rule that never decides anything: an earlier rule in the same chain matches every packet it
 * matches and ends the chain with a different action. Decided on the packet sets (see
 * match-space.ts and coverage.ts for the model and the bucketing), not on the text.
 */
import type { LintRule } from '../../rule.js';
import { chainCoverage } from '../../coverage.js';
import { targetText } from '../../graph.js';

export const rule: LintRule = {
  meta: {
    id: 'ipt/shadowed-rule',
    severity: 'warning',
    description: 'An earlier rule in the chain takes every packet this rule matches and does something else with them.',
    docs: 'docs/rules/ipt/shadowed-rule.md',
    messages: {
      shadowed: 'never reached: rule {{by}} (line {{line}}) matches every packet this rule matches and does `{{action}}` first',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      for (const chain of table.chains) {
        for (const cover of chainCoverage(table, chain).covered) {
          if (cover.sameEffect) continue;
          context.report({
            messageId: 'shadowed',
            data: { by: cover.by.number, line: cover.by.span.line, action: targetText(cover.by) },
            table,
            chain,
            rule: cover.rule,
          });
        }
      }
    }
  },
};
