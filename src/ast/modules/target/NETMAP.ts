/**
 * NETMAP (libipt_NETMAP.c / libip6t_NETMAP.c; kernel xt_NETMAP.c): maps a whole network onto
 * another one 1:1, keeping the host part (destination in PREROUTING/OUTPUT, source otherwise).
 */
import type { Family, IpNet, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { formatIpNet, parseAddressWithMask } from '../../../net/address.js';
import { checkOptions, targetGuard, type TargetOption } from './target-util.js';

export interface NetmapOptions {
  /** The network mapped to (address already masked, as the kernel stores min/max). */
  readonly to: IpNet;
}

const OPTIONS: readonly TargetOption[] = [{ name: 'to', args: 1, mandatory: true }];

function netmapDef(family: Family): ExtensionDef<NetmapOptions> {
  return {
    kind: 'target',
    name: 'NETMAP',
    family,
    tables: ['nat'],
    hooks: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
    options: OPTIONS,
    parse(raw: readonly RawOption[], ctx: ExtensionContext): NetmapOptions | null {
      if (!checkOptions('NETMAP', raw, OPTIONS, ctx)) return null;
      const o = raw.find((r) => r.name === 'to')!;
      const parsed = parseAddressWithMask(o.args[0], family);
      if (!parsed.ok) {
        ctx.error(`NETMAP: ${parsed.message}`, o);
        return null;
      }
      return { to: parsed.value };
    },
    save(o: NetmapOptions): string {
      return `--to ${formatIpNet(o.to)}`;
    },
  };
}

export const NETMAP4 = netmapDef(4);
export const NETMAP6 = netmapDef(6);
export const isNetmapTarget = targetGuard<NetmapOptions>('NETMAP');
