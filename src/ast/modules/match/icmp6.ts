/**
 * `-m icmp6` (libip6t_icmp6; also loaded as `icmpv6` and by `-p ipv6-icmp`). IPv6 only.
 * Names may be abbreviated; iptables-save prints the type number. xt ip6t_icmp6 needs
 * `-p ipv6-icmp`.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard } from './packet-util.js';
import { parseIcmpType, type IcmpName, type IcmpTypeTest } from './icmp.js';

export interface Icmp6Options {
  readonly icmpv6Type: Negatable<IcmpTypeTest>;
}

export const isIcmp6Match = matchGuard<Icmp6Options>('icmp6');

const ICMPV6_NAMES: readonly IcmpName[] = [
  ['destination-unreachable', 1, 0, 0xff], ['no-route', 1, 0, 0], ['communication-prohibited', 1, 1, 1],
  ['beyond-scope', 1, 2, 2], ['address-unreachable', 1, 3, 3], ['port-unreachable', 1, 4, 4],
  ['failed-policy', 1, 5, 5], ['reject-route', 1, 6, 6], ['packet-too-big', 2, 0, 0xff],
  ['time-exceeded', 3, 0, 0xff], ['ttl-exceeded', 3, 0, 0xff], ['ttl-zero-during-transit', 3, 0, 0],
  ['ttl-zero-during-reassembly', 3, 1, 1], ['parameter-problem', 4, 0, 0xff], ['bad-header', 4, 0, 0],
  ['unknown-header-type', 4, 1, 1], ['unknown-option', 4, 2, 2], ['echo-request', 128, 0, 0xff],
  ['ping', 128, 0, 0xff], ['echo-reply', 129, 0, 0xff], ['pong', 129, 0, 0xff],
  ['mld-listener-query', 130, 0, 0xff], ['mld-listener-report', 131, 0, 0xff],
  ['mld-listener-done', 132, 0, 0xff], ['mld-listener-reduction', 132, 0, 0xff],
  ['router-solicitation', 133, 0, 0xff], ['router-advertisement', 134, 0, 0xff],
  ['neighbour-solicitation', 135, 0, 0xff], ['neighbor-solicitation', 135, 0, 0xff],
  ['neighbour-advertisement', 136, 0, 0xff], ['neighbor-advertisement', 136, 0, 0xff],
  ['redirect', 137, 0, 0xff],
];

export const icmp6Match: ExtensionDef<Icmp6Options> = {
  kind: 'match',
  name: 'icmp6',
  aliases: ['icmpv6'],
  family: 6,
  options: [{ name: 'icmpv6-type', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('icmp6', options, ctx, { mandatory: ['icmpv6-type'] })) return null;
    const o = options[0];
    const t = parseIcmpType(o.args[0], ICMPV6_NAMES, 'ICMPv6');
    if (typeof t === 'string') {
      ctx.error(t, o);
      return null;
    }
    const p = ctx.core.protocol;
    if (!p || p.value.number !== 58 || p.negated) {
      ctx.error("icmp6 match requires '-p ipv6-icmp'");
      return null;
    }
    return { icmpv6Type: { value: t, negated: o.negated } };
  },
  save(o) {
    const t = o.icmpv6Type.value;
    const code = t.codeMin !== 0 || t.codeMax !== 0xff ? `/${t.codeMin}` : '';
    return `${bang(o.icmpv6Type.negated)}--icmpv6-type ${t.type}${code}`;
  },
};
