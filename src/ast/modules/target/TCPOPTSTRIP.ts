/** TCPOPTSTRIP (libxt_TCPOPTSTRIP.c; kernel xt_TCPOPTSTRIP.c): removes TCP options from the header. */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, requireProtocol, targetGuard, xtUint, type TargetOption } from './target-util.js';

export interface TcpoptstripOptions {
  /** TCP option kinds stripped, ascending; empty strips nothing. */
  readonly options: readonly number[];
}

const OPTION_NAMES: Readonly<Record<string, number>> = {
  wscale: 3,
  mss: 2,
  'sack-permitted': 4,
  sack: 5,
  timestamp: 8,
  md5: 19,
};

const OPTIONS: readonly TargetOption[] = [{ name: 'strip-options', args: 1 }];

export const TCPOPTSTRIP: ExtensionDef<TcpoptstripOptions> = {
  kind: 'target',
  name: 'TCPOPTSTRIP',
  tables: ['mangle'],
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): TcpoptstripOptions | null {
    if (!checkOptions('TCPOPTSTRIP', raw, OPTIONS, ctx)) return null;
    const chosen = new Set<number>();
    for (const o of raw) {
      for (const word of o.args[0].split(',')) {
        const kind = Object.hasOwn(OPTION_NAMES, word) ? OPTION_NAMES[word] : xtUint(word, 0, 255);
        if (kind === null) {
          ctx.error(`Bad TCP option value "${word}"`, o);
          return null;
        }
        // Kinds 0 (end of list) and 1 (no-op) are padding, not options.
        if (kind < 2) {
          ctx.error('Option value may not be 0 or 1', o);
          return null;
        }
        if (chosen.has(kind)) {
          ctx.error(`Option "${word}" already specified`, o);
          return null;
        }
        chosen.add(kind);
      }
    }
    if (!requireProtocol('TCPOPTSTRIP', 6, ctx)) return null;
    return { options: [...chosen].sort((a, b) => a - b) };
  },
  save(o: TcpoptstripOptions): string {
    return o.options.length ? `--strip-options ${o.options.join(',')}` : '';
  },
};

export const isTcpoptstripTarget = targetGuard<TcpoptstripOptions>('TCPOPTSTRIP');
