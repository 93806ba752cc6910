/**
 * HMARK (libxt_HMARK.c; kernel xt_HMARK.c): sets the packet mark from a hash of (masked) addresses,
 * ports/SPI and protocol: mark = hash % mod + offset.
 */
import type { Family, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import {
  hexWidth,
  optionUint,
  parseNumericHost,
  targetGuard,
  xtUint,
  UINT16_MAX,
  UINT32_MAX,
  type TargetOption,
} from './target-util.js';

export interface HmarkOptions {
  /** Prefix length the source address is masked to before hashing (-1: a mask that is no prefix). */
  readonly srcPrefix?: number;
  readonly dstPrefix?: number;
  readonly sportMask?: number;
  readonly dportMask?: number;
  readonly spiMask?: number;
  readonly sport?: number;
  readonly dport?: number;
  readonly spi?: number;
  readonly protoMask?: number;
  readonly rnd?: number;
  readonly mod: number;
  readonly offset?: number;
  /** Hash the conntrack tuple instead of the packet headers. */
  readonly ct: boolean;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'hmark-tuple', args: 1 },
  { name: 'hmark-src-prefix', args: 1 },
  { name: 'hmark-dst-prefix', args: 1 },
  { name: 'hmark-sport-mask', args: 1 },
  { name: 'hmark-dport-mask', args: 1 },
  { name: 'hmark-spi-mask', args: 1 },
  { name: 'hmark-sport', args: 1 },
  { name: 'hmark-dport', args: 1 },
  { name: 'hmark-spi', args: 1 },
  { name: 'hmark-proto-mask', args: 1 },
  { name: 'hmark-rnd', args: 1 },
  { name: 'hmark-mod', args: 1, mandatory: true },
  { name: 'hmark-offset', args: 1 },
];

/** `--hmark-tuple` words (any prefix, in this order) and the option each one stands for. */
const TUPLE_WORDS: readonly (readonly [string, string])[] = [
  ['ct', 'ct'],
  ['src', 'hmark-src-prefix'],
  ['dst', 'hmark-dst-prefix'],
  ['sport', 'hmark-sport-mask'],
  ['dport', 'hmark-dport-mask'],
  ['proto', 'hmark-proto-mask'],
  ['spi', 'hmark-spi-mask'],
];

/** XTTYPE_PLENMASK: a prefix length, or a mask in address form (-1 when not contiguous). */
function parsePrefix(o: RawOption, family: Family, ctx: ExtensionContext): number | null {
  const bits = family === 4 ? 32 : 128;
  const n = xtUint(o.args[0], 0, bits);
  if (n !== null) return n;
  const mask = parseNumericHost(o.args[0], family);
  if (!mask) {
    ctx.error(`HMARK: bad value for option "--${o.name}", neither a valid network mask nor valid CIDR (0-${bits}).`, o);
    return null;
  }
  const bin = mask.map((b) => b.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bin) ? bin.indexOf('0') < 0 ? bits : bin.indexOf('0') : -1;
}

