/**
 * RATEEST (libxt_RATEEST.c; kernel xt_RATEEST.c): feeds a named rate estimator. The interval and
 * averaging time are rounded to what the kernel keeps (a power-of-two multiple of 250ms, and a
 * power-of-two multiple of the interval), and printed back from those.
 */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, fitBuffer, targetGuard, type TargetOption } from './target-util.js';

export interface RateestOptions {
  readonly name: string;
  /** Estimation interval in microseconds: 250000 << n for n in 0…5. */
  readonly intervalUs: number;
  /** The averaging time constant is intervalUs << ewmaLog. */
  readonly ewmaLog: number;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'rateest-name', args: 1, mandatory: true },
  { name: 'rateest-interval', args: 1, mandatory: true },
  { name: 'rateest-ewmalog', args: 1, mandatory: true },
];

const US_PER_SEC = 1_000_000;

/** RATEEST_get_time: a strtod number with an optional s/ms/us unit, in microseconds (truncated). */
function parseTime(text: string): number | null {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text);
  if (!m) return null;
  let t = Number(m[0]);
  const unit = text.slice(m[0].length).toLowerCase();
  if (['s', 'sec', 'secs'].includes(unit)) t *= US_PER_SEC;
  else if (['ms', 'msec', 'msecs'].includes(unit)) t *= US_PER_SEC / 1000;
  else if (!['', 'us', 'usec', 'usecs'].includes(unit)) return null;
  return Math.trunc(t) >>> 0;
}

/** RATEEST_print_time */
function formatTime(us: number): string {
  if (us >= US_PER_SEC) return `${(us / US_PER_SEC).toFixed(1)}s`;
  if (us >= US_PER_SEC / 1000) return `${(us / (US_PER_SEC / 1000)).toFixed(1)}ms`;
  return `${us}us`;
}

export const RATEEST: ExtensionDef<RateestOptions> = {
  kind: 'target',
  name: 'RATEEST',
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): RateestOptions | null {
    if (!checkOptions('RATEEST', raw, OPTIONS, ctx)) return null;
    const get = (name: string): RawOption => raw.find((r) => r.name === name)!;
    const times: number[] = [];
    for (const name of ['rateest-interval', 'rateest-ewmalog']) {
      const o = get(name);
      const t = parseTime(o.args[0]);
      if (t === null) {
        ctx.error(`RATEEST: bad ${name === 'rateest-interval' ? 'interval' : 'ewmalog'} value "${o.args[0]}"`, o);
        return null;
      }
      times.push(t);
    }
    const [interval, ewma] = times;
    let shift = 0;
    while (shift <= 5 && interval > (1 << shift) * (US_PER_SEC / 4)) shift++;
    if (shift > 5) {
      ctx.error('RATEEST: interval too large', get('rateest-interval'));
      return null;
    }
    let ewmaLog = 1;
    for (; ewmaLog < 32; ewmaLog++) {
      const w = 1 - 1 / 2 ** ewmaLog;
      if (interval / -Math.log(w) > ewma) break;
    }
    ewmaLog--;
    if (ewmaLog === 0 || ewmaLog >= 31) {
      ctx.error('RATEEST: ewmalog out of range', get('rateest-ewmalog'));
      return null;
    }
    return { name: fitBuffer('RATEEST', get('rateest-name'), 16, ctx), intervalUs: (US_PER_SEC / 4) * 2 ** shift, ewmaLog };
  },
  save(o: RateestOptions): string {
    // The kernel value is an unsigned 32-bit product; iptables prints it as such.
    const ewma = Number((BigInt(o.intervalUs) << BigInt(o.ewmaLog)) & 0xffffffffn);
    return `--rateest-name ${o.name} --rateest-interval ${formatTime(o.intervalUs)} --rateest-ewmalog ${formatTime(ewma)}`;
  },
};

export const isRateestTarget = targetGuard<RateestOptions>('RATEEST');
