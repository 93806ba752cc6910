/** `-m hl` (libip6t_hl, IPv6): compares the hop limit. */
import { matchGuard } from './packet-util.js';
import { byteComparisonExtension, type ByteComparison } from './ttl-hl.js';

export type HlOptions = ByteComparison;

export const isHlMatch = matchGuard<HlOptions>('hl');

export const hlMatch = byteComparisonExtension('hl', 6, 'HL');
