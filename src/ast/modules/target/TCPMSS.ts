/**
 * TCPMSS (libxt_TCPMSS.c; kernel xt_TCPMSS.c): rewrites the MSS option of TCP SYN packets.
 * With the nft backend the kernel does not see the `--tcp-flags … SYN` match, so it does not
 * require one (the legacy backend does).
 */
import type { Family, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { isBuiltinChain } from '../../types.js';
import { checkOptions, optionUint, requireProtocol, targetGuard, type TargetOption } from './target-util.js';

export interface TcpmssOptions {
  /** `--clamp-mss-to-pmtu`: the path MTU minus the headers. */
  readonly clampToPmtu: boolean;
  /** `--set-mss`: a fixed value (absent when clamping). */
  readonly mss?: number;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'set-mss', args: 1 },
  { name: 'clamp-mss-to-pmtu', args: 0 },
];

const CLAMP_HOOKS = ['FORWARD', 'OUTPUT', 'POSTROUTING'];

function tcpmssDef(family: Family): ExtensionDef<TcpmssOptions> {
  // The largest MSS leaves room for the IP header of the family.
  const maxMss = 0xffff - (family === 4 ? 20 : 40);
  return {
    kind: 'target',
    name: 'TCPMSS',
    family,
    options: OPTIONS,
    parse(raw: readonly RawOption[], ctx: ExtensionContext): TcpmssOptions | null {
      if (!checkOptions('TCPMSS', raw, OPTIONS, ctx)) return null;
      if (raw.length === 0) {
        ctx.error('TCPMSS target: At least one parameter is required');
        return null;
      }
      // Both options write the same field: the last one wins.
      let result: TcpmssOptions = { clampToPmtu: false };
      for (const o of raw) {
        if (o.name === 'clamp-mss-to-pmtu') {
          result = { clampToPmtu: true };
        } else {
          const mss = optionUint('TCPMSS', o, 0, maxMss, ctx);
          if (mss === null) return null;
          result = { clampToPmtu: false, mss };
        }
      }
      if (!requireProtocol('TCPMSS', 6, ctx)) return null;
      if (result.clampToPmtu && isBuiltinChain(ctx.table, ctx.chain) && !CLAMP_HOOKS.includes(ctx.chain)) {
        ctx.error('TCPMSS: path-MTU clamping only supported in FORWARD, OUTPUT and POSTROUTING hooks');
        return null;
      }
      return result;
    },
    save(o: TcpmssOptions): string {
      return o.clampToPmtu ? '--clamp-mss-to-pmtu' : `--set-mss ${o.mss}`;
    },
  };
}

export const TCPMSS4 = tcpmssDef(4);
export const TCPMSS6 = tcpmssDef(6);
export const isTcpmssTarget = targetGuard<TcpmssOptions>('TCPMSS');
