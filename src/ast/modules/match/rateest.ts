/**
 * `-m rateest`: compares rates measured by RATEEST targets: one estimator against a fixed
 * rate (absolute mode, `--rateest NAME`), or two estimators against each other (`--rateest1`,
 * `--rateest2`), optionally as the difference to given rates (`--rateest-delta`).
 */
import type { Match, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { fitCString, isKnownMatch, parseDouble, parseXtUInt } from './state-util.js';

export interface RateestOptions {
  readonly name1: string;
  /** Relative mode: the second estimator. */
  readonly name2?: string;
  readonly delta: boolean;
  /** Which rates are compared: bytes per second and/or packets per second. */
  readonly bps: boolean;
  readonly pps: boolean;
  /** Rates as the kernel stores them: bytes/s and packets/s (1: first estimator side, 2: second). */
  readonly bps1: number;
  readonly pps1: number;
  readonly bps2: number;
  readonly pps2: number;
  readonly mode: 'lt' | 'gt' | 'eq';
  readonly negated: boolean;
}

export function isRateestMatch(m: Match): m is Match<RateestOptions> {
  return isKnownMatch(m, 'rateest');
}

/** iproute's rate units, in bits per second. */
const SUFFIXES: readonly (readonly [string, number])[] = [
  ['bit', 1], ['Kibit', 1024], ['kbit', 1000], ['Mibit', 1024 ** 2], ['mbit', 1e6], ['Gibit', 1024 ** 3],
  ['gbit', 1e9], ['Tibit', 1024 ** 4], ['tbit', 1e12], ['Bps', 8], ['KiBps', 8 * 1024], ['KBps', 8000],
  ['MiBps', 8 * 1024 ** 2], ['MBps', 8e6], ['GiBps', 8 * 1024 ** 3], ['GBps', 8e9], ['TiBps', 8 * 1024 ** 4],
  ['TBps', 8e12],
];

/** A rate with an optional unit into bytes per second (a bare number is taken as bits/s / 8, as iptables does). */
function parseRate(text: string): number | null {
  const m = /^([^a-zA-Z]*(?:[eE][+-]?\d+)?)(.*)$/.exec(text)!;
  const value = parseDouble(m[1]);
  if (value === null || value < 0) return null;
  let scale = 1;
  if (m[2] !== '') {
    const hit = SUFFIXES.find(([name]) => name.toLowerCase() === m[2].toLowerCase());
    if (!hit) return null;
    scale = hit[1];
  }
  const rate = Math.trunc((value * scale) / 8);
  return rate <= 0xffffffff ? rate : null;
}

/** %.0f: round half to even. */
function roundEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : r;
}

function formatBps(rate: number): string {
  const bits = rate * 8;
  if (bits >= 1e9) return `${roundEven(bits / 1e6)}Mbit`;
  if (bits >= 1e6) return `${roundEven(bits / 1e3)}Kbit`;
  return `${roundEven(bits)}bit`;
}

export const rateestMatch: ExtensionDef<RateestOptions> = {
  kind: 'match',
  name: 'rateest',
  options: [
    { name: 'rateest1', aliases: ['rateest'], args: 1 },
    { name: 'rateest2', args: 1 },
    { name: 'rateest-bps1', args: 'optional' },
    { name: 'rateest-pps1', args: 'optional' },
    { name: 'rateest-bps2', aliases: ['rateest-bps'], args: 'optional' },
    { name: 'rateest-pps2', aliases: ['rateest-pps'], args: 'optional' },
    { name: 'rateest-delta', args: 0 },
    { name: 'rateest-lt', args: 0, invertible: true },
    { name: 'rateest-gt', args: 0, invertible: true },
    { name: 'rateest-eq', args: 0, invertible: true },
  ],
  parse(raw: readonly RawOption[], ctx: ExtensionContext) {
    const seen = new Set<string>();
    let name1 = '';
    let name2: string | undefined;
    const rates = { 'rateest-bps1': 0, 'rateest-pps1': 0, 'rateest-bps2': 0, 'rateest-pps2': 0 };
    let bps = false;
    let pps = false;
    let mode: RateestOptions['mode'] | null = null;
    let negated = false;
    for (const opt of raw) {
      if (seen.has(opt.name)) {
        ctx.error(`rateest: can't specify --${opt.name} twice`, opt);
        return null;
      }
      seen.add(opt.name);
      switch (opt.name) {
        case 'rateest1':
          name1 = fitCString(opt.args[0], 16, ctx, opt, 'estimator name');
          break;
        case 'rateest2':
          name2 = fitCString(opt.args[0], 16, ctx, opt, 'estimator name');
          break;
        case 'rateest-bps1':
        case 'rateest-bps2':
        case 'rateest-pps1':
        case 'rateest-pps2': {
          const isBps = opt.name.includes('bps');
          if (isBps) bps = true;
          else pps = true;
          // The rate is optional and only meaningful in absolute and delta mode.
          if (opt.args.length === 0) break;
          const v = isBps ? parseRate(opt.args[0]) : parseXtUInt(opt.args[0]);
          if (v === null) {
            ctx.error(`rateest: could not parse rate "${opt.args[0]}"`, opt);
            return null;
          }
          rates[opt.name] = v;
          break;
        }
        case 'rateest-lt':
        case 'rateest-gt':
        case 'rateest-eq':
          mode = opt.name.slice('rateest-'.length) as RateestOptions['mode'];
          negated = negated || opt.negated;
          break;
      }
    }
    // xt_rateest_mt_checkentry refuses these; the estimators themselves must exist there too.
    if (name1 === '') {
      ctx.error('rateest: an estimator name (--rateest or --rateest1) is required');
      return null;
    }
    if (!bps && !pps) {
      ctx.error('rateest: one of --rateest-bps or --rateest-pps is required');
      return null;
    }
    if (mode === null) {
      ctx.error('rateest: one of --rateest-lt, --rateest-gt or --rateest-eq is required');
      return null;
    }
    return {
      name1,
      ...(name2 !== undefined ? { name2 } : {}),
      delta: seen.has('rateest-delta'),
      bps,
      pps,
      bps1: rates['rateest-bps1'],
      pps1: rates['rateest-pps1'],
      bps2: rates['rateest-bps2'],
      pps2: rates['rateest-pps2'],
      mode,
      negated,
    };
  },
  save(o) {
    const parts: string[] = [];
    const modeText = `${o.negated ? '! ' : ''}--rateest-${o.mode}`;
    // With two estimators and no delta, no rate is printed (the comparison is estimator to estimator).
    const printSecond = o.name2 === undefined || o.delta;
    const rate = (kind: 'bps' | 'pps', first: number, second: number): void => {
      const fmt = (n: number): string => (kind === 'bps' ? formatBps(n) : String(n));
      if (o.delta) parts.push(`--rateest-${kind}1 ${fmt(first)}`, modeText, `--rateest-${kind}2`);
      else parts.push(modeText, `--rateest-${kind}`);
      if (printSecond) parts[parts.length - 1] += ` ${fmt(second)}`;
    };
    if (o.delta) parts.push('--rateest-delta');
    parts.push(o.name2 === undefined ? `--rateest ${o.name1}` : `--rateest1 ${o.name1}`);
    if (o.bps) rate('bps', o.bps1, o.bps2);
    if (o.pps) rate('pps', o.pps1, o.pps2);
    if (o.name2 !== undefined) parts.push(`--rateest2 ${o.name2}`);
    return parts.join(' ');
  },
};
