/**
 * `-m mac` (libxt_mac): the source MAC address. The kernel allows it only where the packet
 * came in through a device (PREROUTING, INPUT, FORWARD).
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, requireHooks } from './packet-util.js';

export interface MacOptions {
  /** Lower-case `aa:bb:cc:dd:ee:ff`. */
  readonly macSource: Negatable<string>;
}

export const isMacMatch = matchGuard<MacOptions>('mac');

/** Six groups of one or two hex digits (xtopt_parse_ethermac), normalised. */
export function parseMac(text: string): string | null {
  const groups = text.split(':');
  if (groups.length !== 6 || !groups.every((g) => /^[0-9a-fA-F]{1,2}$/.test(g))) return null;
  return groups.map((g) => g.toLowerCase().padStart(2, '0')).join(':');
}

export const macMatch: ExtensionDef<MacOptions> = {
  kind: 'match',
  name: 'mac',
  hooks: ['PREROUTING', 'INPUT', 'FORWARD'],
  options: [{ name: 'mac-source', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('mac', options, ctx, { mandatory: ['mac-source'] })) return null;
    const o = options[0];
    const mac = parseMac(o.args[0]);
    if (!mac) {
      ctx.error('Invalid MAC address specified.', o);
      return null;
    }
    if (!requireHooks(ctx, 'mac', ['PREROUTING', 'INPUT', 'FORWARD'])) return null;
    return { macSource: { value: mac, negated: o.negated } };
  },
  save(o) {
    return `${bang(o.macSource.negated)}--mac-source ${o.macSource.value}`;
  },
};
