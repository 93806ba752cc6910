/**
 * NFLOG (libxt_NFLOG.c): hands the packet to a netlink log group. With the nft backend
 * iptables turns it into nftables' own `log group` statement, which is what it prints back:
 * prefixes up to 127 characters survive, and `--nflog-range` (never implemented) is dropped.
 */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { saveString } from '../extension.js';
import { checkOptions, fitBuffer, optionUint, targetGuard, UINT16_MAX, UINT32_MAX, type TargetOption } from './target-util.js';

export interface NflogOptions {
  readonly group: number;
  /** '' when none. */
  readonly prefix: string;
  /** Bytes of the packet copied to userspace; absent = whole packet. */
  readonly size?: number;
  /** Packets queued in the kernel before sending to userspace; 0 = default. */
  readonly threshold: number;
}

/** NF_LOG_PREFIXLEN: nftables' log prefix buffer. */
const PREFIX_SIZE = 128;

const OPTIONS: readonly TargetOption[] = [
  { name: 'nflog-group', args: 1 },
  { name: 'nflog-prefix', args: 1 },
  { name: 'nflog-range', args: 1, excl: ['nflog-size'] },
  { name: 'nflog-size', args: 1, excl: ['nflog-range'] },
  { name: 'nflog-threshold', args: 1 },
];

export const NFLOG: ExtensionDef<NflogOptions> = {
  kind: 'target',
  name: 'NFLOG',
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): NflogOptions | null {
    if (!checkOptions('NFLOG', raw, OPTIONS, ctx)) return null;
    let group = 0;
    let prefix = '';
    let size: number | undefined;
    let threshold = 0;
    for (const o of raw) {
      switch (o.name) {
        case 'nflog-group': {
          const n = optionUint('NFLOG', o, 0, UINT16_MAX, ctx);
          if (n === null) return null;
          group = n;
          break;
        }
        case 'nflog-prefix':
          if (o.args[0] === '') {
            ctx.error('Argument must have a minimum length of 1 characters', o);
            return null;
          }
          if (o.args[0].includes('\n')) {
            ctx.error('Newlines not allowed in --log-prefix', o);
            return null;
          }
          prefix = fitBuffer('NFLOG', o, PREFIX_SIZE, ctx);
          break;
        case 'nflog-range':
          if (optionUint('NFLOG', o, 0, UINT32_MAX, ctx) === null) return null;
          ctx.warn('--nflog-range has never worked and is no longer supported, please use --nflog-size instead', o);
          break;
        case 'nflog-size': {
          const n = optionUint('NFLOG', o, 0, UINT32_MAX, ctx);
          if (n === null) return null;
          size = n;
          break;
        }
        case 'nflog-threshold': {
          const n = optionUint('NFLOG', o, 0, UINT16_MAX, ctx);
          if (n === null) return null;
          threshold = n;
          break;
        }
      }
    }
    return { group, prefix, ...(size !== undefined ? { size } : {}), threshold };
  },
  save(o: NflogOptions): string {
    const parts: string[] = [];
    if (o.prefix !== '') parts.push(`--nflog-prefix ${saveString(o.prefix)}`);
    if (o.group !== 0) parts.push(`--nflog-group ${o.group}`);
    if (o.size !== undefined) parts.push(`--nflog-size ${o.size}`);
    if (o.threshold !== 0) parts.push(`--nflog-threshold ${o.threshold}`);
    return parts.join(' ');
  },
};

export const isNflogTarget = targetGuard<NflogOptions>('NFLOG');
