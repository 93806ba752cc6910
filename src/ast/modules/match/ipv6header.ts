/**
 * `-m ipv6header` (libip6t_ipv6header, IPv6): which extension headers the packet carries.
 * Header names are /etc/protocols names or iptables' short ones (`hop`, `dst`, `route`,
 * `frag`, `auth`, `esp`, `none`, `prot`) or numbers; iptables-save prints protocol names.
 */
import type { ExtensionDef } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard } from './packet-util.js';
import { etcProtocolName, etcProtocolNumber } from '../../../net/protocols.js';

export type Ipv6HeaderKind = 'hop-by-hop' | 'dst' | 'route' | 'frag' | 'auth' | 'esp' | 'none' | 'protocol';

export interface Ipv6HeaderOptions {
  /** Headers named, in iptables' bit order; negated, the whole test is inverted. */
  readonly headers: Negatable<readonly Ipv6HeaderKind[]>;
  /** `--soft`: match if any named header is present, instead of exactly this set. */
  readonly soft: boolean;
}

export const isIpv6HeaderMatch = matchGuard<Ipv6HeaderOptions>('ipv6header');

/** Bit order (MASK_HOPOPTS 128 … MASK_PROTO 1) with the protocol number of each header. */
const HEADERS: readonly (readonly [Ipv6HeaderKind, number])[] = [
  ['hop-by-hop', 0], ['dst', 60], ['route', 43], ['frag', 44], ['auth', 51], ['esp', 50], ['none', 59], ['protocol', 255],
];

/** iptables' own names, tried after /etc/protocols. */
const SHORT_NAMES: readonly (readonly [string, number])[] = [
  ['hop-by-hop', 0], ['protocol', 255], ['hop', 0], ['dst', 60], ['route', 43], ['frag', 44], ['auth', 51],
  ['esp', 50], ['none', 59], ['prot', 255], ['0', 0], ['60', 60], ['43', 43], ['44', 44], ['51', 51],
  ['50', 50], ['59', 59], ['255', 255],
];

function headerName(proto: number): string {
  if (proto !== 0) {
    const name = etcProtocolName(proto);
    if (name) return name;
  }
  return SHORT_NAMES.find(([, n]) => n === proto)![0];
}

export const ipv6headerMatch: ExtensionDef<Ipv6HeaderOptions> = {
  kind: 'match',
  name: 'ipv6header',
  family: 6,
  options: [
    { name: 'header', args: 1, invertible: true },
    { name: 'soft', args: 0 },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('ipv6header', options, ctx, { mandatory: ['header'] })) return null;
    let headers: Negatable<readonly Ipv6HeaderKind[]> = { value: [], negated: false };
    let soft = false;
    for (const o of options) {
      if (o.name === 'soft') {
        soft = true;
        continue;
      }
      const found = new Set<number>();
      for (const word of o.args[0].split(',')) {
        if (word === '') continue;
        const proto = etcProtocolNumber(word) ?? SHORT_NAMES.find(([n]) => n === word)?.[1];
        if (proto === undefined) {
          ctx.error(`unknown header \`${word}' specified`, o);
          return null;
        }
        if (!HEADERS.some(([, n]) => n === proto)) {
          ctx.error(`unknown header \`${proto}' specified`, o);
          return null;
        }
        found.add(proto);
      }
      if (found.size === 0) {
        ctx.error('ip6t_ipv6header: cannot parse header names', o);
        return null;
      }
      headers = { value: HEADERS.filter(([, n]) => found.has(n)).map(([k]) => k), negated: o.negated };
    }
    return { headers, soft };
  },
  save(o) {
    const names = o.headers.value.map((k) => headerName(HEADERS.find(([h]) => h === k)![1]));
    return `${o.headers.negated ? '! ' : ''}--header ${names.length ? names.join(',') : 'NONE'}${o.soft ? ' --soft' : ''}`;
  },
};
