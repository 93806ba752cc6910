/**
 * TOS (libxt_TOS.c revision 1; kernel xt_DSCP.c): rewrites the IPv4 TOS / IPv6 traffic class,
 * stored as the kernel does: tos = (tos & ~mask) ^ value, printed as `--set-tos value/mask`.
 */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, hexWidth, optionUint, targetGuard, xtUintPrefix, type TargetOption } from './target-util.js';

export interface TosOptions {
  readonly value: number;
  readonly mask: number;
}

/** RFC 1349 names; with a name the mask is 0x3f (the TOS bits, not the ECN bits). */
const TOS_NAMES: readonly (readonly [string, number])[] = [
  ['Minimize-Delay', 0x10],
  ['Maximize-Throughput', 0x08],
  ['Maximize-Reliability', 0x04],
  ['Minimize-Cost', 0x02],
  ['Normal-Service', 0x00],
];

const OPS = ['set-tos', 'and-tos', 'or-tos', 'xor-tos'];
const OPTIONS: readonly TargetOption[] = OPS.map((name) => ({ name, args: 1, excl: OPS }));

function parseTosMask(o: RawOption, ctx: ExtensionContext): TosOptions | null {
  const text = o.args[0];
  const illegal = (): null => {
    ctx.error(`Illegal value: "${text}"`, o);
    return null;
  };
  const value = xtUintPrefix(text, 0, 0xff);
  if (value) {
    if (value.rest === '') return { value: value.value, mask: 0xff };
    if (!value.rest.startsWith('/')) return illegal();
    const mask = xtUintPrefix(value.rest.slice(1), 0, 0xff);
    if (!mask || mask.rest !== '') return illegal();
    return { value: value.value, mask: mask.value };
  }
  const named = TOS_NAMES.find(([name]) => name.toLowerCase() === text.toLowerCase());
  if (!named) {
    ctx.error(`Symbolic name "${text}" is unknown`, o);
    return null;
  }
  return { value: named[1], mask: 0x3f };
}

export const TOS: ExtensionDef<TosOptions> = {
  kind: 'target',
  name: 'TOS',
  tables: ['mangle'],
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): TosOptions | null {
    if (!checkOptions('TOS', raw, OPTIONS, ctx)) return null;
    const o = raw[0];
    if (!o) {
      ctx.error('TOS: An action is required');
      return null;
    }
    if (o.name === 'set-tos') return parseTosMask(o, ctx);
    const n = optionUint('TOS', o, 0, 0xff, ctx);
    if (n === null) return null;
    if (o.name === 'and-tos') return { value: 0, mask: ~n & 0xff };
    if (o.name === 'or-tos') return { value: n, mask: n };
    return { value: n, mask: 0 };
  },
  save(o: TosOptions): string {
    return `--set-tos ${hexWidth(o.value, 2)}/${hexWidth(o.mask, 2)}`;
  },
};

export const isTosTarget = targetGuard<TosOptions>('TOS');
