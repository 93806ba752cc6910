/**
 * `-m icmp` as ip_tables' icmp_match decides it: type 255 (`any`) matches every ICMP packet;
 * otherwise the type must be equal and the code within the inclusive range. `!` inverts the
 * whole test.
 */
import { isIcmpMatch, type IcmpOptions } from '../../ast/modules/match/icmp.js';
import type { EvalPacket } from '../state.js';
import { hitUnless, may, registerTyped } from './common.js';
import type { MatchResult } from './index.js';

export function evaluateIcmp(o: IcmpOptions, p: EvalPacket): MatchResult {
  const test = o.icmpType.value;
  if (test === 'any') return hitUnless(true, o.icmpType.negated);
  if (p.icmpType === undefined) return may('the packet\'s ICMP type is not given');
  if (p.icmpType !== test.type) return hitUnless(false, o.icmpType.negated);
  if (p.icmpCode === undefined) return may('the packet\'s ICMP code is not given');
  return hitUnless(p.icmpCode >= test.codeMin && p.icmpCode <= test.codeMax, o.icmpType.negated);
}

registerTyped('icmp', isIcmpMatch, (o, env) => evaluateIcmp(o, env.packet));
