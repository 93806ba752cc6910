/**
 * TPROXY (libxt_TPROXY.c revision 1; kernel xt_TPROXY.c): delivers the packet to a local socket
 * without changing its addresses, and optionally marks it.
 */
import type { Family, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { parsePort } from '../values.js';
import {
  canonicalHost,
  checkOptions,
  hexWidth,
  optionMarkMask,
  positiveProtocol,
  targetGuard,
  type TargetOption,
} from './target-util.js';

export interface TproxyOptions {
  readonly onPort: number;
  /** Local address to deliver to; the any address = the address the packet was sent to. */
  readonly onIp: string;
  /** mark = (mark & ~markMask) ^ markValue. */
  readonly markValue: number;
  readonly markMask: number;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'on-port', args: 1, mandatory: true },
  { name: 'on-ip', args: 1 },
  { name: 'tproxy-mark', args: 1 },
];

function tproxyDef(family: Family): ExtensionDef<TproxyOptions> {
  return {
    kind: 'target',
    name: 'TPROXY',
    family,
    tables: ['mangle'],
    hooks: ['PREROUTING'],
    options: OPTIONS,
    parse(raw: readonly RawOption[], ctx: ExtensionContext): TproxyOptions | null {
      if (!checkOptions('TPROXY', raw, OPTIONS, ctx)) return null;
      let onPort = 0;
      let onIp = family === 4 ? '0.0.0.0' : '::';
      let markValue = 0;
      let markMask = 0;
      for (const o of raw) {
        if (o.name === 'on-port') {
          const port = parsePort(o.args[0]);
          if (port === null) {
            ctx.error(`Port "${o.args[0]}" does not resolve to anything.`, o);
            return null;
          }
          onPort = port;
        } else if (o.name === 'on-ip') {
          const ip = canonicalHost(o.args[0], family);
          if (ip === null) {
            ctx.error(`TPROXY: "${o.args[0]}" is not a numeric IPv${family} address (host names are not resolved)`, o);
            return null;
          }
          onIp = ip;
        } else {
          const vm = optionMarkMask('TPROXY', o, ctx);
          if (!vm) return null;
          markValue = vm.value;
          markMask = vm.mask;
        }
      }
      const proto = positiveProtocol(ctx.core);
      if (proto !== 6 && proto !== 17) {
        ctx.error('TPROXY: Can be used only in combination with either -p tcp or -p udp');
        return null;
      }
      return { onPort, onIp, markValue, markMask };
    },
    save(o: TproxyOptions): string {
      return `--on-port ${o.onPort} --on-ip ${o.onIp} --tproxy-mark ${hexWidth(o.markValue)}/${hexWidth(o.markMask)}`;
    },
  };
}

export const TPROXY4 = tproxyDef(4);
export const TPROXY6 = tproxyDef(6);
export const isTproxyTarget = targetGuard<TproxyOptions>('TPROXY');
