/**
 * `-m ttl` as xt_hl's ttl_mt decides it: one comparison of the IPv4 TTL (`--ttl-eq`, `! --ttl-eq`,
 * `--ttl-lt`, `--ttl-gt`; lt and gt are strict). The TTL is the packet's as it is at this hook.
 */
import { isTtlMatch } from '../../ast/modules/match/ttl.js';
import type { ByteComparison } from '../../ast/modules/match/ttl-hl.js';
import { bool, registerTyped } from './common.js';
import type { MatchResult } from './index.js';

export function compareByte(value: number, o: ByteComparison): MatchResult {
  switch (o.op) {
    case 'eq':
      return bool(value === o.value);
    case 'ne':
      return bool(value !== o.value);
    case 'lt':
      return bool(value < o.value);
    case 'gt':
      return bool(value > o.value);
  }
}

registerTyped('ttl', isTtlMatch, (o, env) => compareByte(env.packet.ttl, o));
