/** `-m dscp` (libxt_dscp): the 6-bit DSCP, by number or DiffServ class name. */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, parseIntOption } from './packet-util.js';

export interface DscpOptions {
  readonly dscp: Negatable<number>;
}

export const isDscpMatch = matchGuard<DscpOptions>('dscp');

/** DiffServ class names (dscp_helper.c); a name matches when the text starts with it. */
export const DSCP_CLASSES: readonly (readonly [string, number])[] = [
  ['CS0', 0x00], ['CS1', 0x08], ['CS2', 0x10], ['CS3', 0x18], ['CS4', 0x20], ['CS5', 0x28], ['CS6', 0x30],
  ['CS7', 0x38], ['BE', 0x00], ['AF11', 0x0a], ['AF12', 0x0c], ['AF13', 0x0e], ['AF21', 0x12], ['AF22', 0x14],
  ['AF23', 0x16], ['AF31', 0x1a], ['AF32', 0x1c], ['AF33', 0x1e], ['AF41', 0x22], ['AF42', 0x24],
  ['AF43', 0x26], ['EF', 0x2e],
];

export function dscpOfClass(name: string): number | null {
  const lower = name.toLowerCase();
  return DSCP_CLASSES.find(([c]) => lower.startsWith(c.toLowerCase()))?.[1] ?? null;
}

export const dscpMatch: ExtensionDef<DscpOptions> = {
  kind: 'match',
  name: 'dscp',
  options: [
    { name: 'dscp', args: 1, invertible: true },
    { name: 'dscp-class', args: 1, invertible: true },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('dscp', options, ctx, { exclusive: [['dscp', 'dscp-class']] })) return null;
    const o = options[0];
    if (!o) {
      ctx.error('DSCP match: Parameter --dscp is required');
      return null;
    }
    let value: number | null;
    if (o.name === 'dscp') {
      value = parseIntOption(o, 'dscp', 0, 0x3f, ctx);
    } else {
      value = dscpOfClass(o.args[0]);
      if (value === null) ctx.error(`Invalid DSCP value \`${o.args[0]}'`, o);
    }
    if (value === null) return null;
    return { dscp: { value, negated: o.negated } };
  },
  save(o) {
    return `${bang(o.dscp.negated)}--dscp 0x${o.dscp.value.toString(16).padStart(2, '0')}`;
  },
};
