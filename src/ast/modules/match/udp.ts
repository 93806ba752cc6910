/**
 * `-m udp` (libxt_udp): source and destination port ranges, read as services by getaddrinfo.
 * iptables-nft compiles a non-empty udp match to payload expressions, which accept a negated
 * `-p udp`; an empty one goes to xt_udp, which needs `-p udp` as it is.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import {
  checkOptionUse, formatRange, isFullRange, matchGuard, parsePortRC, requireProtocol, U16, type NumRange,
} from './packet-util.js';

export interface UdpOptions {
  readonly sport?: Negatable<NumRange>;
  readonly dport?: Negatable<NumRange>;
}

export const isUdpMatch = matchGuard<UdpOptions>('udp');

export const udpMatch: ExtensionDef<UdpOptions> = {
  kind: 'match',
  name: 'udp',
  options: [
    { name: 'source-port', aliases: ['sport'], args: 1, invertible: true },
    { name: 'destination-port', aliases: ['dport'], args: 1, invertible: true },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('udp', options, ctx)) return null;
    const out: { sport?: Negatable<NumRange>; dport?: Negatable<NumRange> } = {};
    for (const o of options) {
      const r = parsePortRC(o.args[0], 'udp', o.name);
      if (typeof r === 'string') {
        ctx.error(r, o);
        return null;
      }
      out[o.name === 'source-port' ? 'sport' : 'dport'] = { value: r, negated: o.negated };
    }
    const full = (r?: Negatable<NumRange>): boolean => !r || isFullRange(r, U16);
    if (!requireProtocol(ctx, 'UDP', 17, !(full(out.sport) && full(out.dport)))) return null;
    return out;
  },
  save(o) {
    const parts: string[] = [];
    for (const [key, flag] of [['sport', '--sport'], ['dport', '--dport']] as const) {
      const r = o[key];
      if (r && !isFullRange(r, U16)) parts.push(`${bang(r.negated)}${flag} ${formatRange(r.value)}`);
    }
    return parts.join(' ');
  },
};
