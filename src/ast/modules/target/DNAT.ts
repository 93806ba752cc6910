/**
 * DNAT (libxt_NAT.c; kernel xt_nat.c): rewrites the destination address and/or port of the first
 * packet of a connection. Revision 2 (shifted port maps `PORT-PORT/BASE`) for both families.
 */
import type { Family, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, targetGuard, type TargetOption } from './target-util.js';
import { formatNatFlags, formatNatRange, parseNatTo, type NatRange } from './nat-range.js';

export interface DnatOptions {
  /** iptables accepts exactly one `--to-destination`; a list keeps the kernel's multi-range shape. */
  readonly ranges: readonly NatRange[];
  readonly random: boolean;
  readonly persistent: boolean;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'to-destination', args: 1, mandatory: true },
  { name: 'random', args: 0 },
  { name: 'persistent', args: 0 },
];

function dnatDef(family: Family): ExtensionDef<DnatOptions> {
  return {
    kind: 'target',
    name: 'DNAT',
    family,
    tables: ['nat'],
    hooks: ['PREROUTING', 'OUTPUT'],
    options: OPTIONS,
    parse(raw: readonly RawOption[], ctx: ExtensionContext): DnatOptions | null {
      if (!checkOptions('DNAT', raw, OPTIONS, ctx)) return null;
      const ranges: NatRange[] = [];
      for (const o of raw) {
        if (o.name !== 'to-destination') continue;
        const range = parseNatTo(o.args[0], family, o, ctx);
        if (!range) return null;
        ranges.push(range);
      }
      return {
        ranges,
        random: raw.some((o) => o.name === 'random'),
        persistent: raw.some((o) => o.name === 'persistent'),
      };
    },
    save(o: DnatOptions, { family: f }): string {
      const parts = o.ranges.map((r) => `--to-destination ${formatNatRange(r, f)}`);
      return [...parts, ...formatNatFlags(o)].join(' ');
    },
  };
}

export const DNAT4 = dnatDef(4);
export const DNAT6 = dnatDef(6);
export const isDnatTarget = targetGuard<DnatOptions>('DNAT');
