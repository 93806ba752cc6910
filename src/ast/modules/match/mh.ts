/**
 * `-m mh` (libip6t_mh, IPv6): Mobility Header type range; ip6t_mh needs `-p mobility-header`.
 * Type names may be abbreviated (an exact name wins over longer ones it prefixes).
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, formatRange, isFullRange, matchGuard, requireProtocol, strtoulStrict, U8, type NumRange } from './packet-util.js';

export interface MhOptions {
  /** Absent: any type. */
  readonly type?: Negatable<NumRange>;
}

export const isMhMatch = matchGuard<MhOptions>('mh');

const MH_NAMES: readonly (readonly [string, number])[] = [
  ['binding-refresh-request', 0], ['home-test-init', 1], ['careof-test-init', 2], ['home-test', 3],
  ['careof-test', 4], ['binding-update', 5], ['binding-acknowledgement', 6], ['binding-error', 7],
];

function typeOf(text: string): number | null {
  let match: (typeof MH_NAMES)[number] | undefined;
  for (const entry of MH_NAMES) {
    if (entry[0].toLowerCase().startsWith(text.toLowerCase()) && (!match || entry[0].length === text.length)) match = entry;
  }
  if (match) return match[1];
  return strtoulStrict(text, 0, U8);
}

export const mhMatch: ExtensionDef<MhOptions> = {
  kind: 'match',
  name: 'mh',
  family: 6,
  options: [{ name: 'mh-type', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('mh', options, ctx)) return null;
    const out: { type?: Negatable<NumRange> } = {};
    for (const o of options) {
      const text = o.args[0];
      const colon = text.indexOf(':');
      const parts = colon < 0 ? [text, text] : [text.slice(0, colon), text.slice(colon + 1)];
      const bounds: number[] = [];
      for (const [i, part] of parts.entries()) {
        const v = part === '' ? (i === 0 ? 0 : U8) : typeOf(part);
        if (v === null) {
          ctx.error(`Invalid MH type \`${part}'`, o);
          return null;
        }
        bounds.push(v);
      }
      if (bounds[0] > bounds[1]) {
        ctx.error('Invalid MH type range (min > max)', o);
        return null;
      }
      out.type = { value: { from: bounds[0], to: bounds[1] }, negated: o.negated };
    }
    if (!requireProtocol(ctx, 'MH', 135)) return null;
    return out;
  },
  save(o) {
    return o.type && !isFullRange(o.type, U8) ? `${bang(o.type.negated)}--mh-type ${formatRange(o.type.value)}` : '';
  },
};
