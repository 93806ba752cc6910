/**
 * SNAT (libxt_NAT.c; kernel xt_nat.c): rewrites the source address and/or port of the first
 * packet of a connection.
 */
import type { Family, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, targetGuard, type TargetOption } from './target-util.js';
import { formatNatFlags, formatNatRange, parseNatTo, type NatRange } from './nat-range.js';

export interface SnatOptions {
  /** iptables accepts exactly one `--to-source`; a list keeps the kernel's multi-range shape. */
  readonly ranges: readonly NatRange[];
  readonly random: boolean;
  readonly randomFully: boolean;
  readonly persistent: boolean;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'to-source', args: 1, mandatory: true },
  { name: 'random', args: 0 },
  { name: 'random-fully', args: 0 },
  { name: 'persistent', args: 0 },
];

function snatDef(family: Family): ExtensionDef<SnatOptions> {
  return {
    kind: 'target',
    name: 'SNAT',
    family,
    tables: ['nat'],
    hooks: ['POSTROUTING', 'INPUT'],
    options: OPTIONS,
    parse(raw: readonly RawOption[], ctx: ExtensionContext): SnatOptions | null {
      if (!checkOptions('SNAT', raw, OPTIONS, ctx)) return null;
      const ranges: NatRange[] = [];
      for (const o of raw) {
        if (o.name !== 'to-source') continue;
        const range = parseNatTo(o.args[0], family, o, ctx);
        if (!range) return null;
        // SNAT has no shifted port maps: the kernel keeps the flag but not the base (prints `/0`).
        ranges.push(range.basePort !== undefined ? { ...range, basePort: 0 } : range);
      }
      return {
        ranges,
        random: raw.some((o) => o.name === 'random'),
        randomFully: raw.some((o) => o.name === 'random-fully'),
        persistent: raw.some((o) => o.name === 'persistent'),
      };
    },
    save(o: SnatOptions, { family: f }): string {
      const parts = o.ranges.map((r) => `--to-source ${formatNatRange(r, f)}`);
      return [...parts, ...formatNatFlags(o)].join(' ');
    },
  };
}

export const SNAT4 = snatDef(4);
export const SNAT6 = snatDef(6);
export const isSnatTarget = targetGuard<SnatOptions>('SNAT');
