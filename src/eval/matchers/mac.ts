/**
 * `-m mac` as xt_mac decides it: a packet that did not come in by an Ethernet device (`lo`, or
 * generated here) never matches, negated or not; for the others the source MAC address decides,
 * and it is not part of the packet description.
 */
import { isMacMatch, type MacOptions } from '../../ast/modules/match/mac.js';
import type { MatchEnv } from '../state.js';
import { may, NO, registerTyped } from './common.js';
import type { MatchResult } from './index.js';

export function evaluateMac(o: MacOptions, env: MatchEnv): MatchResult {
  const p = env.packet;
  if (p.inIface === '' || p.inIface === 'lo') return NO;
  return may(`the source MAC address is not part of the packet description (--mac-source ${o.macSource.negated ? '! ' : ''}${o.macSource.value})`);
}

registerTyped('mac', isMacMatch, evaluateMac);
