/**
 * `-m icmp6` as ip6_tables' icmp6_match decides it: the type must be equal and the code
 * within the inclusive range (IPv6 has no `any` type); `!` inverts the whole test.
 */
import type { Icmp6Options } from '../../ast/modules/match/icmp6.js';
import type { EvalPacket } from '../state.js';
import { hitUnless, may, moduleGuard, registerTyped } from './common.js';
import type { MatchResult } from './index.js';

export function evaluateIcmp6(o: Icmp6Options, p: EvalPacket): MatchResult {
  const test = o.icmpv6Type.value;
  if (p.icmpType === undefined) return may('the packet\'s ICMPv6 type is not given');
  if (p.icmpType !== test.type) return hitUnless(false, o.icmpv6Type.negated);
  if (p.icmpCode === undefined) return may('the packet\'s ICMPv6 code is not given');
  return hitUnless(p.icmpCode >= test.codeMin && p.icmpCode <= test.codeMax, o.icmpv6Type.negated);
}

const isIcmp6 = moduleGuard<Icmp6Options>('icmp6', 'icmpv6');
registerTyped('icmp6', isIcmp6, (o, env) => evaluateIcmp6(o, env.packet));
registerTyped('icmpv6', isIcmp6, (o, env) => evaluateIcmp6(o, env.packet));
