/**
 * REDIRECT (libxt_NAT.c; kernel xt_REDIRECT.c): DNAT to the local machine (the incoming
 * interface's primary address, or loopback for locally generated packets).
 */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import type { PortRange } from '../values.js';
import { checkOptions, targetGuard, type TargetOption } from './target-util.js';
import { formatNatFlags, parseNatPorts } from './nat-range.js';
import { formatToPorts } from './MASQUERADE.js';

export interface RedirectOptions {
  readonly toPorts?: PortRange;
  readonly random: boolean;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'to-ports', args: 1 },
  { name: 'random', args: 0 },
];

export const REDIRECT: ExtensionDef<RedirectOptions> = {
  kind: 'target',
  name: 'REDIRECT',
  tables: ['nat'],
  hooks: ['PREROUTING', 'OUTPUT'],
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): RedirectOptions | null {
    if (!checkOptions('REDIRECT', raw, OPTIONS, ctx)) return null;
    let toPorts: PortRange | undefined;
    for (const o of raw) {
      if (o.name !== 'to-ports') continue;
      const ports = parseNatPorts(o.args[0], o, ctx);
      if (!ports) return null;
      if (ports.basePort !== undefined) {
        // REDIRECT only has the revision without shifted port maps.
        ctx.error('Shifted portmap ranges not supported with this kernel', o);
        return null;
      }
      toPorts = { from: ports.minPort, to: ports.maxPort };
    }
    return { ...(toPorts ? { toPorts } : {}), random: raw.some((o) => o.name === 'random') };
  },
  save(o: RedirectOptions): string {
    const parts: string[] = [];
    if (o.toPorts) parts.push(`--to-ports ${formatToPorts(o.toPorts)}`);
    return [...parts, ...formatNatFlags(o)].join(' ');
  },
};

export const isRedirectTarget = targetGuard<RedirectOptions>('REDIRECT');
