/**
 * `-m time`: time of day, days of the month and week, and a date window. Times are UTC unless
 * `--kerneltz` (the kernel's timezone) is given.
 */
import type { Match, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptionTable, isKnownMatch, type XtOption } from './state-util.js';

export interface TimeOptions {
  /** Seconds since the epoch; 0: no start. */
  readonly dateStart: number;
  /** Seconds since the epoch; 2147483647 (2038-01-19T03:14:07) when not given. */
  readonly dateStop: number;
  /** Seconds after midnight, inclusive; start > stop wraps around midnight. */
  readonly dayTimeStart: number;
  readonly dayTimeStop: number;
  /** Days of the month (1-31) the rule matches on. */
  readonly monthDays: readonly number[];
  /** Days of the week the rule matches on, 1 = Monday … 7 = Sunday. */
  readonly weekDays: readonly number[];
  readonly kernelTz: boolean;
  /** `--contiguous`: a stop time before the start time ends on the next day. */
  readonly contiguous: boolean;
}

export function isTimeMatch(m: Match): m is Match<TimeOptions> {
  return isKnownMatch(m, 'time');
}

const MAX_DAYTIME = 24 * 60 * 60 - 1;
/** The default date_stop: INT_MAX, which iptables-save prints as it cannot tell it from a real date. */
const DEFAULT_DATE_STOP = 0x7fffffff;
const WEEK_DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const ALL_MONTH_DAYS = Array.from({ length: 31 }, (_, i) => i + 1);
const ALL_WEEK_DAYS = [1, 2, 3, 4, 5, 6, 7];

/** C's strtoul prefix (base 10 or 0): no digits reads 0 and consumes nothing; `-n` wraps. */
function cStrtoul(text: string, base: 0 | 10): { value: number; rest: string } {
  const m = /^(\s*)([+-]?)(.*)$/s.exec(text)!;
  let body = m[3];
  let radix = 10;
  if (base === 0 && /^0[xX][0-9a-fA-F]/.test(body)) {
    radix = 16;
    body = body.slice(2);
  } else if (base === 0 && body.startsWith('0')) {
    radix = 8;
  }
  const digits = (radix === 16 ? /^[0-9a-fA-F]+/ : radix === 8 ? /^[0-7]+/ : /^\d+/).exec(body);
  if (!digits) return { value: 0, rest: text };
  let value = parseInt(digits[0], radix);
  if (m[2] === '-' && value !== 0) value = Number.MAX_SAFE_INTEGER;
  return { value, rest: body.slice(digits[0].length) };
}

/** `YYYY[-MM[-DD[Thh[:mm[:ss]]]]]`, UTC, as time_parse_date reads it (out-of-range days roll over). */
function parseDate(text: string): number | null {
  const fields = [1970, 1, 1, 0, 0, 0];
  const seps = ['-', '-', 'T', ':', ':', ''];
  const limits: [number, number][] = [[1970, 2038], [0, 12], [0, 31], [0, 23], [0, 59], [0, 59]];
  let s = text;
  for (let i = 0; i < 6; i++) {
    const r = cStrtoul(s, 10);
    const next = r.rest[0] ?? '';
    if ((next !== seps[i] || seps[i] === '') && next !== '') return null;
    if (r.value < limits[i][0] || r.value > limits[i][1]) return null;
    fields[i] = r.value;
    if (next === '') break;
    s = r.rest.slice(1);
  }
  const [y, mo, d, h, mi, se] = fields;
  const t = Date.UTC(y, mo - 1, d, h, mi, se) / 1000;
  return t >= 0 ? t : null;
}

/** `hh:mm[:ss]` in seconds after midnight. */
function parseDayTime(text: string): number | null {
  const h = cStrtoul(text, 10);
  if (h.rest[0] !== ':' || h.value > 23) return null;
  const m = cStrtoul(h.rest.slice(1), 10);
  if ((m.rest !== '' && m.rest[0] !== ':') || m.value > 59) return null;
  let sec = 0;
  if (m.rest !== '') {
    const s = cStrtoul(m.rest.slice(1), 10);
    if (s.rest !== '' || s.value > 59) return null;
    sec = s.value;
  }
  return h.value * 3600 + m.value * 60 + sec;
}

/** Comma-separated items, each cut to `keep` characters (libxt_time reads them into a tiny buffer). */
function segments(text: string, keep: number): string[] {
  const out: string[] = [];
  let rest: string | null = text;
  while (rest !== null && rest !== '') {
    const comma: number = rest.indexOf(',');
    const item: string = comma < 0 ? rest : rest.slice(0, comma);
    out.push(item.slice(0, keep));
    rest = comma < 0 ? null : rest.slice(comma + 1);
  }
  return out;
}

function parseMonthDays(text: string, ctx: ExtensionContext, at: RawOption): Set<number> | null {
  const days = new Set<number>();
  for (const item of segments(text, 2)) {
    const r = cStrtoul(item, 0);
    if ((r.rest !== '' && r.rest[0] !== ',') || r.value > 31) {
      ctx.error(`${item} is not a valid day for --monthdays`, at);
      return null;
    }
    // Day 0 only sets a bit the kernel never tests (and iptables-save cannot print).
    if (r.value === 0) {
      ctx.error(`${item} is not a valid day for --monthdays (days are 1-31)`, at);
      return null;
    }
    days.add(r.value);
  }
  return days;
}

