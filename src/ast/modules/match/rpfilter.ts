/**
 * `-m rpfilter`: reverse path filter: a route back to the source must go out of the interface
 * the packet came in on (any interface with `--loose`). Kernel-restricted to PREROUTING of the
 * raw and mangle tables.
 */
import type { Match } from '../../types.js';
import type { ExtensionDef } from '../extension.js';
import { checkHooks, checkOptionTable, checkTables, isKnownMatch, type XtOption } from './state-util.js';

export interface RpfilterOptions {
  readonly loose: boolean;
  /** `--validmark`: the route lookup uses the packet mark. */
  readonly validMark: boolean;
  /** `--accept-local`: addresses of this host pass. */
  readonly acceptLocal: boolean;
  /** `--invert`: match the packets that fail the check. */
  readonly invert: boolean;
}

export function isRpfilterMatch(m: Match): m is Match<RpfilterOptions> {
  return isKnownMatch(m, 'rpfilter');
}

const OPTIONS: readonly XtOption[] = [
  { name: 'loose', args: 0 },
  { name: 'validmark', args: 0 },
  { name: 'accept-local', args: 0 },
  { name: 'invert', args: 0 },
];

export const rpfilterMatch: ExtensionDef<RpfilterOptions> = {
  kind: 'match',
  name: 'rpfilter',
  options: OPTIONS,
  tables: ['raw', 'mangle'],
  hooks: ['PREROUTING'],
  parse(raw, ctx) {
    if (!checkOptionTable('rpfilter', raw, OPTIONS, ctx)) return null;
    if (!checkTables('rpfilter', ['raw', 'mangle'], ctx) || !checkHooks('rpfilter', ['PREROUTING'], ctx)) return null;
    const has = (n: string): boolean => raw.some((o) => o.name === n);
    return { loose: has('loose'), validMark: has('validmark'), acceptLocal: has('accept-local'), invert: has('invert') };
  },
  save(o) {
    const parts: string[] = [];
    if (o.loose) parts.push('--loose');
    if (o.validMark) parts.push('--validmark');
    if (o.acceptLocal) parts.push('--accept-local');
    if (o.invert) parts.push('--invert');
    return parts.join(' ');
  },
};
