/**
 * MARK (libxt_MARK.c revision 2; kernel xt_mark.c): sets the packet mark. Every form is stored as
 * the kernel does: mark = (mark & ~mask) ^ value, printed as `--set-xmark value/mask`.
 */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import {
  checkOptions,
  hexWidth,
  optionMarkMask,
  optionUint,
  targetGuard,
  UINT32_MAX,
  type TargetOption,
} from './target-util.js';

export interface MarkOptions {
  /** XORed into the mark after the mask bits are cleared. */
  readonly value: number;
  /** Bits of the mark that are cleared first. */
  readonly mask: number;
}

/** The mark after the target: (mark & ~mask) ^ value. */
export function applyXmark(mark: number, o: { readonly value: number; readonly mask: number }): number {
  return ((mark & ~o.mask) ^ o.value) >>> 0;
}

const OPS = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'];

const OPTIONS: readonly TargetOption[] = OPS.map((name) => ({ name, args: 1 as const, excl: OPS }));

export const MARK: ExtensionDef<MarkOptions> = {
  kind: 'target',
  name: 'MARK',
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): MarkOptions | null {
    if (!checkOptions('MARK', raw, OPTIONS, ctx)) return null;
    const o = raw[0];
    if (!o) {
      ctx.error('MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required');
      return null;
    }
    if (o.name === 'set-xmark' || o.name === 'set-mark') {
      const vm = optionMarkMask('MARK', o, ctx);
      if (!vm) return null;
      // --set-mark V/M clears M and V's bits, then sets V.
      return o.name === 'set-xmark' ? { value: vm.value, mask: vm.mask } : { value: vm.value, mask: (vm.value | vm.mask) >>> 0 };
    }
    const n = optionUint('MARK', o, 0, UINT32_MAX, ctx);
    if (n === null) return null;
    if (o.name === 'and-mark') return { value: 0, mask: ~n >>> 0 };
    if (o.name === 'or-mark') return { value: n, mask: n };
    return { value: n, mask: 0 };
  },
  save(o: MarkOptions): string {
    return `--set-xmark ${hexWidth(o.value)}/${hexWidth(o.mask)}`;
  },
};

export const isMarkTarget = targetGuard<MarkOptions>('MARK');
