/**
 * A port match whose protocol does not carry ports. iptables itself refuses `--dport` without
 * `-p tcp|udp|…` ("unknown option --dport"), so in parsed input this shows up two ways:
 *  - a rule the parser refused (hand-written restore files, scripts' output): iptables-restore
 *    refuses the whole table, the firewall is not loaded at all;
 *  - a port match under a negated protocol (`! -p tcp -m tcp --dport 22`): iptables-legacy
 *    refuses it; iptables-nft loads it as raw payload compares, so it matches packets of other
 *    protocols by whatever bytes sit where the TCP port would be.
 */
import type { Rule } from '../../../ast/types.js';
import type { LintRule } from '../../rule.js';
import { isMultiportMatch } from '../../../ast/modules/match/multiport.js';

const PORT_OPTION = /(?:^|\s)(--(?:dport|sport|destination-port|source-port|dports|sports|ports|destination-ports|source-ports))\b/;
const PORT_PROTOCOLS = new Set([6, 17, 33, 132, 136]);
const PORT_MODULES = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);

const PROTOCOL_OPTION = /(?:^|\s)(!\s+)?(?:-p|--proto(?:col)?)\s+(\S+)/;
const PORT_PROTOCOL_NAMES = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite', '6', '17', '132', '33', '136']);

/**
 * A refused rule's core selectors may be incomplete (the parser stops at the first error), so the
 * rule text decides too: a rule refused for another reason must not be blamed on its ports.
 */
function hasPortProtocol(rule: Rule): boolean {
  const p = rule.core.protocol;
  if (p && !p.negated && PORT_PROTOCOLS.has(p.value.number)) return true;
  const written = PROTOCOL_OPTION.exec(rule.text);
  return !!written && !written[1] && PORT_PROTOCOL_NAMES.has(written[2].toLowerCase());
}

export const rule: LintRule = {
  meta: {
    id: 'ipt/port-without-protocol',
    severity: 'error',
    description: 'A port match (--dport/--sport/multiport) without -p tcp|udp|sctp|dccp|udplite.',
    docs: 'docs/rules/ipt/port-without-protocol.md',
    messages: {
      refused: '`{{option}}` needs `-p tcp`, `-p udp`, `-p sctp`, `-p dccp` or `-p udplite` first: iptables refuses this rule, and iptables-restore the whole {{table}} table with it',
      negated:
        '`! -p {{proto}}` with a {{module}} port match: iptables-legacy refuses the rule, and iptables-nft matches packets that are not {{proto}} by the bytes where a {{proto}} port would be',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      for (const chain of table.chains) {
        for (const r of chain.rules) {
          if (r.invalid) {
            const option = PORT_OPTION.exec(r.unparsed ?? '')?.[1];
            if (option && !hasPortProtocol(r)) {
              context.report({ messageId: 'refused', data: { option, table: table.name }, table, chain, rule: r });
            }
            continue;
          }
          const p = r.core.protocol;
          if (!p?.negated) continue;
          const m = r.matches.find((x) => x.known && (PORT_MODULES.has(x.module) || isMultiportMatch(x)) && x.raw.some((o) => /port/.test(o.name)));
          if (!m) continue;
          context.report({ messageId: 'negated', data: { proto: p.value.name, module: m.module }, table, chain, rule: r, span: m.span });
        }
      }
    }
  },
};
