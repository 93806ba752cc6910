/** SYNPROXY (libxt_SYNPROXY.c; kernel xt_SYNPROXY.c): answers TCP handshakes with SYN cookies before the server sees them. */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, optionUint, requireProtocol, targetGuard, UINT32_MAX, type TargetOption } from './target-util.js';

export interface SynproxyOptions {
  readonly sackPerm: boolean;
  readonly timestamp: boolean;
  readonly wscale?: number;
  readonly mss?: number;
  readonly ecn: boolean;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'sack-perm', args: 0 },
  { name: 'timestamp', args: 0 },
  { name: 'wscale', args: 1 },
  { name: 'mss', args: 1 },
  { name: 'ecn', args: 0 },
];

export const SYNPROXY: ExtensionDef<SynproxyOptions> = {
  kind: 'target',
  name: 'SYNPROXY',
  hooks: ['INPUT', 'FORWARD'],
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): SynproxyOptions | null {
    if (!checkOptions('SYNPROXY', raw, OPTIONS, ctx)) return null;
    let wscale: number | undefined;
    let mss: number | undefined;
    for (const o of raw) {
      if (o.name !== 'wscale' && o.name !== 'mss') continue;
      const n = optionUint('SYNPROXY', o, 0, UINT32_MAX, ctx);
      if (n === null) return null;
      if (o.name === 'wscale') wscale = n;
      else mss = n;
    }
    if (!requireProtocol('SYNPROXY', 6, ctx)) return null;
    const has = (name: string): boolean => raw.some((o) => o.name === name);
    return {
      sackPerm: has('sack-perm'),
      timestamp: has('timestamp'),
      ...(wscale !== undefined ? { wscale } : {}),
      ...(mss !== undefined ? { mss } : {}),
      ecn: has('ecn'),
    };
  },
  save(o: SynproxyOptions): string {
    const parts: string[] = [];
    if (o.sackPerm) parts.push('--sack-perm');
    if (o.timestamp) parts.push('--timestamp');
    if (o.wscale !== undefined) parts.push(`--wscale ${o.wscale}`);
    if (o.mss !== undefined) parts.push(`--mss ${o.mss}`);
    if (o.ecn) parts.push('--ecn');
    return parts.join(' ');
  },
};

export const isSynproxyTarget = targetGuard<SynproxyOptions>('SYNPROXY');
