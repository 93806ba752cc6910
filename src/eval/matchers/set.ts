/**
 * `-m set`: whether the packet's addresses/ports are in an ipset. Decided when the user gave the
 * set's contents (`--ipset NAME=FILE`); otherwise the ruleset does not say, and the answer is "may".
 */
import { isSetMatch, type SetOptions } from '../../ast/modules/match/set.js';
import { may, hitUnless, registerTyped } from './common.js';
import type { MatchResult } from './index.js';
import type { MatchEnv } from '../state.js';
import { ipSetContains } from '../ipset.js';

export function evaluateSet(o: SetOptions, env?: MatchEnv): MatchResult {
  const set = env?.sets?.get(o.name);
  if (!set) return may(`depends on the contents of ipset "${o.name}" (${o.flags.join(',')}), which the ruleset does not show (give them with --ipset ${o.name}=FILE)`);
  if (o.packets || o.bytes) return may(`compares the set element's counters, which netfate does not know`);
  const p = env!.packet;
  // Each flag picks the packet's source or destination for one dimension of the set: an address
  // for address dimensions, a port for port dimensions (decided by the member's shape).
  const member = set.members[0];
  const values = o.flags.map((flag, d) => {
    const part = member?.parts[d];
    if (part?.kind === 'port') return { port: flag === 'src' ? p.sport : p.dport, proto: p.proto };
    return { addr: flag === 'src' ? p.src : p.dst };
  });
  const hit = ipSetContains(set, values);
  if (hit === null) return may(`the packet's port is not given`);
  return hitUnless(hit, o.negated);
}

registerTyped('set', isSetMatch, (o, env) => evaluateSet(o, env));
