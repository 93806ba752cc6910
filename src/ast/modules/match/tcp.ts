/**
 * `-m tcp` (libxt_tcp): ports, TCP flags and a TCP option kind.
 * iptables-nft turns a plain port/flag match into native payload expressions, which is why a
 * negated `-p tcp` is accepted there; anything else (an option kind, an empty match) goes to
 * the kernel's xt_tcp, which insists on `-p tcp`.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable, RawOption } from '../../types.js';
import {
  formatRange, isFullRange, matchGuard, parsePortPair, strtoulStrict, requireProtocol, U16, U8,
  type NumRange,
} from './packet-util.js';

export type TcpFlag = 'FIN' | 'SYN' | 'RST' | 'PSH' | 'ACK' | 'URG';

/** In bit order, which is also the order iptables-save prints them in. */
export const TCP_FLAGS: readonly TcpFlag[] = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'];

export interface TcpFlagsTest {
  /** Flags examined. */
  readonly mask: readonly TcpFlag[];
  /** Of those, the ones that must be set (the others must be clear). */
  readonly comp: readonly TcpFlag[];
}

export interface TcpOptions {
  readonly sport?: Negatable<NumRange>;
  readonly dport?: Negatable<NumRange>;
  readonly flags?: Negatable<TcpFlagsTest>;
  /** TCP option kind that must be present. */
  readonly option?: Negatable<number>;
}

export const isTcpMatch = matchGuard<TcpOptions>('tcp');

const FLAG_BITS: Readonly<Record<string, number>> = {
  FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ALL: 0x3f, NONE: 0,
};

export function tcpFlagsFromBits(bits: number): TcpFlag[] {
  return TCP_FLAGS.filter((_f, i) => bits & (1 << i));
}

export function tcpFlagBits(flags: readonly TcpFlag[]): number {
  return flags.reduce((acc, f) => acc | FLAG_BITS[f], 0);
}

/** `SYN,ACK` (any case; ALL and NONE too) to a bit set; error text for an unknown flag. */
export function parseTcpFlagList(text: string): number | string {
  let bits = 0;
  for (const word of text.split(',')) {
    if (word === '') continue; // strtok skips empty fields
    const bit = FLAG_BITS[word.toUpperCase()];
    if (bit === undefined) return `Unknown TCP flag \`${word}'`;
    bits |= bit;
  }
  return bits;
}

function printFlags(bits: number): string {
  const names = tcpFlagsFromBits(bits);
  return names.length ? names.join(',') : 'NONE';
}

export const tcpMatch: ExtensionDef<TcpOptions> = {
  kind: 'match',
  name: 'tcp',
  options: [
    { name: 'source-port', aliases: ['sport'], args: 1, invertible: true },
    { name: 'destination-port', aliases: ['dport'], args: 1, invertible: true },
    { name: 'syn', args: 0, invertible: true },
    { name: 'tcp-flags', args: 2, invertible: true },
    { name: 'tcp-option', args: 1, invertible: true },
  ],
  parse(options, ctx) {
    const out: { -readonly [K in keyof TcpOptions]: TcpOptions[K] } = {};
    const ports = (o: RawOption, key: 'sport' | 'dport', label: string): boolean => {
      if (out[key]) {
        ctx.error(`Only one \`--${label}' allowed`, o);
        return false;
      }
      const r = parsePortPair(o.args[0], 'tcp');
      if (typeof r === 'string') {
        ctx.error(r, o);
        return false;
      }
      out[key] = { value: r, negated: o.negated };
      return true;
    };
    for (const o of options) {
      switch (o.name) {
        case 'source-port':
          if (!ports(o, 'sport', 'source-port')) return null;
          break;
        case 'destination-port':
          if (!ports(o, 'dport', 'destination-port')) return null;
          break;
        case 'syn':
        case 'tcp-flags': {
          if (out.flags) {
            ctx.error("Only one of `--syn' or `--tcp-flags'  allowed", o);
            return null;
          }
          let mask = 0x17; // --syn: SYN,RST,ACK,FIN
          let comp = 0x02;
          if (o.name === 'tcp-flags') {
            const second = o.args[1];
            if (second === undefined || second.startsWith('-') || second.startsWith('!')) {
              ctx.error('--tcp-flags requires two args.', o);
              return null;
            }
            const m = parseTcpFlagList(o.args[0]);
            const c = parseTcpFlagList(second);
            if (typeof m === 'string' || typeof c === 'string') {
              ctx.error(typeof m === 'string' ? m : (c as string), o);
              return null;
            }
            mask = m;
            comp = c;
          }
          out.flags = { value: { mask: tcpFlagsFromBits(mask), comp: tcpFlagsFromBits(comp) }, negated: o.negated };
          break;
        }
        case 'tcp-option': {
          if (out.option) {
            ctx.error("Only one `--tcp-option' allowed", o);
            return null;
          }
          const n = strtoulStrict(o.args[0], 1, U8);
          if (n === null) {
            ctx.error(`Bad TCP option "${o.args[0]}"`, o);
            return null;
          }
          out.option = { value: n, negated: o.negated };
          break;
        }
      }
    }
    const full = (r?: Negatable<NumRange>): boolean => !r || isFullRange(r, U16);
    // The native (nft payload) translation accepts `! -p tcp`; xt_tcp itself does not.
    const native = !out.option && !(full(out.sport) && full(out.dport) && !out.flags);
    if (!requireProtocol(ctx, 'TCP', 6, native)) return null;
    return out;
  },
  save(o) {
    const parts: string[] = [];
    for (const [key, flag] of [['sport', '--sport'], ['dport', '--dport']] as const) {
      const r = o[key];
      if (r && !isFullRange(r, U16)) parts.push(`${bang(r.negated)}${flag} ${formatRange(r.value)}`);
    }
    if (o.option) parts.push(`${bang(o.option.negated)}--tcp-option ${o.option.value}`);
    if (o.flags && (o.flags.value.mask.length || o.flags.negated)) {
      const f = o.flags;
      parts.push(`${bang(f.negated)}--tcp-flags ${printFlags(tcpFlagBits(f.value.mask))} ${printFlags(tcpFlagBits(f.value.comp))}`);
    }
    return parts.join(' ');
  },
};
