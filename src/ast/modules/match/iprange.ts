/** `-m iprange` (libxt_iprange, revision 1): source/destination address within FROM-TO. */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Family, Negatable } from '../../types.js';
import { checkOptionUse, matchGuard } from './packet-util.js';
import { parseHostAddress } from '../../../net/address.js';
import ipaddr from 'ipaddr.js';

export interface AddressRange {
  readonly family: Family;
  /** Canonical address texts; `from` > `to` never matches (iptables only warns). */
  readonly from: string;
  readonly to: string;
}

export interface IprangeOptions {
  readonly src?: Negatable<AddressRange>;
  readonly dst?: Negatable<AddressRange>;
}

export const isIprangeMatch = matchGuard<IprangeOptions>('iprange');

function text(family: Family, bytes: number[]): string {
  return family === 4 ? new ipaddr.IPv4(bytes).toString() : ipaddr.fromByteArray(bytes).toString();
}

function compareBytes(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

export const iprangeMatch: ExtensionDef<IprangeOptions> = {
  kind: 'match',
  name: 'iprange',
  options: [
    { name: 'src-range', args: 1, invertible: true },
    { name: 'dst-range', args: 1, invertible: true },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('iprange', options, ctx)) return null;
    const out: { src?: Negatable<AddressRange>; dst?: Negatable<AddressRange> } = {};
    for (const o of options) {
      const arg = o.args[0];
      const dash = arg.indexOf('-');
      const ends = dash < 0 ? [arg, arg] : [arg.slice(0, dash), arg.slice(dash + 1)];
      const bytes: number[][] = [];
      for (const end of ends) {
        const b = parseHostAddress(end, ctx.family);
        if (!b) {
          ctx.error(`iprange: Bad value for "--${o.name}" option: "${end}"`, o);
          return null;
        }
        bytes.push(b);
      }
      if (compareBytes(bytes[0], bytes[1]) > 0) {
        ctx.warn(`xt_iprange: range ${ends[0]}-${ends[1]} is reversed and will never match`, o);
      }
      const range: AddressRange = { family: ctx.family, from: text(ctx.family, bytes[0]), to: text(ctx.family, bytes[1]) };
      out[o.name === 'src-range' ? 'src' : 'dst'] = { value: range, negated: o.negated };
    }
    if (!out.src && !out.dst) {
      ctx.error("iprange match: You must specify `--src-range' or `--dst-range'");
      return null;
    }
    return out;
  },
  save(o) {
    const parts: string[] = [];
    if (o.src) parts.push(`${bang(o.src.negated)}--src-range ${o.src.value.from}-${o.src.value.to}`);
    if (o.dst) parts.push(`${bang(o.dst.negated)}--dst-range ${o.dst.value.from}-${o.dst.value.to}`);
    return parts.join(' ');
  },
};
