/** LED (libxt_LED.c; kernel xt_LED.c): blinks the LED trigger `netfilter-ID` on each packet. */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, targetGuard, xtUint, UINT32_MAX, type TargetOption } from './target-util.js';

export interface LedOptions {
  /** The trigger id without its `netfilter-` prefix. */
  readonly triggerId: string;
  /** Milliseconds the LED stays on; 0 = a blink, 'inf' = on forever. */
  readonly delay: number | 'inf';
  readonly alwaysBlink: boolean;
}

/** The kernel's id buffer is 27 bytes, `netfilter-` and NUL included. */
const MAX_ID = 27 - 'netfilter-'.length - 1;

const OPTIONS: readonly TargetOption[] = [
  { name: 'led-trigger-id', args: 1, mandatory: true },
  { name: 'led-delay', args: 1 },
  { name: 'led-always-blink', args: 0 },
];

export const LED: ExtensionDef<LedOptions> = {
  kind: 'target',
  name: 'LED',
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): LedOptions | null {
    if (!checkOptions('LED', raw, OPTIONS, ctx)) return null;
    const idOpt = raw.find((r) => r.name === 'led-trigger-id')!;
    if (idOpt.args[0].length > MAX_ID) {
      ctx.error(`Argument must have a maximum length of ${MAX_ID} characters`, idOpt);
      return null;
    }
    let delay: number | 'inf' = 0;
    const delayOpt = raw.find((r) => r.name === 'led-delay');
    if (delayOpt) {
      if (delayOpt.args[0].toLowerCase().startsWith('inf')) {
        delay = 'inf';
      } else {
        const n = xtUint(delayOpt.args[0], 0, UINT32_MAX);
        if (n === null) {
          ctx.error(`Delay value must be within range 0..${UINT32_MAX}`, delayOpt);
          return null;
        }
        delay = n;
      }
    }
    return { triggerId: idOpt.args[0], delay, alwaysBlink: raw.some((r) => r.name === 'led-always-blink') };
  },
  save(o: LedOptions): string {
    // LED_save always quotes the id, escaping only `"` and `\`.
    const parts = [`--led-trigger-id "${o.triggerId.replace(/["\\]/g, (c) => '\\' + c)}"`];
    if (o.delay === 'inf') parts.push('--led-delay inf');
    else if (o.delay > 0 && o.delay <= 0x7fffffff) parts.push(`--led-delay ${o.delay}`);
    if (o.alwaysBlink) parts.push('--led-always-blink');
    return parts.join(' ');
  },
};

export const isLedTarget = targetGuard<LedOptions>('LED');
