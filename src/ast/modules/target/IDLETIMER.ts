/** IDLETIMER (libxt_IDLETIMER.c revision 1; kernel xt_IDLETIMER.c): a sysfs timer re-armed by each packet. */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, fitBuffer, optionUint, targetGuard, UINT32_MAX, type TargetOption } from './target-util.js';

export interface IdletimerOptions {
  /** Seconds. */
  readonly timeout: number;
  readonly label: string;
  /** An alarm timer (wakes the system) instead of a plain timer. */
  readonly alarm: boolean;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'timeout', args: 1, mandatory: true },
  { name: 'label', args: 1, mandatory: true },
  { name: 'alarm', args: 0 },
];

export const IDLETIMER: ExtensionDef<IdletimerOptions> = {
  kind: 'target',
  name: 'IDLETIMER',
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): IdletimerOptions | null {
    if (!checkOptions('IDLETIMER', raw, OPTIONS, ctx)) return null;
    const timeoutOpt = raw.find((r) => r.name === 'timeout')!;
    const timeout = optionUint('IDLETIMER', timeoutOpt, 0, UINT32_MAX, ctx);
    if (timeout === null) return null;
    // The kernel refuses a zero timeout and one that overflows its milliseconds.
    if (timeout === 0 || timeout >= Math.floor(0x7fffffff / 1000)) {
      ctx.error('IDLETIMER: timeout value is zero or too big', timeoutOpt);
      return null;
    }
    const label = fitBuffer('IDLETIMER', raw.find((r) => r.name === 'label')!, 28, ctx);
    if (label === '') {
      ctx.error('IDLETIMER: label is empty');
      return null;
    }
    return { timeout, label, alarm: raw.some((r) => r.name === 'alarm') };
  },
  save(o: IdletimerOptions): string {
    return `--timeout ${o.timeout} --label ${o.label}${o.alarm ? ' --alarm' : ''}`;
  },
};

export const isIdletimerTarget = targetGuard<IdletimerOptions>('IDLETIMER');
