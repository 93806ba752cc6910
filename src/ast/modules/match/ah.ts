/**
 * `-m ah`: two different extensions. libipt_ah (IPv4) matches the SPI of the AH header that
 * follows the IP header and needs `-p ah`; libip6t_ah (IPv6) finds the AH extension header
 * itself, so it needs no `-p`, and can also test the header length and reserved field.
 */
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable, RawOption } from '../../types.js';
import {
  checkOptionUse, formatRange, isFullRange, matchGuard, parseIntOption, parseMintRange, requireProtocol, U32,
  type NumRange,
} from './packet-util.js';

export interface AhOptions {
  /** Absent: any SPI. */
  readonly spi?: Negatable<NumRange>;
  /** IPv6 only: the header's length field. */
  readonly length?: Negatable<number>;
  /** IPv6 only: the reserved field must be zero. */
  readonly reservedZero?: boolean;
}

export const isAhMatch = matchGuard<AhOptions>('ah');

function parseSpi(o: RawOption, ctx: ExtensionContext): NumRange | null {
  const r = parseMintRange(o.args[0], 0, U32, 'ah', 'ahspi');
  if (typeof r === 'string') {
    ctx.error(r, o);
    return null;
  }
  return r;
}

function saveSpi(o: AhOptions): string[] {
  return o.spi && !isFullRange(o.spi, U32) ? [`${bang(o.spi.negated)}--ahspi ${formatRange(o.spi.value)}`] : [];
}

export const ahMatch4: ExtensionDef<AhOptions> = {
  kind: 'match',
  name: 'ah',
  family: 4,
  options: [{ name: 'ahspi', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('ah', options, ctx)) return null;
    const out: { spi?: Negatable<NumRange> } = {};
    for (const o of options) {
      const r = parseSpi(o, ctx);
      if (!r) return null;
      out.spi = { value: r, negated: o.negated };
    }
    if (!requireProtocol(ctx, 'AH', 51)) return null;
    return out;
  },
  save(o) {
    return saveSpi(o).join(' ');
  },
};

export const ahMatch6: ExtensionDef<AhOptions> = {
  kind: 'match',
  name: 'ah',
  family: 6,
  options: [
    { name: 'ahspi', args: 1, invertible: true },
    { name: 'ahlen', args: 1, invertible: true },
    { name: 'ahres', args: 0 },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('ah', options, ctx)) return null;
    const out: { -readonly [K in keyof AhOptions]: AhOptions[K] } = {};
    for (const o of options) {
      if (o.name === 'ahspi') {
        const r = parseSpi(o, ctx);
        if (!r) return null;
        out.spi = { value: r, negated: o.negated };
      } else if (o.name === 'ahlen') {
        const n = parseIntOption(o, 'ah', 0, U32, ctx);
        if (n === null) return null;
        out.length = { value: n, negated: o.negated };
      } else {
        out.reservedZero = true;
      }
    }
    return out;
  },
  save(o) {
    const parts = saveSpi(o);
    // The length is stored without a "given" flag: 0 not negated reads as "not given".
    if (o.length && (o.length.value !== 0 || o.length.negated)) parts.push(`${bang(o.length.negated)}--ahlen ${o.length.value}`);
    if (o.reservedZero) parts.push('--ahres');
    return parts.join(' ');
  },
};
