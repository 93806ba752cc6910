/**
 * `-m socket`: a local socket matches the packet (transparent proxying). The kernel only
 * allows it in PREROUTING and INPUT.
 */
import type { Match } from '../../types.js';
import type { ExtensionDef } from '../extension.js';
import { checkHooks, checkOptionTable, isKnownMatch, type XtOption } from './state-util.js';

export interface SocketOptions {
  /** `--transparent`: the socket must have IP_TRANSPARENT set. */
  readonly transparent: boolean;
  /** `--nowildcard`: sockets bound to the any-address count too. */
  readonly noWildcard: boolean;
  /** `--restore-skmark`: copy the socket mark to the packet. */
  readonly restoreSkmark: boolean;
}

export function isSocketMatch(m: Match): m is Match<SocketOptions> {
  return isKnownMatch(m, 'socket');
}

const OPTIONS: readonly XtOption[] = [
  { name: 'transparent', args: 0 },
  { name: 'nowildcard', args: 0 },
  { name: 'restore-skmark', args: 0 },
];

export const socketMatch: ExtensionDef<SocketOptions> = {
  kind: 'match',
  name: 'socket',
  options: OPTIONS,
  hooks: ['PREROUTING', 'INPUT'],
  parse(raw, ctx) {
    if (!checkOptionTable('socket', raw, OPTIONS, ctx) || !checkHooks('socket', ['PREROUTING', 'INPUT'], ctx)) return null;
    const has = (n: string): boolean => raw.some((o) => o.name === n);
    return { transparent: has('transparent'), noWildcard: has('nowildcard'), restoreSkmark: has('restore-skmark') };
  },
  save(o) {
    const parts: string[] = [];
    if (o.transparent) parts.push('--transparent');
    if (o.noWildcard) parts.push('--nowildcard');
    if (o.restoreSkmark) parts.push('--restore-skmark');
    return parts.join(' ');
  },
};
