/**
 * `-m tos` (libxt_tos, revision 1): `VALUE[/MASK]` on the IPv4 TOS / IPv6 traffic class byte.
 * A number without mask means mask 0xff; a symbolic name (`Minimize-Delay`, …) means mask
 * 0x3f, the old TOS field without the ECN bits.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, sameNoCase, strtoulPrefix, U8 } from './packet-util.js';

export interface TosOptions {
  /** Matches when (byte & mask) == value. */
  readonly tos: Negatable<{ readonly value: number; readonly mask: number }>;
}

export const isTosMatch = matchGuard<TosOptions>('tos');

const TOS_NAMES: readonly (readonly [string, number])[] = [
  ['Minimize-Delay', 0x10], ['Maximize-Throughput', 0x08], ['Maximize-Reliability', 0x04],
  ['Minimize-Cost', 0x02], ['Normal-Service', 0x00],
];

/** XTTYPE_TOSMASK with the symbolic-name mask `nameMask`; the value/mask or the error text. */
export function parseTosMask(text: string, nameMask: number): { value: number; mask: number } | string {
  const first = strtoulPrefix(text);
  if (first && first.value <= U8) {
    let mask = U8;
    let rest = first.rest;
    if (rest[0] === '/') {
      const m = strtoulPrefix(rest.slice(1));
      if (!m || m.value > U8) return `Illegal value: "${text}"`;
      mask = m.value;
      rest = m.rest;
    }
    if (rest !== '') return `Illegal value: "${text}"`;
    return { value: first.value, mask };
  }
  const named = TOS_NAMES.find(([n]) => sameNoCase(n, text));
  if (!named) return `Symbolic name "${text}" is unknown`;
  return { value: named[1], mask: nameMask };
}

const hex2 = (n: number): string => '0x' + n.toString(16).padStart(2, '0');

export const tosMatch: ExtensionDef<TosOptions> = {
  kind: 'match',
  name: 'tos',
  options: [{ name: 'tos', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('tos', options, ctx, { mandatory: ['tos'] })) return null;
    const o = options[0];
    const r = parseTosMask(o.args[0], 0x3f);
    if (typeof r === 'string') {
      ctx.error(r, o);
      return null;
    }
    return { tos: { value: r, negated: o.negated } };
  },
  save(o) {
    return `${bang(o.tos.negated)}--tos ${hex2(o.tos.value.value)}/${hex2(o.tos.value.mask)}`;
  },
};
