/** TEE (libxt_TEE.c; kernel xt_TEE.c): sends a copy of the packet to a gateway. */
import type { Family, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { canonicalHost, checkOptions, fitBuffer, targetGuard, type TargetOption } from './target-util.js';

export interface TeeOptions {
  readonly gateway: string;
  /** Output interface for the copy; absent = routing decides. */
  readonly oif?: string;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'gateway', args: 1, mandatory: true },
  { name: 'oif', args: 1 },
];

function teeDef(family: Family): ExtensionDef<TeeOptions> {
  return {
    kind: 'target',
    name: 'TEE',
    family,
    options: OPTIONS,
    parse(raw: readonly RawOption[], ctx: ExtensionContext): TeeOptions | null {
      if (!checkOptions('TEE', raw, OPTIONS, ctx)) return null;
      const o = raw.find((r) => r.name === 'gateway')!;
      const gateway = canonicalHost(o.args[0], family);
      if (gateway === null) {
        ctx.error(`TEE: "${o.args[0]}" is not a numeric IPv${family} address (host names are not resolved)`, o);
        return null;
      }
      if (gateway === (family === 4 ? '0.0.0.0' : '::')) {
        ctx.error('TEE: the gateway may not be the any address', o);
        return null;
      }
      const oifOpt = raw.find((r) => r.name === 'oif');
      const oif = oifOpt ? fitBuffer('TEE', oifOpt, 16, ctx) : '';
      return { gateway, ...(oif ? { oif } : {}) };
    },
    save(o: TeeOptions): string {
      return `--gateway ${o.gateway}${o.oif ? ` --oif ${o.oif}` : ''}`;
    },
  };
}

export const TEE4 = teeDef(4);
export const TEE6 = teeDef(6);
export const isTeeTarget = targetGuard<TeeOptions>('TEE');
