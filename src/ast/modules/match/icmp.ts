/**
 * `-m icmp` (libipt_icmp, IPv4) and the type-name table it shares with `-m icmp6`.
 * A type name may be abbreviated to any unambiguous prefix; iptables-save prints numbers.
 * xt_icmp needs `-p icmp`.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, strtoulPrefix } from './packet-util.js';

/** One ICMP type with a code range; `any` (type 255, codes 0-255) matches every ICMP packet. */
export interface IcmpTypeTest {
  readonly type: number;
  readonly codeMin: number;
  readonly codeMax: number;
}

export type IcmpTest = IcmpTypeTest | 'any';

export interface IcmpOptions {
  readonly icmpType: Negatable<IcmpTest>;
}

export const isIcmpMatch = matchGuard<IcmpOptions>('icmp');

export type IcmpName = readonly [name: string, type: number, codeMin: number, codeMax: number];

const ICMP_NAMES: readonly IcmpName[] = [
  ['any', 0xff, 0, 0xff], ['echo-reply', 0, 0, 0xff], ['pong', 0, 0, 0xff],
  ['destination-unreachable', 3, 0, 0xff], ['network-unreachable', 3, 0, 0], ['host-unreachable', 3, 1, 1],
  ['protocol-unreachable', 3, 2, 2], ['port-unreachable', 3, 3, 3], ['fragmentation-needed', 3, 4, 4],
  ['source-route-failed', 3, 5, 5], ['network-unknown', 3, 6, 6], ['host-unknown', 3, 7, 7],
  ['network-prohibited', 3, 9, 9], ['host-prohibited', 3, 10, 10], ['TOS-network-unreachable', 3, 11, 11],
  ['TOS-host-unreachable', 3, 12, 12], ['communication-prohibited', 3, 13, 13],
  ['host-precedence-violation', 3, 14, 14], ['precedence-cutoff', 3, 15, 15], ['source-quench', 4, 0, 0xff],
  ['redirect', 5, 0, 0xff], ['network-redirect', 5, 0, 0], ['host-redirect', 5, 1, 1],
  ['TOS-network-redirect', 5, 2, 2], ['TOS-host-redirect', 5, 3, 3], ['echo-request', 8, 0, 0xff],
  ['ping', 8, 0, 0xff], ['router-advertisement', 9, 0, 0xff], ['router-solicitation', 10, 0, 0xff],
  ['time-exceeded', 11, 0, 0xff], ['ttl-exceeded', 11, 0, 0xff], ['ttl-zero-during-transit', 11, 0, 0],
  ['ttl-zero-during-reassembly', 11, 1, 1], ['parameter-problem', 12, 0, 0xff], ['ip-header-bad', 12, 0, 0],
  ['required-option-missing', 12, 1, 1], ['timestamp-request', 13, 0, 0xff], ['timestamp-reply', 14, 0, 0xff],
  ['info-request', 15, 0, 0xff], ['info-reply', 16, 0, 0xff], ['address-mask-request', 17, 0, 0xff],
  ['address-mask-reply', 18, 0, 0xff],
];

/** `N[:M]` with both parts 0-255 (libxt_icmp.h parse_range); the unread rest, or null. */
function parseByteRange(text: string): { range: [number, number]; rest: string } | null {
  const a = strtoulPrefix(text);
  if (!a || a.value > 255) return null;
  if (a.rest[0] !== ':') return { range: [a.value, a.value], rest: a.rest };
  const b = strtoulPrefix(a.rest.slice(1));
  if (!b || b.value > 255) return null;
  return { range: [a.value, b.value], rest: b.rest };
}

/**
 * A type as `--icmp-type` / `--icmpv6-type` take it: a name (or unambiguous prefix of one),
 * or `TYPE[/CODE[:CODE]]`. Returns the test or the error text.
 */
export function parseIcmpType(text: string, names: readonly IcmpName[], label: 'ICMP' | 'ICMPv6'): IcmpTypeTest | string {
  let found: IcmpName | undefined;
  for (const entry of names) {
    if (!entry[0].toLowerCase().startsWith(text.toLowerCase())) continue;
    if (found) return `Ambiguous ${label} type \`${text}': \`${found[0]}' or \`${entry[0]}'?`;
    found = entry;
  }
  if (found) return { type: found[1], codeMin: found[2], codeMax: found[3] };
  const t = parseByteRange(text);
  if (!t) return `Unknown ${label} type \`${text}'`;
  if (t.range[0] !== t.range[1]) return `${label} type range not supported`;
  if (t.rest === '') return { type: t.range[0], codeMin: 0, codeMax: 0xff };
  if (t.rest[0] !== '/') return `unknown character ${t.rest[0]}`;
  const c = parseByteRange(t.rest.slice(1));
  if (!c) return `Unknown ${label} code \`${text}'`;
  if (c.rest !== '') return `unknown character ${c.rest[0]}`;
  return { type: t.range[0], codeMin: c.range[0], codeMax: c.range[1] };
}

export const icmpMatch: ExtensionDef<IcmpOptions> = {
  kind: 'match',
  name: 'icmp',
  family: 4,
  options: [{ name: 'icmp-type', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('icmp', options, ctx, { mandatory: ['icmp-type'] })) return null;
    const o = options[0];
    const t = parseIcmpType(o.args[0], ICMP_NAMES, 'ICMP');
    if (typeof t === 'string') {
      ctx.error(t, o);
      return null;
    }
    const p = ctx.core.protocol;
    if (!p || p.value.number !== 1 || p.negated) {
      ctx.error("icmp match requires '-p icmp'");
      return null;
    }
    const any = t.type === 0xff && t.codeMin === 0 && t.codeMax === 0xff;
    return { icmpType: { value: any ? 'any' : t, negated: o.negated } };
  },
  save(o) {
    const t = o.icmpType.value;
    if (t === 'any') return `${bang(o.icmpType.negated)}--icmp-type any`;
    // The code range is stored, but only its lower end is printed (as iptables does).
    const code = t.codeMin !== 0 || t.codeMax !== 0xff ? `/${t.codeMin}` : '';
    return `${bang(o.icmpType.negated)}--icmp-type ${t.type}${code}`;
  },
};
