/**
 * `-m hashlimit` (revision 3): a token bucket per group of packets (grouped by addresses
 * and/or ports), in packets or bytes, with its own hash table named in /proc. iptables-save
 * prints defaults that the kernel keeps (the burst in packet mode) and leaves out those that
 * follow from the rate (the entry expiry), which this module replays from the kernel values.
 */
import type { Match, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { parseRateInterval } from './limit.js';
import {
  atoll,
  checkOptionTable,
  fitCString,
  isKnownMatch,
  maskInfo,
  parseMaskBytes,
  parseXtUInt,
  strtoulPrefix,
  type XtOption,
} from './state-util.js';

export type HashlimitKey = 'srcip' | 'srcport' | 'dstip' | 'dstport';

export interface HashlimitOptions {
  /** True for `--hashlimit-above` (matches over the rate), false for `--hashlimit-upto`. */
  readonly above: boolean;
  /** Whether the rate counts bytes (`…b/s`) or packets. */
  readonly unit: 'packets' | 'bytes';
  /**
   * The kernel's rate value: packets mode, the interval between packets in microseconds
   * (divided by the unit's seconds with `--hashlimit-rate-match`); bytes mode, the cost of one
   * byte in the kernel's credit units.
   */
  readonly avg: number;
  /** Packets mode: bucket size in packets. Bytes mode: bucket size in multiples of the rate (0: none). */
  readonly burst: number;
  /** What packets are grouped by; empty: one bucket for all. */
  readonly keys: readonly HashlimitKey[];
  readonly name: string;
  /** Hash table buckets / entries; 0 lets the kernel choose. */
  readonly htableSize: number;
  readonly htableMax: number;
  /** Milliseconds between garbage collections. */
  readonly gcInterval: number;
  /** Milliseconds after which an idle entry is dropped. */
  readonly expire: number;
  /** Prefix lengths the addresses are grouped by. */
  readonly srcMask: number;
  readonly dstMask: number;
  /** `--hashlimit-rate-match`: match on the measured rate instead of limiting. */
  readonly rateMatch: boolean;
  /** Seconds over which the rate is measured (rate-match), else 0. */
  readonly interval: number;
}

export function isHashlimitMatch(m: Match): m is Match<HashlimitOptions> {
  return isKnownMatch(m, 'hashlimit');
}

const U32_MAX = 0xffffffffn;
const U64_MAX = 0xffffffffffffffffn;
/** XT_HASHLIMIT_SCALE_v2: packet intervals are in microseconds. */
const SCALE = 1000000n;
const BYTE_SHIFT = 4n;
const BURST_MAX = 1000000n;
const DEFAULT_GC_INTERVAL = 1000;
/** Seconds an idle entry lives by default in bytes mode (without / with a burst). */
const BYTE_EXPIRE = 15;
const BYTE_EXPIRE_BURST = 60;
const UNIT_SECONDS = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;
/** NAME_MAX: the name buffer of revisions 2 and 3. */
const NAME_SIZE = 255;

function costToBytes(cost: bigint): bigint {
  const r = cost ? U32_MAX / cost : U32_MAX;
  return BigInt.asUintN(64, (r - 1n) << BYTE_SHIFT);
}

function bytesToCost(bytes: bigint): bigint {
  const r = BigInt.asUintN(32, bytes >> BYTE_SHIFT);
  const divisor = BigInt.asUintN(32, r + 1n);
  return divisor === 0n ? 0n : U32_MAX / divisor;
}

function factor(chr: string | undefined): bigint {
  return chr === 'm' ? 1024n * 1024n : chr === 'k' ? 1024n : 1n;
}

/** `N[k|m]b/s`: a byte rate; null when the text is not one. */
function parseByteRate(text: string, ctx: ExtensionContext, at: RawOption): { cost: bigint } | null | 'error' {
  const pos = text.indexOf('b/s');
  if (pos <= 0) return null;
  const r = BigInt.asUintN(64, atoll(text));
  if (r === 0n) return null;
  const bytes = BigInt.asUintN(64, r * factor(text[pos - 1]));
  const cost = bytesToCost(bytes);
  if (cost === 0n) {
    ctx.error(`Rate too high "${text}"`, at);
    return 'error';
  }
  return { cost };
}

/** The interval print_rate shows, and the expiry (ms) that goes with its unit. */
function formatRate(period: bigint): { text: string; quantum: number } {
  if (period === 0n) return { text: 'inf', quantum: 0 };
  const units = [['day', 86400n], ['hour', 3600n], ['min', 60n], ['sec', 1n]] as const;
  let i = 1;
  for (; i < units.length; i++) {
    const mult = SCALE * units[i][1];
    if (period > mult || mult / period < mult % period) break;
  }
  const [name, secs] = units[i - 1];
  return { text: `${(SCALE * secs) / period}/${name}`, quantum: Number(secs) * 1000 };
}

/** print_bytes: the byte rate in the largest unit that gives back the same cost, and the burst. */
function formatBytes(avg: bigint, burst: bigint): { text: string; quantum: number } {
  const units = [['m', 1024n * 1024n], ['k', 1024n], ['', 1n]] as const;
  const r = costToBytes(avg);
  let i = 0;
  for (; i < units.length - 1; i++) {
    if (r >= units[i][1] && bytesToCost(r & ~(units[i][1] - 1n)) === avg) break;
  }
  let text = `${r / units[i][1]}${units[i][0]}b/s`;
  if (burst === 0n) return { text, quantum: BYTE_EXPIRE * 1000 };
  const total = r * burst;
  let j = 0;
  for (; j < units.length - 1; j++) if (total >= units[j][1]) break;
  text += ` --hashlimit-burst ${total / units[j][1]}${units[j][0]}b`;
  return { text, quantum: BYTE_EXPIRE_BURST * 1000 };
}

const OPTIONS: readonly XtOption[] = [
  // `--hashlimit` is the old name of --hashlimit-upto (same option id).
  { name: 'hashlimit-upto', aliases: ['hashlimit'], args: 1, invertible: true, excl: ['hashlimit-above'] },
  { name: 'hashlimit-above', args: 1, invertible: true, excl: ['hashlimit-upto'] },
  { name: 'hashlimit-srcmask', args: 1 },
  { name: 'hashlimit-dstmask', args: 1 },
  { name: 'hashlimit-burst', args: 1 },
  { name: 'hashlimit-htable-size', args: 1 },
  { name: 'hashlimit-htable-max', args: 1 },
  { name: 'hashlimit-htable-gcinterval', args: 1 },
  { name: 'hashlimit-htable-expire', args: 1 },
  { name: 'hashlimit-mode', args: 1 },
  { name: 'hashlimit-name', args: 1, mandatory: true },
  { name: 'hashlimit-rate-match', args: 0 },
  { name: 'hashlimit-rate-interval', args: 1 },
];

const KEYS: readonly HashlimitKey[] = ['srcip', 'srcport', 'dstip', 'dstport'];

/** Names the kernel refuses for a /proc entry (xt_check_proc_name). */
export function badProcName(name: string): boolean {
  return name === '' || name === '.' || name === '..' || name.includes('/');
}

export const hashlimitMatch: ExtensionDef<HashlimitOptions> = {
  kind: 'match',
  name: 'hashlimit',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('hashlimit', raw, OPTIONS, ctx)) return null;
    const fullMask = ctx.family === 4 ? 32 : 128;
    let above = false;
    let bytesMode = false;
    let avg = 0n;
    let mult = 1;
    let burst = 5n;
    let burstGiven = false;
    const keys = new Set<HashlimitKey>();
    let name = '';
    let htableSize = 0;
    let htableMax = 0;
    let gcInterval = DEFAULT_GC_INTERVAL;
    let expire: number | null = null;
    let srcMask = fullMask;
    let dstMask = fullMask;
    let rateMatch = false;
    let interval = 0;
    let haveRate = false;
    const u32 = (opt: RawOption): number | null => {
      const v = parseXtUInt(opt.args[0]);
      if (v === null) ctx.error(`hashlimit: bad value for option "--${opt.name}", or out of range (0-4294967295).`, opt);
      return v;
    };
    for (const opt of raw) {
      const arg = opt.args[0];
      switch (opt.name) {
        case 'hashlimit-upto':
        case 'hashlimit-above': {
          above = (opt.name === 'hashlimit-above') !== opt.negated;
          const bytes = parseByteRate(arg, ctx, opt);
          if (bytes === 'error') return null;
          if (bytes) {
            bytesMode = true;
            avg = bytes.cost;
            mult = BYTE_EXPIRE;
          } else {
            const rate = parseRateInterval(arg, SCALE, 64);
            if (rate === 'too-fast') {
              ctx.error(`Rate too fast "${arg}"`, opt);
              return null;
            }
            if (!rate) {
              ctx.error(`hashlimit: Bad value for option "--${opt.name}": "${arg}"`, opt);
              return null;
            }
            avg = rate.interval;
            mult = UNIT_SECONDS[rate.unit];
          }
          haveRate = true;
          break;
        }
        case 'hashlimit-burst': {
          const v = strtoulPrefix(arg);
          if (!v || v.value < 1n || v.value > U64_MAX || (v.rest === '' && v.value > BURST_MAX)) {
            ctx.error(`bad value for option "--hashlimit-burst", or out of range (1-${BURST_MAX}).`, opt);
            return null;
          }
          const total = v.value * factor(v.rest[0]);
          if (total > U64_MAX) {
            ctx.error(`bad value for option "--hashlimit-burst", value "${arg}" too large (max ${U64_MAX / 1024n / 1024n}mb).`, opt);
            return null;
          }
          burst = total;
          burstGiven = true;
          break;
        }
        case 'hashlimit-mode':
          for (const token of arg.split(/[,|]/)) {
            if (token === '') continue;
            const key = KEYS.find((k) => k === token);
            if (!key) {
              ctx.error(`hashlimit: Bad value for option "--hashlimit-mode": "${arg}"`, opt);
              return null;
            }
            keys.add(key);
          }
          break;
        case 'hashlimit-srcmask':
        case 'hashlimit-dstmask': {
          const bytes = parseMaskBytes(arg, ctx.family);
          const prefix = bytes ? maskInfo(bytes, ctx.family).prefix : null;
          if (prefix === null) {
            ctx.error(`hashlimit: bad value for option "--${opt.name}", neither a valid network mask nor valid CIDR (0-${fullMask}).`, opt);
            return null;
          }
          if (opt.name === 'hashlimit-srcmask') srcMask = prefix;
          else dstMask = prefix;
          break;
        }
        case 'hashlimit-name':
          if (arg === '') {
            ctx.error('Argument must have a minimum length of 1 characters', opt);
            return null;
          }
          name = fitCString(arg, NAME_SIZE, ctx, opt, 'hashlimit name');
          break;
        case 'hashlimit-htable-size': {
          const v = u32(opt);
          if (v === null) return null;
          htableSize = v;
          break;
        }
        case 'hashlimit-htable-max': {
          const v = u32(opt);
          if (v === null) return null;
          htableMax = v;
          break;
        }
        case 'hashlimit-htable-gcinterval': {
          const v = u32(opt);
          if (v === null) return null;
          gcInterval = v;
          break;
        }
        case 'hashlimit-htable-expire': {
          const v = u32(opt);
          if (v === null) return null;
          expire = v;
          break;
        }
        case 'hashlimit-rate-match':
          rateMatch = true;
          break;
        case 'hashlimit-rate-interval': {
          const v = atoll(arg);
          if (v <= 0n || v > 0x7fffffffn) {
            ctx.error(`hashlimit: Bad value for option "--hashlimit-rate-interval": "${arg}"`, opt);
            return null;
          }
          interval = Number(v);
          break;
        }
      }
    }
    if (!haveRate) {
      ctx.error('You have to specify --hashlimit');
      return null;
    }
    let expireMs = expire ?? mult * 1000;
    if (bytesMode) {
      let credits = 0n;
      if (burstGiven) {
        const perRate = costToBytes(avg);
        if (burst < perRate) {
          ctx.error(`burst cannot be smaller than ${perRate}b`);
          return null;
        }
        // The kernel keeps the burst as a 32-bit multiple of the rate, rounded up.
        credits = BigInt.asUintN(32, burst / perRate + (burst % perRate ? 1n : 0n));
        if (expire === null) expireMs = BYTE_EXPIRE_BURST * 1000;
      }
      burst = credits;
    } else if (burst > BURST_MAX) {
      ctx.error(`bad value for option "--hashlimit-burst", or out of range (1-${BURST_MAX}).`);
      return null;
    }
    if (rateMatch) {
      if (!bytesMode) avg /= BigInt(mult);
      if (interval === 0) interval = bytesMode ? 1 : mult;
    }
    // hashlimit_mt_check_common: the kernel refuses these.
    if (gcInterval === 0 || expireMs === 0) {
      ctx.error('hashlimit: the kernel refuses a zero --hashlimit-htable-gcinterval or --hashlimit-htable-expire');
      return null;
    }
    if (badProcName(name)) {
      ctx.error(`hashlimit: the kernel refuses the table name "${name}"`);
      return null;
    }
    if (rateMatch && (avg === 0n || avg > U32_MAX)) {
      ctx.error('hashlimit: the kernel refuses this rate with --hashlimit-rate-match');
      return null;
    }
    return {
      above,
      unit: bytesMode ? 'bytes' : 'packets',
      avg: Number(avg),
      burst: Number(burst),
      keys: KEYS.filter((k) => keys.has(k)),
      name,
      htableSize,
      htableMax,
      gcInterval,
      expire: expireMs,
      srcMask,
      dstMask,
      rateMatch,
      interval,
    };
  },
  save(o, { family }) {
    const fullMask = family === 4 ? 32 : 128;
    const parts = [o.above ? '--hashlimit-above' : '--hashlimit-upto'];
    let quantum: number;
    if (o.unit === 'bytes') {
      const r = formatBytes(BigInt(o.avg), BigInt(o.burst));
      parts.push(r.text);
      quantum = r.quantum;
    } else {
      const r = formatRate(BigInt(o.avg));
      parts.push(r.text, `--hashlimit-burst ${o.burst}`);
      quantum = r.quantum;
    }
    if (o.keys.length) parts.push(`--hashlimit-mode ${o.keys.join(',')}`);
    parts.push(`--hashlimit-name ${o.name}`);
    if (o.htableSize) parts.push(`--hashlimit-htable-size ${o.htableSize}`);
    if (o.htableMax) parts.push(`--hashlimit-htable-max ${o.htableMax}`);
    if (o.gcInterval !== DEFAULT_GC_INTERVAL) parts.push(`--hashlimit-htable-gcinterval ${o.gcInterval}`);
    if (o.expire !== quantum) parts.push(`--hashlimit-htable-expire ${o.expire}`);
    if (o.srcMask !== fullMask) parts.push(`--hashlimit-srcmask ${o.srcMask}`);
    if (o.dstMask !== fullMask) parts.push(`--hashlimit-dstmask ${o.dstMask}`);
    if (o.rateMatch) {
      parts.push('--hashlimit-rate-match');
      if (o.interval !== 1) parts.push(`--hashlimit-rate-interval ${o.interval}`);
    }
    return parts.join(' ');
  },
};
