/**
 * `-m quota`: matches until the rule has seen this many bytes (the counter lives in the
 * kernel and goes down as packets pass).
 */
import type { Match } from '../../types.js';
import { bang, type ExtensionDef } from '../extension.js';
import { checkOptionTable, isKnownMatch, lastOption, parseXtUInt64, type XtOption } from './state-util.js';

export interface QuotaOptions {
  /** Bytes, as decimal text (unsigned 64-bit). */
  readonly bytes: string;
  /** Matches once the quota is used up instead of while it lasts. */
  readonly negated: boolean;
}

export function isQuotaMatch(m: Match): m is Match<QuotaOptions> {
  return isKnownMatch(m, 'quota');
}

const OPTIONS: readonly XtOption[] = [{ name: 'quota', args: 1, invertible: true, mandatory: true }];

export const quotaMatch: ExtensionDef<QuotaOptions> = {
  kind: 'match',
  name: 'quota',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('quota', raw, OPTIONS, ctx)) return null;
    const opt = lastOption(raw, 'quota')!;
    const v = parseXtUInt64(opt.args[0]);
    if (v === null) {
      ctx.error('quota: bad value for option "--quota", or out of range (0-18446744073709551615).', opt);
      return null;
    }
    return { bytes: String(v), negated: opt.negated };
  },
  save(o) {
    return `${bang(o.negated)}--quota ${o.bytes}`;
  },
};
