/**
 * `-m statistic`: matches a random share of packets (`--mode random --probability P`) or every
 * Nth packet (`--mode nth --every N --packet P`, a counter shared by the rule).
 */
import type { Match } from '../../types.js';
import type { ExtensionDef } from '../extension.js';
import { checkOptionTable, isKnownMatch, parseDouble, parseXtUInt, type XtOption } from './state-util.js';

export type StatisticOptions =
  | {
      readonly mode: 'random';
      /** The probability the kernel uses: `threshold` / 2^31. */
      readonly probability: number;
      /** The kernel's 31-bit fixed-point threshold. */
      readonly threshold: number;
      readonly negated: boolean;
    }
  | {
      readonly mode: 'nth';
      readonly every: number;
      /** Initial counter value, 0 ≤ packet < every. */
      readonly packet: number;
      readonly negated: boolean;
    };

export function isStatisticMatch(m: Match): m is Match<StatisticOptions> {
  return isKnownMatch(m, 'statistic');
}

const ONE = 0x80000000;

const OPTIONS: readonly XtOption[] = [
  { name: 'mode', args: 1, mandatory: true },
  { name: 'probability', args: 1, invertible: true, excl: ['every', 'packet'] },
  { name: 'every', args: 1, invertible: true, excl: ['probability'], also: ['packet'] },
  { name: 'packet', args: 1, excl: ['probability'], also: ['every'] },
];

/** printf("%.11f", threshold / 2^31), rounded exactly as glibc does (half to even on the exact value). */
function formatThreshold(threshold: number): string {
  const den = BigInt(ONE);
  const num = BigInt(threshold) * 10n ** 11n;
  let q = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && q % 2n === 1n)) q++;
  const digits = q.toString().padStart(12, '0');
  return `${digits.slice(0, -11)}.${digits.slice(-11)}`;
}

export const statisticMatch: ExtensionDef<StatisticOptions> = {
  kind: 'match',
  name: 'statistic',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('statistic', raw, OPTIONS, ctx)) return null;
    let mode: 'random' | 'nth' = 'random';
    let threshold: number | null = null;
    let every: number | null = null;
    let packet = 0;
    // Any `!` inverts the whole match (one flag in the kernel struct).
    const negated = raw.some((o) => o.negated);
    for (const opt of raw) {
      const arg = opt.args[0];
      switch (opt.name) {
        case 'mode':
          if (arg !== 'random' && arg !== 'nth') {
            ctx.error(`Bad mode "${arg}"`, opt);
            return null;
          }
          mode = arg;
          break;
        case 'probability': {
          const p = parseDouble(arg);
          if (p === null || p < 0 || p > 1) {
            ctx.error('statistic: bad value for option "--probability", or out of range (0-1).', opt);
            return null;
          }
          threshold = Math.round(ONE * p);
          break;
        }
        case 'every':
          every = parseXtUInt(arg, 1);
          if (every === null) {
            ctx.error('statistic: bad value for option "--every", or out of range (1-4294967295).', opt);
            return null;
          }
          break;
        case 'packet': {
          const v = parseXtUInt(arg);
          if (v === null) {
            ctx.error('statistic: bad value for option "--packet", or out of range (0-4294967295).', opt);
            return null;
          }
          packet = v;
          break;
        }
      }
    }
    if (mode === 'random') {
      if (threshold === null) {
        ctx.error('--probability must be specified when using random mode');
        return null;
      }
      return { mode, probability: threshold / ONE, threshold, negated };
    }
    if (every === null) {
      ctx.error('--every and --packet must be specified when using nth mode');
      return null;
    }
    if (packet > every - 1) {
      ctx.error('the --packet p must be 0 <= p <= n-1');
      return null;
    }
    return { mode, every, packet, negated };
  },
  save(o) {
    const not = o.negated ? '! ' : '';
    if (o.mode === 'random') return `--mode random ${not}--probability ${formatThreshold(o.threshold)}`;
    return `--mode nth ${not}--every ${o.every} --packet ${o.packet}`;
  },
};
