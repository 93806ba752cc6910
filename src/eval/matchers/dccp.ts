/**
 * `-m dccp` as xt_dccp decides it: ports are inclusive ranges with their own `!`; the DCCP
 * packet type and options are not part of the packet description.
 */
import { isDccpMatch, type DccpOptions } from '../../ast/modules/match/dccp.js';
import type { EvalPacket } from '../state.js';
import { all, may, portTest, registerTyped, YES } from './common.js';
import type { MatchResult } from './index.js';

export function evaluateDccp(o: DccpOptions, p: EvalPacket): MatchResult {
  return all([
    portTest(p.sport, o.sport, 'source port'),
    portTest(p.dport, o.dport, 'destination port'),
    o.types ? may('the DCCP packet type is not part of the packet description') : YES,
    o.option ? may('DCCP options are not part of the packet description') : YES,
  ]);
}

registerTyped('dccp', isDccpMatch, (o, env) => evaluateDccp(o, env.packet));
