/**
 * `-m connbytes`: how many packets or bytes (or the average packet size) a connection has seen
 * so far, in one or both directions, compared against a range.
 */
import type { Match } from '../../types.js';
import type { ExtensionDef } from '../extension.js';
import { checkOptionTable, isKnownMatch, parseUIntRange, type XtOption } from './state-util.js';

const U64_MAX = 0xffffffffffffffffn;

export interface ConnbytesOptions {
  /** Lower bound, inclusive; decimal text because counters are unsigned 64-bit. */
  readonly from: string;
  /** Upper bound, inclusive (18446744073709551615 when open); decimal text. */
  readonly to: string;
  /** Outside the range instead of inside (never set for a single-value range: the kernel cannot invert it). */
  readonly negated: boolean;
  readonly mode: 'packets' | 'bytes' | 'avgpkt';
  readonly direction: 'original' | 'reply' | 'both';
}

export function isConnbytesMatch(m: Match): m is Match<ConnbytesOptions> {
  return isKnownMatch(m, 'connbytes');
}

const OPTIONS: readonly XtOption[] = [
  { name: 'connbytes', args: 1, invertible: true, mandatory: true },
  { name: 'connbytes-dir', args: 1, mandatory: true },
  { name: 'connbytes-mode', args: 1, mandatory: true },
];

const MODES = ['packets', 'bytes', 'avgpkt'] as const;
const DIRS = ['original', 'reply', 'both'] as const;

export const connbytesMatch: ExtensionDef<ConnbytesOptions> = {
  kind: 'match',
  name: 'connbytes',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('connbytes', raw, OPTIONS, ctx)) return null;
    let range: { from: bigint; to: bigint; negated: boolean } | null = null;
    let mode: ConnbytesOptions['mode'] = 'packets';
    let direction: ConnbytesOptions['direction'] = 'original';
    for (const opt of raw) {
      const arg = opt.args[0];
      if (opt.name === 'connbytes') {
        const r = parseUIntRange(arg, U64_MAX);
        if (!r) {
          ctx.error(`connbytes: bad value for option "--connbytes" near "${arg}", or out of range (0-18446744073709551615).`, opt);
          return null;
        }
        const to = r.count === 2 ? r.to : U64_MAX;
        // The kernel stores an inverted range as from > to; from == to cannot express it.
        range = { from: r.from, to, negated: opt.negated && r.from !== to };
      } else if (opt.name === 'connbytes-mode') {
        const m = MODES.find((x) => x === arg);
        if (!m) {
          ctx.error(`Unknown --connbytes-mode \`${arg}'`, opt);
          return null;
        }
        mode = m;
      } else {
        const d = DIRS.find((x) => x === arg);
        if (!d) {
          ctx.error(`Unknown --connbytes-dir \`${arg}'`, opt);
          return null;
        }
        direction = d;
      }
    }
    return { from: String(range!.from), to: String(range!.to), negated: range!.negated, mode, direction };
  },
  save(o) {
    const to = BigInt(o.to);
    const upper = to !== 0n && to < U64_MAX ? `:${o.to}` : '';
    return `${o.negated ? '! ' : ''}--connbytes ${o.from}${upper} --connbytes-mode ${o.mode} --connbytes-dir ${o.direction}`;
  },
};
