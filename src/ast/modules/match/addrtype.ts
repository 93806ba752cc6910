/**
 * `-m addrtype` (libxt_addrtype, revision 1): the routing type of the source and/or
 * destination address, optionally looked up only on the packet's in/out interface.
 * The kernel limits `--limit-iface-in` to hooks with an input device and `--limit-iface-out`
 * to hooks with an output device, and refuses for IPv6 the types it cannot tell.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, ruleHook } from './packet-util.js';

export type AddressType =
  | 'UNSPEC' | 'UNICAST' | 'LOCAL' | 'BROADCAST' | 'ANYCAST' | 'MULTICAST' | 'BLACKHOLE' | 'UNREACHABLE'
  | 'PROHIBIT' | 'THROW' | 'NAT' | 'XRESOLVE';

/** In bit order (RTN_* numbers), which is also the print order. */
export const ADDRESS_TYPES: readonly AddressType[] = [
  'UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT',
  'THROW', 'NAT', 'XRESOLVE',
];

export interface AddrtypeOptions {
  /** The address is of one of these types. */
  readonly srcType?: Negatable<readonly AddressType[]>;
  readonly dstType?: Negatable<readonly AddressType[]>;
  /** Look the address up only on the incoming interface. */
  readonly limitIfaceIn: boolean;
  /** Look the address up only on the outgoing interface. */
  readonly limitIfaceOut: boolean;
}

export const isAddrtypeMatch = matchGuard<AddrtypeOptions>('addrtype');

/** Each comma-separated word may be any prefix of a type name (first match wins). */
function parseTypes(text: string): AddressType[] | string {
  const found = new Set<number>();
  const words = text.split(',');
  for (const [i, word] of words.entries()) {
    const idx = word === '' ? -1 : ADDRESS_TYPES.findIndex((t) => t.toLowerCase().startsWith(word.toLowerCase()));
    if (idx < 0) {
      const rest = words.slice(i).join(',');
      return i === words.length - 1 ? `addrtype: bad type "${rest}"` : `addrtype: bad type \`${rest}'`;
    }
    found.add(idx);
  }
  return ADDRESS_TYPES.filter((_t, i) => found.has(i));
}

export const addrtypeMatch: ExtensionDef<AddrtypeOptions> = {
  kind: 'match',
  name: 'addrtype',
  options: [
    { name: 'src-type', args: 1, invertible: true },
    { name: 'dst-type', args: 1, invertible: true },
    { name: 'limit-iface-in', args: 0 },
    { name: 'limit-iface-out', args: 0 },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('addrtype', options, ctx, { exclusive: [['limit-iface-in', 'limit-iface-out']] })) return null;
    const out: { -readonly [K in keyof AddrtypeOptions]: AddrtypeOptions[K] } = { limitIfaceIn: false, limitIfaceOut: false };
    for (const o of options) {
      if (o.name === 'limit-iface-in') out.limitIfaceIn = true;
      else if (o.name === 'limit-iface-out') out.limitIfaceOut = true;
      else {
        const types = parseTypes(o.args[0]);
        if (typeof types === 'string') {
          ctx.error(types, o);
          return null;
        }
        out[o.name === 'src-type' ? 'srcType' : 'dstType'] = { value: types, negated: o.negated };
      }
    }
    if (!out.srcType && !out.dstType) {
      ctx.error('addrtype: you must specify --src-type or --dst-type');
      return null;
    }
    const hook = ruleHook(ctx);
    if (out.limitIfaceOut && (hook === 'PREROUTING' || hook === 'INPUT')) {
      ctx.error('addrtype: output interface limitation not valid in PREROUTING and INPUT');
      return null;
    }
    if (out.limitIfaceIn && (hook === 'POSTROUTING' || hook === 'OUTPUT')) {
      ctx.error('addrtype: input interface limitation not valid in POSTROUTING and OUTPUT');
      return null;
    }
    if (ctx.family === 6) {
      const used = new Set([...(out.srcType?.value ?? []), ...(out.dstType?.value ?? [])]);
      const refused = (['BLACKHOLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE', 'BROADCAST'] as const).find((t) => used.has(t));
      if (refused) {
        ctx.error(`addrtype: ipv6 ${refused} matching not supported`);
        return null;
      }
    }
    return out;
  },
  save(o) {
    const parts: string[] = [];
    if (o.srcType && o.srcType.value.length) parts.push(`${bang(o.srcType.negated)}--src-type ${o.srcType.value.join(',')}`);
    if (o.dstType && o.dstType.value.length) parts.push(`${bang(o.dstType.negated)}--dst-type ${o.dstType.value.join(',')}`);
    if (o.limitIfaceIn) parts.push('--limit-iface-in');
    if (o.limitIfaceOut) parts.push('--limit-iface-out');
    return parts.join(' ');
  },
};
