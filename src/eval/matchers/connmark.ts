/**
 * `-m connmark` as xt_connmark decides it: the connection's mark under the mask equals the
 * value; `!` inverts. A packet without a conntrack entry (INVALID, UNTRACKED, or before the
 * conntrack hook) does not match, negated or not.
 */
import { isConnmarkMatch, type ConnmarkOptions } from '../../ast/modules/match/connmark.js';
import { visibleState, type EvalPacket } from '../state.js';
import { hasConntrackEntry } from './conntrack.js';
import { may, NO, registerTyped } from './common.js';
import { evaluateMark } from './mark.js';
import type { MatchResult } from './index.js';

export function evaluateConnmark(o: ConnmarkOptions, p: EvalPacket): MatchResult {
  if (!hasConntrackEntry(p)) return NO;
  if (p.ct) return evaluateMark(o, p.ct.mark);
  // A connection conntrack has just created starts with mark 0 (only an expected connection
  // inherits its master's mark, and that one is RELATED, not NEW).
  if (visibleState(p) === 'NEW') return evaluateMark(o, 0);
  return may("the connection's mark is not known");
}

registerTyped('connmark', isConnmarkMatch, (o, env) => evaluateConnmark(o, env.packet));
