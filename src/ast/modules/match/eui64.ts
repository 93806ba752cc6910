/**
 * `-m eui64` (libip6t_eui64, IPv6): the source address's interface identifier is the EUI-64
 * built from the source MAC. No options; the kernel allows it only where a MAC header exists.
 */
import type { ExtensionDef } from '../extension.js';
import { matchGuard, requireHooks } from './packet-util.js';

export type Eui64Options = Record<string, never>;

export const isEui64Match = matchGuard<Eui64Options>('eui64');

export const eui64Match: ExtensionDef<Eui64Options> = {
  kind: 'match',
  name: 'eui64',
  family: 6,
  hooks: ['PREROUTING', 'INPUT', 'FORWARD'],
  options: [],
  parse(_options, ctx) {
    if (!requireHooks(ctx, 'eui64', ['PREROUTING', 'INPUT', 'FORWARD'])) return null;
    return {};
  },
  save() {
    return '';
  },
};
