/**
 * `-m length` as xt_length decides it: the IPv4 total length, or for IPv6 the payload length
 * plus the 40-byte fixed header (both are the packet's `length`), within the inclusive range;
 * `!` inverts.
 */
import { isLengthMatch, type LengthOptions } from '../../ast/modules/match/length.js';
import { hitUnless, inRange, registerTyped } from './common.js';
import type { MatchResult } from './index.js';

export function evaluateLength(o: LengthOptions, length: number): MatchResult {
  return hitUnless(inRange(length, o.length.value), o.length.negated);
}

registerTyped('length', isLengthMatch, (o, env) => evaluateLength(o, env.packet.length));