function hmarkDef(family: Family): ExtensionDef<HmarkOptions> {
  const full = family === 4 ? 32 : 128;
  return {
    kind: 'target',
    name: 'HMARK',
    family,
    options: OPTIONS,
    parse(raw: readonly RawOption[], ctx: ExtensionContext): HmarkOptions | null {
      // `--hmark-tuple src` counts as `--hmark-src-prefix` given, so both together are "used twice".
      const used = new Set<string>();
      const out: { -readonly [K in keyof HmarkOptions]?: HmarkOptions[K] } = { ct: false };
      const once = (name: string, o: RawOption): boolean => {
        if (used.has(name)) {
          ctx.error(`HMARK: option "--${name}" can only be used once.`, o);
          return false;
        }
        used.add(name);
        return true;
      };
      const u = (o: RawOption, max: number, min = 0): number | null => optionUint('HMARK', o, min, max, ctx);
      for (const o of raw) {
        if (o.name === 'hmark-tuple') {
          if (!once(o.name, o)) return null;
          const words = o.args[0].split(',');
          if (words[words.length - 1] === '') {
            ctx.error('"--hmark-tuple" requires a list', o);
            return null;
          }
          for (const w of words) {
            const hit = w === '' ? undefined : TUPLE_WORDS.find(([word]) => word.startsWith(w.toLowerCase()));
            if (!hit) {
              ctx.error(`Bad type "${w}"`, o);
              return null;
            }
            used.add(hit[1]);
            if (hit[0] === 'ct') out.ct = true;
            else if (hit[0] === 'src') out.srcPrefix = full;
            else if (hit[0] === 'dst') out.dstPrefix = full;
            else if (hit[0] === 'sport') out.sportMask = UINT16_MAX;
            else if (hit[0] === 'dport') out.dportMask = UINT16_MAX;
            else if (hit[0] === 'proto') out.protoMask = 0xff;
            else out.spiMask = UINT32_MAX;
          }
          continue;
        }
        if (!once(o.name, o)) return null;
        let n: number | null;
        switch (o.name) {
          case 'hmark-src-prefix':
          case 'hmark-dst-prefix':
            n = parsePrefix(o, family, ctx);
            if (n === null) return null;
            if (o.name === 'hmark-src-prefix') out.srcPrefix = n;
            else out.dstPrefix = n;
            continue;
          case 'hmark-sport-mask': n = u(o, UINT16_MAX); if (n === null) return null; out.sportMask = n; continue;
          case 'hmark-dport-mask': n = u(o, UINT16_MAX); if (n === null) return null; out.dportMask = n; continue;
          case 'hmark-spi-mask': n = u(o, UINT32_MAX); if (n === null) return null; out.spiMask = n; continue;
          case 'hmark-sport': n = u(o, UINT16_MAX); if (n === null) return null; out.sport = n; continue;
          case 'hmark-dport': n = u(o, UINT16_MAX); if (n === null) return null; out.dport = n; continue;
          case 'hmark-spi': n = u(o, UINT32_MAX); if (n === null) return null; out.spi = n; continue;
          case 'hmark-proto-mask': n = u(o, UINT16_MAX); if (n === null) return null; out.protoMask = n; continue;
          case 'hmark-rnd': n = u(o, UINT32_MAX); if (n === null) return null; out.rnd = n; continue;
          case 'hmark-mod': n = u(o, UINT32_MAX, 1); if (n === null) return null; out.mod = n; continue;
          case 'hmark-offset': n = u(o, UINT32_MAX); if (n === null) return null; out.offset = n; continue;
        }
      }
      if (out.mod === undefined) {
        ctx.error('HMARK: option "--hmark-mod" must be specified');
        return null;
      }
      if (out.rnd === undefined) {
        ctx.error('--hmark-rnd is mandatory');
        return null;
      }
      if (out.spiMask !== undefined && (out.sportMask !== undefined || out.dportMask !== undefined)) {
        ctx.error('you cannot use spi-mask and port-mask at the same time');
        return null;
      }
      const packetFields = ['srcPrefix', 'dstPrefix', 'spiMask', 'sportMask', 'dportMask', 'protoMask', 'sport', 'dport', 'spi'] as const;
      if (!out.ct && !packetFields.some((k) => out[k] !== undefined)) {
        ctx.error('you have to specify --hmark-tuple or mask options');
        return null;
      }
      return out as HmarkOptions;
    },
    save(o: HmarkOptions): string {
      const parts: string[] = [];
      if (o.srcPrefix !== undefined) parts.push(`--hmark-src-prefix ${o.srcPrefix}`);
      if (o.dstPrefix !== undefined) parts.push(`--hmark-dst-prefix ${o.dstPrefix}`);
      if (o.sportMask !== undefined) parts.push(`--hmark-sport-mask ${hexWidth(o.sportMask, 4)}`);
      if (o.dportMask !== undefined) parts.push(`--hmark-dport-mask ${hexWidth(o.dportMask, 4)}`);
      if (o.spiMask !== undefined) parts.push(`--hmark-spi-mask ${hexWidth(o.spiMask, 8)}`);
      if (o.sport !== undefined) parts.push(`--hmark-sport ${hexWidth(o.sport, 4)}`);
      if (o.dport !== undefined) parts.push(`--hmark-dport ${hexWidth(o.dport, 4)}`);
      if (o.spi !== undefined) parts.push(`--hmark-spi ${hexWidth(o.spi, 8)}`);
      if (o.protoMask !== undefined) parts.push(`--hmark-proto-mask ${hexWidth(o.protoMask, 2)}`);
      if (o.rnd !== undefined) parts.push(`--hmark-rnd ${hexWidth(o.rnd, 8)}`);
      parts.push(`--hmark-mod ${o.mod}`);
      if (o.offset !== undefined) parts.push(`--hmark-offset ${o.offset}`);
      if (o.ct) parts.push('--hmark-tuple ct');
      return parts.join(' ');
    },
  };
}

export const HMARK4 = hmarkDef(4);
export const HMARK6 = hmarkDef(6);
export const isHmarkTarget = targetGuard<HmarkOptions>('HMARK');
