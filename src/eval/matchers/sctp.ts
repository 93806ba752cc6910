/**
 * `-m sctp` as xt_sctp decides it: ports are inclusive ranges with their own `!`; chunk tests
 * look at the chunks in the packet, which the packet description does not carry.
 */
import { isSctpMatch, type SctpOptions } from '../../ast/modules/match/sctp.js';
import type { EvalPacket } from '../state.js';
import { all, may, portTest, registerTyped, YES } from './common.js';
import type { MatchResult } from './index.js';

export function evaluateSctp(o: SctpOptions, p: EvalPacket): MatchResult {
  return all([
    portTest(p.sport, o.sport, 'source port'),
    portTest(p.dport, o.dport, 'destination port'),
    o.chunks ? may('SCTP chunk types are not part of the packet description') : YES,
  ]);
}

registerTyped('sctp', isSctpMatch, (o, env) => evaluateSctp(o, env.packet));
