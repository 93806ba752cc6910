/**
 * `-m mark` as xt_mark decides it: (skb mark & mask) == value, the value compared as written
 * (a value with bits outside the mask never matches); `!` inverts.
 */
import { isMarkMatch, type MarkOptions } from '../../ast/modules/match/mark.js';
import { hitUnless, registerTyped } from './common.js';
import type { MatchResult } from './index.js';

export function markMatches(mark: number, o: MarkOptions): boolean {
  return ((mark & o.mask) >>> 0) === o.value >>> 0;
}

export function evaluateMark(o: MarkOptions, mark: number): MatchResult {
  return hitUnless(markMatches(mark, o), o.negated);
}

registerTyped('mark', isMarkMatch, (o, env) => evaluateMark(o, env.packet.mark));
