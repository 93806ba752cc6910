/**
 * Rules after one that matches every packet and ends the chain (`-j DROP`, `-j ACCEPT`,
 * `-j RETURN`, `-g X` with no match) are never reached. Typical cases: rules appended
 * (`iptables -A`) after a catch-all DROP, or after Docker's `-A DOCKER-USER -j RETURN`.
 */
import type { LintRule } from '../../rule.js';
import { isTerminal, isUnconditional, targetText } from '../../graph.js';

export const rule: LintRule = {
  meta: {
    id: 'ipt/rule-after-terminal',
    severity: 'warning',
    description: 'Rules that follow an unconditional ACCEPT/DROP/REJECT/RETURN/goto are never reached.',
    docs: 'docs/rules/ipt/rule-after-terminal.md',
    messages: {
      dead: '{{count}} rule(s) from here on are never reached: rule {{by}} (line {{line}}) `{{target}}` matches every packet first',
      deadDockerUser:
        '{{count}} rule(s) from here on are never reached: rule {{by}} (line {{line}}) is the `-j RETURN` Docker (up to 28.2.1) puts in DOCKER-USER; rules added with `iptables -A` land behind it',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      for (const chain of table.chains) {
        const stop = chain.rules.findIndex((r) => isUnconditional(r) && isTerminal(r, table));
        if (stop < 0 || stop === chain.rules.length - 1) continue;
        const by = chain.rules[stop];
        const dockerReturn = chain.name === 'DOCKER-USER' && by.target?.name === 'RETURN';
        context.report({
          messageId: dockerReturn ? 'deadDockerUser' : 'dead',
          data: { count: chain.rules.length - stop - 1, by: by.number, line: by.span.line, target: targetText(by) },
          table,
          chain,
          rule: chain.rules[stop + 1],
        });
      }
    }
  },
};
