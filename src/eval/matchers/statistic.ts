/**
 * `-m statistic` as xt_statistic decides it. `--mode random` matches when a fresh 31-bit random
 * number is below the threshold: a known chance (threshold / 2^31, or its complement with `!`),
 * certain at 0 and at 2^31. `--mode nth` depends on how many packets the rule has seen before.
 */
import { isStatisticMatch, type StatisticOptions } from '../../ast/modules/match/statistic.js';
import { bool, hitUnless, may, registerTyped } from './common.js';
import type { MatchResult } from './index.js';
import type { MatchEnv } from '../state.js';

/** The random source gives values in [0, 2^31). */
const RANDOM_RANGE = 0x80000000;

export function evaluateStatistic(o: StatisticOptions, env?: MatchEnv): MatchResult {
  if (o.mode === 'nth') {
    const counters = env?.nthCounters;
    if (!counters) {
      return may(`every ${o.every}th packet matches (counter starts at ${o.packet}); which one this is depends on earlier packets`);
    }
    // Within a flow the rule's counter is known: xt_statistic starts it at --packet, and a packet
    // matches when the counter wraps from every-1 to 0 (each packet that reaches the match counts).
    const count = counters.get(o) ?? o.packet;
    const next = count === o.every - 1 ? 0 : count + 1;
    counters.set(o, next);
    return hitUnless(next === 0, o.negated);
  }
  if (o.threshold <= 0) return bool(o.negated);
  if (o.threshold >= RANDOM_RANGE) return bool(!o.negated);
  const chance = o.negated ? 1 - o.probability : o.probability;
  return may(randomReason(chance), chance);
}

/** The "may" reason of a chance, by chance: a kube-proxy ruleset has a few distinct ones, asked per packet. */
const reasons = new Map<number, string>();

function randomReason(chance: number): string {
  let reason = reasons.get(chance);
  if (reason === undefined) {
    reason = `random: matches ${(chance * 100).toFixed(2).replace(/\.?0+$/, '')}% of packets`;
    if (reasons.size < 4096) reasons.set(chance, reason);
  }
  return reason;
}

// A random draw's chance is the same for every packet; nth counts the packets a flow sends.
registerTyped('statistic', isStatisticMatch, (o, env) => evaluateStatistic(o, env), (o) => (o.mode === 'random' ? evaluateStatistic(o) : undefined));
