/**
 * A rule that can be deleted without changing what the chain does: an earlier rule with the same
 * action already takes all its packets, or a later rule with the same action would take them and
 * nothing in between treats any of them differently. Decided on packet sets, like
 * ipt/shadowed-rule; the later-rule check looks at most LOOKAHEAD rules ahead.
 */
import type { LintRule } from '../../rule.js';
import { chainCoverage } from '../../coverage.js';

export const rule: LintRule = {
  meta: {
    id: 'ipt/redundant-rule',
    severity: 'info',
    description: 'A rule whose packets are already handled the same way by another rule; it can be removed.',
    docs: 'docs/rules/ipt/redundant-rule.md',
    messages: {
      earlier: 'redundant: rule {{by}} (line {{line}}) already does the same to every packet this rule matches',
      later: 'redundant: rule {{by}} (line {{line}}) does the same to every packet this rule matches, and no rule in between treats them differently',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      for (const chain of table.chains) {
        const { covered, coveredLater } = chainCoverage(table, chain);
        if (!covered.length && !coveredLater.length) continue;
        const reported = new Set(covered.map((c) => c.rule));
        for (const cover of covered) {
          if (!cover.sameEffect) continue;
          context.report({ messageId: 'earlier', data: { by: cover.by.number, line: cover.by.span.line }, table, chain, rule: cover.rule });
        }
        for (const later of coveredLater) {
          // When the later rule is itself redundant (e.g. an exact duplicate), removing both would
          // change the chain: only the later one is reported.
          if (reported.has(later.rule) || reported.has(later.by)) continue;
          context.report({ messageId: 'later', data: { by: later.by.number, line: later.by.span.line }, table, chain, rule: later.rule });
        }
      }
    }
  },
};
