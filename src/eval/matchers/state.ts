/**
 * `-m state` as xt_state decides it (iptables now sends it to the kernel as conntrack with a
 * state option only): the packet's state bit, INVALID when it has no entry (which includes every
 * packet before the conntrack hook, so rules in raw), UNTRACKED after NOTRACK. `!` matches every
 * state not listed.
 */
import { isStateMatch, type StateOptions } from '../../ast/modules/match/state.js';
import { visibleState, type EvalPacket } from '../state.js';
import { hitUnless, registerTyped } from './common.js';
import type { MatchResult } from './index.js';

export function evaluateState(o: StateOptions, p: EvalPacket): MatchResult {
  return hitUnless(o.states.value.includes(visibleState(p)), o.states.negated);
}

registerTyped('state', isStateMatch, (o, env) => evaluateState(o, env.packet));
