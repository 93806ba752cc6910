/**
 * CONNMARK (libxt_CONNMARK.c revision 2; kernel xt_connmark.c): sets the connection mark, or
 * copies between the packet mark and the connection mark.
 *
 * - set:     ctmark = (ctmark & ~ctmask) ^ ctmark-value
 * - save:    ctmark = (ctmark & ~ctmask) ^ ((mark & nfmask) shifted)
 * - restore: mark   = (mark & ~nfmask) ^ ((ctmark & ctmask) shifted)
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

export interface ConnmarkOptions {
  readonly mode: 'set' | 'save' | 'restore';
  /** `set`: the value XORed into the connection mark. */
  readonly ctmark: number;
  readonly ctmask: number;
  readonly nfmask: number;
  readonly shift: { readonly direction: 'left' | 'right'; readonly bits: number };
}

const OPS = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark', 'save-mark', 'restore-mark'];

const OPTIONS: readonly TargetOption[] = [
  { name: 'set-xmark', args: 1, excl: OPS },
  { name: 'set-mark', args: 1, excl: OPS },
  { name: 'and-mark', args: 1, excl: OPS },
  { name: 'or-mark', args: 1, excl: OPS },
  { name: 'xor-mark', args: 1, excl: OPS },
  { name: 'save-mark', args: 0, excl: OPS },
  { name: 'restore-mark', args: 0, excl: OPS },
  { name: 'left-shift-mark', args: 1 },
  { name: 'right-shift-mark', args: 1 },
  { name: 'ctmask', args: 1, excl: ['mask'] },
  { name: 'nfmask', args: 1, excl: ['mask'] },
  { name: 'mask', args: 1, excl: ['ctmask', 'nfmask'] },
];

export const CONNMARK: ExtensionDef<ConnmarkOptions> = {
  kind: 'target',
  name: 'CONNMARK',
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): ConnmarkOptions | null {
    if (!checkOptions('CONNMARK', raw, OPTIONS, ctx)) return null;
    let mode: ConnmarkOptions['mode'] | null = null;
    let ctmark = 0;
    let ctmask = UINT32_MAX;
    let nfmask = UINT32_MAX;
    let shift: ConnmarkOptions['shift'] = { direction: 'left', bits: 0 };
    // Options apply in the order written (`--mask` after `--set-mark` overrides its mask), as in iptables.
    for (const o of raw) {
      switch (o.name) {
        case 'set-xmark':
        case 'set-mark': {
          const vm = optionMarkMask('CONNMARK', o, ctx);
          if (!vm) return null;
          mode = 'set';
          ctmark = vm.value;
          ctmask = o.name === 'set-xmark' ? vm.mask : (vm.value | vm.mask) >>> 0;
          break;
        }
        case 'and-mark':
        case 'or-mark':
        case 'xor-mark': {
          const n = optionUint('CONNMARK', o, 0, UINT32_MAX, ctx);
          if (n === null) return null;
          mode = 'set';
          if (o.name === 'and-mark') [ctmark, ctmask] = [0, ~n >>> 0];
          else if (o.name === 'or-mark') [ctmark, ctmask] = [n, n];
          else [ctmark, ctmask] = [n, 0];
          break;
        }
        case 'save-mark':
          mode = 'save';
          break;
        case 'restore-mark':
          mode = 'restore';
          break;
        case 'ctmask':
        case 'nfmask':
        case 'mask': {
          const n = optionUint('CONNMARK', o, 0, UINT32_MAX, ctx);
          if (n === null) return null;
          if (o.name !== 'nfmask') ctmask = n;
          if (o.name !== 'ctmask') nfmask = n;
          break;
        }
        case 'left-shift-mark':
        case 'right-shift-mark': {
          const n = optionUint('CONNMARK', o, 0, 32, ctx);
          if (n === null) return null;
          shift = { direction: o.name === 'left-shift-mark' ? 'left' : 'right', bits: n };
          break;
        }
      }
    }
    if (mode === null) {
      ctx.error('CONNMARK target: No operation specified');
      return null;
    }
    return { mode, ctmark, ctmask, nfmask, shift };
  },
  save(o: ConnmarkOptions): string {
    const text =
      o.mode === 'set'
        ? `--set-xmark ${hexWidth(o.ctmark)}/${hexWidth(o.ctmask)}`
        : `--${o.mode}-mark --nfmask ${hexWidth(o.nfmask)} --ctmask ${hexWidth(o.ctmask)}`;
    return o.shift.bits !== 0 ? `${text} --${o.shift.direction}-shift-mark ${o.shift.bits}` : text;
  },
};

export const isConnmarkTarget = targetGuard<ConnmarkOptions>('CONNMARK');
