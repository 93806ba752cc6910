/**
 * `!` in front of a selector that every packet satisfies: `! -s 0.0.0.0/0`, `! -d ::/0`,
 * `! -i +`, `! -o +`, `! --dport 0:65535`. The negation matches no packet, so the whole rule can
 * never match. iptables refuses `! -p all` itself ("rule would never match protocol"), and the
 * parser reports it; these slip through because the kernel accepts them.
 */
import type { Negatable, Rule } from '../../../ast/types.js';
import type { NumRange } from '../../../ast/modules/match/packet-util.js';
import { isTcpMatch } from '../../../ast/modules/match/tcp.js';
import { isUdpMatch } from '../../../ast/modules/match/udp.js';
import type { SourceSpan } from '../../../ast/types.js';
import { isAnyNet } from '../../../net/address.js';
import type { LintRule } from '../../rule.js';
import { selectorSpan } from '../../graph.js';

interface NeverMatch {
  readonly selector: string;
  readonly span: Pick<SourceSpan, 'line' | 'column'>;
}

function fullPortRange(p: Negatable<NumRange> | undefined): boolean {
  return !!p && p.negated && p.value.from === 0 && p.value.to === 65535;
}

const NONE: NeverMatch[] = [];

/** Whether the rule negates anything a finding is about (nearly no rule does): checked before the rest. */
function negatesSomething(rule: Rule): boolean {
  const c = rule.core;
  if (c.source?.negated || c.destination?.negated || c.inInterface?.negated || c.outInterface?.negated) return true;
  for (const m of rule.matches) {
    if ((isTcpMatch(m) || isUdpMatch(m)) && (m.options.sport?.negated || m.options.dport?.negated)) return true;
  }
  return false;
}

function neverMatching(rule: Rule): NeverMatch[] {
  if (!negatesSomething(rule)) return NONE;
  const c = rule.core;
  const out: NeverMatch[] = [];
  const nets = [
    [c.source, '-s', ['-s', '--source', '--src']],
    [c.destination, '-d', ['-d', '--destination', '--dst']],
  ] as const;
  for (const [sel, flag, spellings] of nets) {
    if (sel?.negated && isAnyNet(sel.value)) out.push({ selector: `! ${flag} ${sel.value.address}/0`, span: selectorSpan(rule, spellings) });
  }
  const ifaces = [
    [c.inInterface, '-i', ['-i', '--in-interface']],
    [c.outInterface, '-o', ['-o', '--out-interface']],
  ] as const;
  for (const [sel, flag, spellings] of ifaces) {
    // `+` alone is a zero-length prefix: it matches every name, the empty one included.
    if (sel?.negated && sel.value.wildcard && sel.value.name === '') out.push({ selector: `! ${flag} +`, span: selectorSpan(rule, spellings) });
  }
  for (const m of rule.matches) {
    if (!isTcpMatch(m) && !isUdpMatch(m)) continue;
    for (const [name, option] of [['sport', 'source-port'], ['dport', 'destination-port']] as const) {
      if (!fullPortRange(m.options[name])) continue;
      const spelling = m.raw.find((o) => o.name === option)?.spelling ?? `--${name}`;
      out.push({ selector: `! --${name} 0:65535`, span: selectorSpan(rule, [spelling]) });
    }
  }
  return out;
}

export const rule: LintRule = {
  meta: {
    id: 'ipt/negated-any-match',
    severity: 'warning',
    description: 'A negated selector that every packet satisfies (`! -s 0.0.0.0/0`, `! -i +`, …): the rule can never match.',
    docs: 'docs/rules/ipt/negated-any-match.md',
    messages: {
      never: '`{{selector}}` matches no packet (every packet satisfies `{{plain}}`), so this rule never matches',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      for (const chain of table.chains) {
        for (const r of chain.rules) {
          if (r.invalid) continue;
          for (const n of neverMatching(r)) {
            context.report({ messageId: 'never', data: { selector: n.selector, plain: n.selector.slice(2) }, table, chain, rule: r, span: n.span });
          }
        }
      }
    }
  },
};
