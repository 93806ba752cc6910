/** `-m ttl` (libipt_ttl, IPv4): compares the TTL. */
import { matchGuard } from './packet-util.js';
import { byteComparisonExtension, type ByteComparison } from './ttl-hl.js';

export type TtlOptions = ByteComparison;

export const isTtlMatch = matchGuard<TtlOptions>('ttl');

export const ttlMatch = byteComparisonExtension('ttl', 4, 'TTL');
