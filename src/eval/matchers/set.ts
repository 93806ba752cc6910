/**
 * `-m set`: whether the packet's addresses/ports are in an ipset. The ruleset does not carry the
 * sets' contents, so this is never decided.
 */
import { isSetMatch, type SetOptions } from '../../ast/modules/match/set.js';
import { may, registerTyped } from './common.js';
import type { MatchResult } from './index.js';

export function evaluateSet(o: SetOptions): MatchResult {
  return may(`depends on the contents of ipset "${o.name}" (${o.flags.join(',')}), which the ruleset does not show`);
}

registerTyped('set', isSetMatch, (o) => evaluateSet(o));
