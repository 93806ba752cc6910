/** DSCP (libxt_DSCP.c; kernel xt_DSCP.c): rewrites the DiffServ code point of the IP header. */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, hexWidth, optionUint, targetGuard, type TargetOption } from './target-util.js';

export interface DscpOptions {
  /** 0 … 0x3f. */
  readonly dscp: number;
}

/** DiffServ class names (dscp_helper.c). */
export const DSCP_CLASSES: readonly (readonly [string, number])[] = [
  ['CS0', 0x00], ['CS1', 0x08], ['CS2', 0x10], ['CS3', 0x18], ['CS4', 0x20], ['CS5', 0x28], ['CS6', 0x30],
  ['CS7', 0x38], ['BE', 0x00], ['AF11', 0x0a], ['AF12', 0x0c], ['AF13', 0x0e], ['AF21', 0x12], ['AF22', 0x14],
  ['AF23', 0x16], ['AF31', 0x1a], ['AF32', 0x1c], ['AF33', 0x1e], ['AF41', 0x22], ['AF42', 0x24], ['AF43', 0x26],
  ['EF', 0x2e],
];

/** class_to_dscp: the first class name the text starts with, case-insensitively. */
export function dscpOfClass(text: string): number | null {
  const upper = text.toUpperCase();
  return DSCP_CLASSES.find(([name]) => upper.startsWith(name))?.[1] ?? null;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'set-dscp', args: 1, excl: ['set-dscp-class'] },
  { name: 'set-dscp-class', args: 1, excl: ['set-dscp'] },
];

export const DSCP: ExtensionDef<DscpOptions> = {
  kind: 'target',
  name: 'DSCP',
  tables: ['mangle'],
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): DscpOptions | null {
    if (!checkOptions('DSCP', raw, OPTIONS, ctx)) return null;
    const o = raw[0];
    if (!o) {
      ctx.error('DSCP target: Parameter --set-dscp is required');
      return null;
    }
    if (o.name === 'set-dscp') {
      const dscp = optionUint('DSCP', o, 0, 0x3f, ctx);
      return dscp === null ? null : { dscp };
    }
    const dscp = dscpOfClass(o.args[0]);
    if (dscp === null) {
      ctx.error(`Invalid DSCP value \`${o.args[0]}'`, o);
      return null;
    }
    return { dscp };
  },
  save(o: DscpOptions): string {
    return `--set-dscp ${hexWidth(o.dscp, 2)}`;
  },
};

export const isDscpTarget = targetGuard<DscpOptions>('DSCP');
