/**
 * `-m statistic` as xt_statistic decides it. `--mode random` matches when a fresh 31-bit random
 * number is below the threshold: a known chance (threshold / 2^31, or its complement with `!`),
 * certain at 0 and at 2^31. `--mode nth` depends on how many packets the rule has seen before.
 */
import { isStatisticMatch, type StatisticOptions } from '../../ast/modules/match/statistic.js';
import { bool, may, registerTyped } from './common.js';
import type { MatchResult } from './index.js';

/** The random source gives values in [0, 2^31). */
const RANDOM_RANGE = 0x80000000;

export function evaluateStatistic(o: StatisticOptions): MatchResult {
  if (o.mode === 'nth') {
    return may(`every ${o.every}th packet matches (counter starts at ${o.packet}); which one this is depends on earlier packets`);
  }
  if (o.threshold <= 0) return bool(o.negated);
  if (o.threshold >= RANDOM_RANGE) return bool(!o.negated);
  const chance = o.negated ? 1 - o.probability : o.probability;
  return may(`random: matches ${(chance * 100).toFixed(2).replace(/\.?0+$/, '')}% of packets`, chance);
}

registerTyped('statistic', isStatisticMatch, (o) => evaluateStatistic(o));
