/**
 * `-m limit`: a token bucket shared by every packet the rule sees. With the nft backend
 * iptables stores it as a native nftables `limit` (N packets per unit, burst), and reads it
 * back into the old xt_rateinfo form when it prints; netfate keeps the nftables form and
 * replays that round trip when printing, so odd rates print as iptables-save prints them.
 */
import type { Match } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { atoll, checkOptionTable, isKnownMatch, isPrefixOf, parseXtUInt, type XtOption } from './state-util.js';

export type RateUnit = 'second' | 'minute' | 'hour' | 'day';

export interface Rate {
  /** Packets allowed per `per`. */
  readonly count: number;
  readonly per: RateUnit;
}

export interface LimitOptions {
  readonly rate: Rate;
  /** Bucket size in packets. */
  readonly burst: number;
}

export function isLimitMatch(m: Match): m is Match<LimitOptions> {
  return isKnownMatch(m, 'limit');
}

/** XT_LIMIT_SCALE: xt_rateinfo.avg is the interval between packets in 1/10000 s. */
const SCALE = 10000;
const UNIT_SECONDS: Readonly<Record<RateUnit, number>> = { second: 1, minute: 60, hour: 3600, day: 86400 };
const UNITS_DESC: readonly RateUnit[] = ['day', 'hour', 'minute', 'second'];
const SAVE_NAME: Readonly<Record<RateUnit, string>> = { second: 'sec', minute: 'min', hour: 'hour', day: 'day' };
const DEFAULT_BURST = 5;

/**
 * `N[/unit]` (unit a case-blind abbreviation of second, minute, hour, day; N read as C's atoi)
 * into the interval between packets in 1/`scale` s. Null when the text is not a rate;
 * 'too-fast' when the interval rounds down to zero.
 */
export function parseRateInterval(text: string, scale: bigint, bits: 32 | 64): { interval: bigint; unit: RateUnit } | null | 'too-fast' {
  let unit: RateUnit = 'second';
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const suffix = text.slice(slash + 1);
    if (suffix === '') return null;
    const hit = (['second', 'minute', 'hour', 'day'] as const).find((u) => isPrefixOf(suffix, u));
    if (!hit) return null;
    unit = hit;
  }
  const r = BigInt.asUintN(bits, atoll(text));
  if (r === 0n) return null;
  const interval = (scale * BigInt(UNIT_SECONDS[unit])) / r;
  return interval === 0n ? 'too-fast' : { interval, unit };
}

/** The unit print_rate (and nft's conversion) picks for an interval: the largest that divides well. */
function pickUnit(interval: number): RateUnit {
  let i = 1;
  for (; i < UNITS_DESC.length; i++) {
    const mult = SCALE * UNIT_SECONDS[UNITS_DESC[i]];
    if (interval > mult || Math.floor(mult / interval) < mult % interval) break;
  }
  return UNITS_DESC[i - 1];
}

function parseLimitRate(text: string, ctx: ExtensionContext, at: Parameters<ExtensionContext['error']>[1]): Rate | null {
  const parsed = parseRateInterval(text, BigInt(SCALE), 32);
  if (parsed === 'too-fast') {
    ctx.error(`Rate too fast "${text}"`, at);
    return null;
  }
  // xt_rateinfo.avg is 32 bits.
  if (!parsed || parsed.interval > 0xffffffffn) {
    ctx.error(`bad rate "${text}"'`, at);
    return null;
  }
  const avg = Number(parsed.interval);
  // iptables-nft turns the interval into "count per unit" for the nftables limit expression.
  const per = pickUnit(avg);
  return { count: Math.floor((SCALE * UNIT_SECONDS[per]) / avg), per };
}

const OPTIONS: readonly XtOption[] = [
  { name: 'limit', args: 1 },
  { name: 'limit-burst', args: 1 },
];

export const limitMatch: ExtensionDef<LimitOptions> = {
  kind: 'match',
  name: 'limit',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('limit', raw, OPTIONS, ctx)) return null;
    let rate: Rate = { count: 3, per: 'hour' };
    let burst = DEFAULT_BURST;
    for (const opt of raw) {
      if (opt.name === 'limit') {
        const r = parseLimitRate(opt.args[0], ctx, opt);
        if (!r) return null;
        rate = r;
      } else {
        const b = parseXtUInt(opt.args[0], 0, 10000);
        if (b === null) {
          ctx.error('limit: bad value for option "--limit-burst", or out of range (0-10000).', opt);
          return null;
        }
        // The nftables limit expression takes a zero burst as its default, 5.
        burst = b === 0 ? DEFAULT_BURST : b;
      }
    }
    return { rate, burst };
  },
  save(o) {
    // iptables-nft reads the nftables limit back as an interval, then prints that interval.
    const avg = Math.floor((SCALE * UNIT_SECONDS[o.rate.per]) / o.rate.count);
    const unit = pickUnit(avg);
    const count = Math.floor((SCALE * UNIT_SECONDS[unit]) / avg);
    return `--limit ${count}/${SAVE_NAME[unit]}${o.burst !== DEFAULT_BURST ? ` --limit-burst ${o.burst}` : ''}`;
  },
};
