/**
 * A LOG/NFLOG/ULOG rule with no rate limit: every packet it matches writes a log line, so anyone
 * who can send packets that match it can fill the disk and keep syslog (or ulogd) busy. Decided
 * on the rule and on the rules that jump into its chain, not on whole paths: a limit further up
 * the path is rare and a path walk would make the finding hard to read.
 */
import type { Chain, Rule } from '../../../ast/types.js';
import { isHashlimitMatch } from '../../../ast/modules/match/hashlimit.js';
import { isLimitMatch } from '../../../ast/modules/match/limit.js';
import type { LintRule } from '../../rule.js';
import { tableGraph } from '../../graph.js';

const LOG_TARGETS = new Set(['LOG', 'NFLOG', 'ULOG']);

function isRateLimited(rule: Rule): boolean {
  return rule.matches.some((m) => isLimitMatch(m) || isHashlimitMatch(m));
}

export const rule: LintRule = {
  meta: {
    id: 'ipt/log-without-limit',
    severity: 'info',
    description: 'A LOG/NFLOG/ULOG rule has no -m limit or -m hashlimit, so a flood of matching packets floods the log.',
    docs: 'docs/rules/ipt/log-without-limit.md',
    messages: {
      unlimited: '-j {{target}} with no rate limit: every matching packet is logged, so a flood fills the log; add `-m limit --limit 5/min` (or `-m hashlimit` per source)',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      const g = tableGraph(table);
      // Only rules with extension targets (LOG is one): the graph lists them, in table order.
      let chain: Chain | null = null;
      let limitedByCallers: boolean | null = null;
      for (const { chain: at, rule: r } of g.extensionTargets) {
        if (at !== chain) {
          chain = at;
          limitedByCallers = null;
        }
        const t = r.target;
        if (!t || t.kind !== 'extension' || !LOG_TARGETS.has(t.name) || r.invalid || isRateLimited(r)) continue;
        // `-m limit -j LOGDROP` into a chain that logs and drops limits the LOG rule too (asked
        // only of chains that log: a kube-proxy table has forty thousand that do not).
        if (limitedByCallers === null) {
          const callers = g.callers.get(chain.name) ?? [];
          limitedByCallers = !chain.builtin && callers.length > 0 && callers.every((e) => isRateLimited(e.rule));
        }
        if (limitedByCallers) continue;
        context.report({ messageId: 'unlimited', data: { target: t.name }, table, chain, rule: r, span: t.span });
      }
    }
  },
};
