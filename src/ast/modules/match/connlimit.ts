/**
 * `-m connlimit`: counts the connections of the packet's source (or destination) group,
 * addresses grouped by a mask whose default is the whole address (/32 for IPv4, /128 for IPv6,
 * which is why iptables-save prints a different default per family).
 */
import type { Family, Match } from '../../types.js';
import type { ExtensionDef } from '../extension.js';
import { checkOptionTable, isKnownMatch, maskInfo, parseMaskBytes, parseXtUInt, type XtOption } from './state-util.js';

export interface ConnlimitOptions {
  /** The limit N of `--connlimit-upto N` / `--connlimit-above N`. */
  readonly limit: number;
  /** True: matches when the count is above the limit; false: when it is at most the limit. */
  readonly above: boolean;
  /** Grouping mask as written (canonical address form). */
  readonly mask: string;
  /** The prefix length iptables-save prints for the mask (`--connlimit-mask N`). */
  readonly maskBits: number;
  /** Which address the connections are grouped by. */
  readonly direction: 'source' | 'destination';
}

export function isConnlimitMatch(m: Match): m is Match<ConnlimitOptions> {
  return isKnownMatch(m, 'connlimit');
}

const OPTIONS: readonly XtOption[] = [
  { name: 'connlimit-upto', args: 1, invertible: true, excl: ['connlimit-above'] },
  { name: 'connlimit-above', args: 1, invertible: true, excl: ['connlimit-upto'] },
  { name: 'connlimit-mask', args: 1 },
  { name: 'connlimit-saddr', args: 0, excl: ['connlimit-daddr'] },
  { name: 'connlimit-daddr', args: 0, excl: ['connlimit-saddr'] },
];

/**
 * What libxt_connlimit prints for a mask: the width minus the bit length of the inverted mask
 * of each 32-bit word (the prefix length for contiguous masks).
 */
function maskBits(bytes: readonly number[], family: Family): number {
  let bits = 0;
  for (let w = 0; w < bytes.length; w += 4) {
    let inv = ~((bytes[w] << 24) | (bytes[w + 1] << 16) | (bytes[w + 2] << 8) | bytes[w + 3]) >>> 0;
    while (inv !== 0) {
      bits++;
      inv >>>= 1;
    }
  }
  return (family === 4 ? 32 : 128) - bits;
}

export const connlimitMatch: ExtensionDef<ConnlimitOptions> = {
  kind: 'match',
  name: 'connlimit',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('connlimit', raw, OPTIONS, ctx)) return null;
    let limit: number | null = null;
    let above = false;
    let maskBytes = parseMaskBytes(ctx.family === 4 ? '32' : '128', ctx.family)!;
    let direction: ConnlimitOptions['direction'] = 'source';
    for (const opt of raw) {
      switch (opt.name) {
        case 'connlimit-upto':
        case 'connlimit-above': {
          limit = parseXtUInt(opt.args[0]);
          if (limit === null) {
            ctx.error(`connlimit: bad value for option "--${opt.name}", or out of range (0-4294967295).`, opt);
            return null;
          }
          above = (opt.name === 'connlimit-above') !== opt.negated;
          break;
        }
        case 'connlimit-mask': {
          const bytes = parseMaskBytes(opt.args[0], ctx.family);
          if (!bytes) {
            ctx.error(`connlimit: bad value for option "--connlimit-mask", neither a valid network mask nor valid CIDR (0-${ctx.family === 4 ? 32 : 128}).`, opt);
            return null;
          }
          maskBytes = bytes;
          break;
        }
        case 'connlimit-saddr':
          direction = 'source';
          break;
        case 'connlimit-daddr':
          direction = 'destination';
          break;
      }
    }
    if (limit === null) {
      ctx.error('You must specify "--connlimit-above" or "--connlimit-upto".');
      return null;
    }
    return { limit, above, mask: maskInfo(maskBytes, ctx.family).mask, maskBits: maskBits(maskBytes, ctx.family), direction };
  },
  save(o) {
    return [
      `--connlimit-${o.above ? 'above' : 'upto'} ${o.limit}`,
      `--connlimit-mask ${o.maskBits}`,
      o.direction === 'destination' ? '--connlimit-daddr' : '--connlimit-saddr',
    ].join(' ');
  },
};
