/**
 * `-m multiport` as xt_multiport (revision 1) decides it: the packet matches when its port
 * (source, destination, or either for `--ports`) equals one listed port or lies in one listed
 * inclusive range; `!` inverts the whole list. The kernel reads the first two 16-bit words of
 * the transport header, which is where all five protocols it accepts keep their ports.
 */
import { isMultiportMatch, type MultiportOptions } from '../../ast/modules/match/multiport.js';
import type { EvalPacket } from '../state.js';
import { hitUnless, inRange, may, registerTyped } from './common.js';
import type { MatchResult } from './index.js';

export function evaluateMultiport(o: MultiportOptions, p: EvalPacket): MatchResult {
  const wanted: [number | undefined, string][] =
    o.direction === 'source' ? [[p.sport, 'source port']] : o.direction === 'destination' ? [[p.dport, 'destination port']] : [[p.sport, 'source port'], [p.dport, 'destination port']];
  const listed = (port: number): boolean => o.ports.value.some((r) => inRange(port, r));
  if (wanted.some(([port]) => port !== undefined && listed(port))) return hitUnless(true, o.ports.negated);
  const missing = wanted.filter(([port]) => port === undefined).map(([, what]) => what);
  if (missing.length) return may(`the packet's ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not given`);
  return hitUnless(false, o.ports.negated);
}

registerTyped('multiport', isMultiportMatch, (o, env) => evaluateMultiport(o, env.packet));
