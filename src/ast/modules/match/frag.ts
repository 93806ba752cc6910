/** `-m frag` (libip6t_frag, IPv6): fields of the Fragment extension header. */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, formatRange, isFullRange, matchGuard, parseIntOption, parseMintRange, U32, type NumRange } from './packet-util.js';

export interface FragOptions {
  /** Identification range; absent: any. */
  readonly id?: Negatable<NumRange>;
  /** Header length field. */
  readonly length?: Negatable<number>;
  /** Reserved fields must be zero. */
  readonly reservedZero: boolean;
  /** Offset is zero (first fragment). */
  readonly first: boolean;
  /** M flag set (more fragments follow). */
  readonly more: boolean;
  /** M flag clear (last fragment). */
  readonly last: boolean;
}

export const isFragMatch = matchGuard<FragOptions>('frag');

export const fragMatch: ExtensionDef<FragOptions> = {
  kind: 'match',
  name: 'frag',
  family: 6,
  options: [
    { name: 'fragid', args: 1, invertible: true },
    { name: 'fraglen', args: 1, invertible: true },
    { name: 'fragres', args: 0 },
    { name: 'fragfirst', args: 0 },
    { name: 'fragmore', args: 0 },
    { name: 'fraglast', args: 0 },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('frag', options, ctx, { exclusive: [['fragmore', 'fraglast']] })) return null;
    const out: { -readonly [K in keyof FragOptions]: FragOptions[K] } = {
      reservedZero: false, first: false, more: false, last: false,
    };
    for (const o of options) {
      switch (o.name) {
        case 'fragid': {
          const r = parseMintRange(o.args[0], 0, U32, 'frag', o.name);
          if (typeof r === 'string') {
            ctx.error(r, o);
            return null;
          }
          out.id = { value: r, negated: o.negated };
          break;
        }
        case 'fraglen': {
          const n = parseIntOption(o, 'frag', 0, U32, ctx);
          if (n === null) return null;
          out.length = { value: n, negated: o.negated };
          break;
        }
        case 'fragres': out.reservedZero = true; break;
        case 'fragfirst': out.first = true; break;
        case 'fragmore': out.more = true; break;
        case 'fraglast': out.last = true; break;
      }
    }
    return out;
  },
  save(o) {
    const parts: string[] = [];
    if (o.id && !isFullRange(o.id, U32)) parts.push(`${bang(o.id.negated)}--fragid ${formatRange(o.id.value)}`);
    if (o.length) parts.push(`${bang(o.length.negated)}--fraglen ${o.length.value}`);
    if (o.reservedZero) parts.push('--fragres');
    if (o.first) parts.push('--fragfirst');
    if (o.more) parts.push('--fragmore');
    if (o.last) parts.push('--fraglast');
    return parts.join(' ');
  },
};
