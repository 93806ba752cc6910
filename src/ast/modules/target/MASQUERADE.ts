/**
 * MASQUERADE (libxt_NAT.c; kernel xt_MASQUERADE.c): SNAT to the address of the outgoing
 * interface, optionally to a port range.
 */
import type { Family, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import type { PortRange } from '../values.js';
import { checkOptions, targetGuard, type TargetOption } from './target-util.js';
import { formatNatFlags, parseNatPorts } from './nat-range.js';

export interface MasqueradeOptions {
  readonly toPorts?: PortRange;
  readonly random: boolean;
  readonly randomFully: boolean;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'to-ports', args: 1 },
  { name: 'random', args: 0 },
  { name: 'random-fully', args: 0 },
];

function masqueradeDef(family: Family): ExtensionDef<MasqueradeOptions> {
  return {
    kind: 'target',
    name: 'MASQUERADE',
    family,
    tables: ['nat'],
    hooks: ['POSTROUTING'],
    options: OPTIONS,
    parse(raw: readonly RawOption[], ctx: ExtensionContext): MasqueradeOptions | null {
      if (!checkOptions('MASQUERADE', raw, OPTIONS, ctx)) return null;
      let toPorts: PortRange | undefined;
      for (const o of raw) {
        if (o.name !== 'to-ports') continue;
        const ports = parseNatPorts(o.args[0], o, ctx);
        if (!ports) return null;
        if (ports.basePort !== undefined) ctx.warn('MASQUERADE: the kernel ignores the /BASE of a port range', o);
        toPorts = { from: ports.minPort, to: ports.maxPort };
      }
      return {
        ...(toPorts ? { toPorts } : {}),
        random: raw.some((o) => o.name === 'random'),
        randomFully: raw.some((o) => o.name === 'random-fully'),
      };
    },
    save(o: MasqueradeOptions): string {
      const parts: string[] = [];
      if (o.toPorts) parts.push(`--to-ports ${formatToPorts(o.toPorts)}`);
      return [...parts, ...formatNatFlags(o)].join(' ');
    },
  };
}

/** `1024` or `1024-65535`: NAT targets print a port range with a dash. */
export function formatToPorts(r: PortRange): string {
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}

export const MASQUERADE4 = masqueradeDef(4);
export const MASQUERADE6 = masqueradeDef(6);
export const isMasqueradeTarget = targetGuard<MasqueradeOptions>('MASQUERADE');
