/**
 * `-m iprange` (revision 1) as xt_iprange decides it: the address lies within FROM-TO, both
 * ends included, compared as unsigned numbers (a reversed range holds nothing); `!` per option.
 */
import { isIprangeMatch, type AddressRange, type IprangeOptions } from '../../ast/modules/match/iprange.js';
import type { Negatable } from '../../ast/types.js';
import type { EvalPacket } from '../state.js';
import { addressBytes, compareAddresses } from '../../net/ip.js';
import { all, hitUnless, may, registerTyped, YES } from './common.js';
import type { MatchResult } from './index.js';

function rangeTest(addrText: string, sel: Negatable<AddressRange> | undefined, what: string): MatchResult {
  if (!sel) return YES;
  const addr = addressBytes(addrText);
  const from = addressBytes(sel.value.from);
  const to = addressBytes(sel.value.to);
  if (!addr || !from || !to || addr.length !== from.length) return may(`the ${what} address cannot be compared with the range`);
  return hitUnless(compareAddresses(addr, from) >= 0 && compareAddresses(addr, to) <= 0, sel.negated);
}

export function evaluateIprange(o: IprangeOptions, p: EvalPacket): MatchResult {
  return all([rangeTest(p.src, o.src, 'source'), rangeTest(p.dst, o.dst, 'destination')]);
}

registerTyped('iprange', isIprangeMatch, (o, env) => evaluateIprange(o, env.packet));
