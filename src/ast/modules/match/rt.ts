/**
 * `-m rt` (libip6t_rt, IPv6): the Routing header's type, segments left, length and, for the
 * deprecated type 0, its reserved field and address list.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, formatRange, isFullRange, matchGuard, parseIntOption, parseMintRange, U32, type NumRange } from './packet-util.js';
import { parseHostAddress } from '../../../net/address.js';
import ipaddr from 'ipaddr.js';

export interface RtOptions {
  readonly type?: Negatable<number>;
  /** Absent: any. */
  readonly segmentsLeft?: Negatable<NumRange>;
  readonly length?: Negatable<number>;
  /** `--rt-0-res`: the type 0 reserved field must be zero. */
  readonly reservedZero: boolean;
  /** `--rt-0-addrs`: addresses of the type 0 header, in order. */
  readonly addresses?: readonly string[];
  /** `--rt-0-not-strict`: the addresses need only be present, not exactly these. */
  readonly notStrict: boolean;
}

export const isRtMatch = matchGuard<RtOptions>('rt');

/** IP6T_RT_HOPS */
const MAX_ADDRS = 16;

export const rtMatch: ExtensionDef<RtOptions> = {
  kind: 'match',
  name: 'rt',
  family: 6,
  options: [
    { name: 'rt-type', args: 1, invertible: true },
    { name: 'rt-segsleft', args: 1, invertible: true },
    { name: 'rt-len', args: 1, invertible: true },
    { name: 'rt-0-res', args: 0 },
    { name: 'rt-0-addrs', args: 1 },
    { name: 'rt-0-not-strict', args: 0 },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('rt', options, ctx)) return null;
    const out: { -readonly [K in keyof RtOptions]: RtOptions[K] } = { reservedZero: false, notStrict: false };
    const type0 = (): boolean => out.type !== undefined && out.type.value === 0 && !out.type.negated;
    for (const o of options) {
      switch (o.name) {
        case 'rt-type':
        case 'rt-len': {
          const n = parseIntOption(o, 'rt', 0, U32, ctx);
          if (n === null) return null;
          out[o.name === 'rt-type' ? 'type' : 'length'] = { value: n, negated: o.negated };
          break;
        }
        case 'rt-segsleft': {
          const r = parseMintRange(o.args[0], 0, U32, 'rt', o.name);
          if (typeof r === 'string') {
            ctx.error(r, o);
            return null;
          }
          out.segmentsLeft = { value: r, negated: o.negated };
          break;
        }
        case 'rt-0-res':
          if (!type0()) {
            ctx.error("`--rt-type 0' required before `--rt-0-res'", o);
            return null;
          }
          out.reservedZero = true;
          break;
        case 'rt-0-addrs': {
          if (!type0()) {
            ctx.error("`--rt-type 0' required before `--rt-0-addrs'", o);
            return null;
          }
          const addrs: string[] = [];
          for (const text of o.args[0].split(',')) {
            if (addrs.length === MAX_ADDRS) {
              ctx.error('too many addresses specified', o);
              return null;
            }
            const bytes = parseHostAddress(text, 6);
            if (!bytes) {
              ctx.error(`bad address: ${text}`, o);
              return null;
            }
            addrs.push(ipaddr.fromByteArray(bytes).toString());
          }
          out.addresses = addrs;
          break;
        }
        case 'rt-0-not-strict':
          if (!out.addresses) {
            ctx.error("`--rt-0-addr ...' required before `--rt-0-not-strict'", o);
            return null;
          }
          out.notStrict = true;
          break;
      }
    }
    return out;
  },
  save(o) {
    const parts: string[] = [];
    if (o.type) parts.push(`${bang(o.type.negated)}--rt-type ${o.type.value}`);
    if (o.segmentsLeft && !isFullRange(o.segmentsLeft, U32)) {
      parts.push(`${bang(o.segmentsLeft.negated)}--rt-segsleft ${formatRange(o.segmentsLeft.value)}`);
    }
    if (o.length) parts.push(`${bang(o.length.negated)}--rt-len ${o.length.value}`);
    if (o.reservedZero) parts.push('--rt-0-res');
    if (o.addresses) parts.push(`--rt-0-addrs ${o.addresses.join(',')}`);
    if (o.notStrict) parts.push('--rt-0-not-strict');
    return parts.join(' ');
  },
};