function parseWeekDays(text: string, ctx: ExtensionContext, at: RawOption): Set<number> | null {
  const days = new Set<number>();
  for (const item of segments(text, 3)) {
    const r = cStrtoul(item, 0);
    if (r.rest === '') {
      if (r.value === 0) {
        ctx.error('No, the week does NOT begin with Sunday.', at);
        return null;
      }
      if (r.value > 7) {
        ctx.error(`${item} is not a valid day specifier (days are 1-7)`, at);
        return null;
      }
      days.add(r.value);
      continue;
    }
    // libxt_time compares the first two letters only, case-sensitively.
    const i = WEEK_DAYS.findIndex((d) => item.slice(0, 2) === d.slice(0, 2) && item.length >= 2);
    if (i < 0) {
      ctx.error(`${item} is not a valid day specifier`, at);
      return null;
    }
    days.add(i + 1);
  }
  return days;
}

const OPTIONS: readonly XtOption[] = [
  { name: 'datestart', args: 1 },
  { name: 'datestop', args: 1 },
  { name: 'timestart', args: 1 },
  { name: 'timestop', args: 1 },
  { name: 'contiguous', args: 0 },
  { name: 'weekdays', args: 1, invertible: true },
  { name: 'monthdays', args: 1, invertible: true },
  { name: 'localtz', args: 0, excl: ['utc'] },
  { name: 'utc', args: 0, excl: ['localtz', 'kerneltz'] },
  { name: 'kerneltz', args: 0, excl: ['utc'] },
];

export const timeMatch: ExtensionDef<TimeOptions> = {
  kind: 'match',
  name: 'time',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('time', raw, OPTIONS, ctx)) return null;
    let dateStart = 0;
    let dateStop = DEFAULT_DATE_STOP;
    let dayTimeStart = 0;
    let dayTimeStop = MAX_DAYTIME;
    let monthDays = ALL_MONTH_DAYS;
    let weekDays = ALL_WEEK_DAYS;
    let kernelTz = false;
    let contiguous = false;
    for (const opt of raw) {
      const arg = opt.args[0];
      switch (opt.name) {
        case 'datestart':
        case 'datestop': {
          const t = parseDate(arg);
          if (t === null) {
            ctx.error(`Invalid date "${arg}" specified. Should be YYYY[-MM[-DD[Thh[:mm[:ss]]]]]`, opt);
            return null;
          }
          if (opt.name === 'datestart') dateStart = t;
          else dateStop = t;
          break;
        }
        case 'timestart':
        case 'timestop': {
          const t = parseDayTime(arg);
          if (t === null) {
            ctx.error(`invalid time "${arg}" specified, should be hh:mm[:ss] format and within the boundaries`, opt);
            return null;
          }
          if (opt.name === 'timestart') dayTimeStart = t;
          else dayTimeStop = t;
          break;
        }
        case 'monthdays': {
          const days = parseMonthDays(arg, ctx, opt);
          if (!days) return null;
          monthDays = ALL_MONTH_DAYS.filter((d) => days.has(d) !== opt.negated);
          break;
        }
        case 'weekdays': {
          const days = parseWeekDays(arg, ctx, opt);
          if (!days) return null;
          weekDays = ALL_WEEK_DAYS.filter((d) => days.has(d) !== opt.negated);
          break;
        }
        case 'localtz':
          ctx.warn('--localtz is being replaced by --kerneltz, since "local" is ambiguous', opt);
          kernelTz = true;
          break;
        case 'kerneltz':
          kernelTz = true;
          break;
        case 'contiguous':
          contiguous = true;
          break;
      }
    }
    if (contiguous && dayTimeStart < dayTimeStop) {
      ctx.error('time: --contiguous only makes sense when stoptime is smaller than starttime');
      return null;
    }
    return { dateStart, dateStop, dayTimeStart, dayTimeStop, monthDays, weekDays, kernelTz, contiguous };
  },
  save(o) {
    const parts: string[] = [];
    const clock = (t: number): string =>
      [Math.floor(t / 3600), Math.floor(t / 60) % 60, t % 60].map((n) => String(n).padStart(2, '0')).join(':');
    const date = (t: number): string => new Date(t * 1000).toISOString().slice(0, 19);
    if (o.dayTimeStart !== 0 || o.dayTimeStop !== MAX_DAYTIME) {
      parts.push(`--timestart ${clock(o.dayTimeStart)}`, `--timestop ${clock(o.dayTimeStop)}`);
    }
    if (o.monthDays.length !== 31) parts.push(`--monthdays ${o.monthDays.join(',')}`);
    if (o.weekDays.length !== 7) parts.push(`--weekdays ${o.weekDays.map((d) => WEEK_DAYS[d - 1]).join(',')}`);
    if (o.dateStart !== 0) parts.push(`--datestart ${date(o.dateStart)}`);
    if (o.dateStop !== 0) parts.push(`--datestop ${date(o.dateStop)}`);
    if (o.kernelTz) parts.push('--kerneltz');
    if (o.contiguous) parts.push('--contiguous');
    return parts.join(' ');
  },
};
