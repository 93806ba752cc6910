/**
 * TTL (libipt_TTL.c; kernel xt_HL.c) and its IPv6 twin HL (libip6t_HL.c): sets, increments or
 * decrements the IPv4 TTL / IPv6 hop limit.
 */
import type { Family, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, optionUint, targetGuard, type TargetOption } from './target-util.js';

export interface TtlOptions {
  readonly mode: 'set' | 'inc' | 'dec';
  readonly value: number;
}

/** Shared by TTL (`--ttl-…`) and HL (`--hl-…`). */
export function hopLimitDef(name: 'TTL' | 'HL', family: Family): ExtensionDef<TtlOptions> {
  const prefix = name.toLowerCase();
  const names = ['set', 'inc', 'dec'].map((m) => `${prefix}-${m}`);
  const options: readonly TargetOption[] = names.map((n) => ({ name: n, args: 1, excl: names }));
  return {
    kind: 'target',
    name,
    family,
    tables: ['mangle'],
    options,
    parse(raw: readonly RawOption[], ctx: ExtensionContext): TtlOptions | null {
      if (!checkOptions(name, raw, options, ctx)) return null;
      const o = raw[0];
      if (!o) {
        ctx.error(`${name}: You must specify an action`);
        return null;
      }
      const mode = o.name.slice(prefix.length + 1) as TtlOptions['mode'];
      // Adding or taking 0 is refused: only `set` may use 0.
      const value = optionUint(name, o, mode === 'set' ? 0 : 1, 255, ctx);
      return value === null ? null : { mode, value };
    },
    save(o: TtlOptions): string {
      return `--${prefix}-${o.mode} ${o.value}`;
    },
  };
}

export const TTL = hopLimitDef('TTL', 4);
export const isTtlTarget = targetGuard<TtlOptions>('TTL');
