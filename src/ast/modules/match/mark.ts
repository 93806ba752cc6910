/**
 * `-m mark` (packet mark, skb->mark) and the shared `VALUE[/MASK]` reading and printing that
 * `-m connmark` uses too. The packet matches when (mark & mask) == value, or != when negated.
 */
import type { Match, RawOption } from '../../types.js';
import { bang, type ExtensionContext, type ExtensionDef } from '../extension.js';
import { hex } from '../values.js';
import { checkOptionTable, isKnownMatch, lastOption, strtoulPrefix, type XtOption } from './state-util.js';

export interface MarkOptions {
  readonly value: number;
  /** 0xffffffff when no mask was written. */
  readonly mask: number;
  readonly negated: boolean;
}

export function isMarkMatch(m: Match): m is Match<MarkOptions> {
  return isKnownMatch(m, 'mark');
}

/** xtables_parse_val_mask: both parts unsigned 32-bit, any base strtoul accepts. */
export function parseMarkMask(module: string, opt: RawOption, ctx: ExtensionContext): MarkOptions | null {
  const text = opt.args[0];
  const value = strtoulPrefix(text);
  if (!value || value.value > 0xffffffffn) {
    ctx.error(`${module}: bad integer value for option "--${opt.name}", or out of range.`, opt);
    return null;
  }
  let mask = 0xffffffffn;
  if (value.rest !== '') {
    if (!value.rest.startsWith('/')) {
      ctx.error(`${module}: trailing garbage after value for option "--${opt.name}".`, opt);
      return null;
    }
    const m = strtoulPrefix(value.rest.slice(1));
    if (!m || m.value > 0xffffffffn) {
      ctx.error(`${module}: bad integer value for option "--${opt.name}", or out of range.`, opt);
      return null;
    }
    if (m.rest !== '') {
      ctx.error(`${module}: trailing garbage after value for option "--${opt.name}".`, opt);
      return null;
    }
    mask = m.value;
  }
  return { value: Number(value.value), mask: Number(mask), negated: opt.negated };
}

/** xtables_print_val_mask: `0xV` for a full mask, else `0xV/0xM`. */
export function formatMarkMask(value: number, mask: number): string {
  return mask === 0xffffffff ? hex(value) : `${hex(value)}/${hex(mask)}`;
}

export function markLikeMatch(name: 'mark' | 'connmark'): ExtensionDef<MarkOptions> {
  const options: readonly XtOption[] = [{ name: 'mark', args: 1, invertible: true, mandatory: true }];
  return {
    kind: 'match',
    name,
    options,
    parse(raw, ctx) {
      if (!checkOptionTable(name, raw, options, ctx)) return null;
      return parseMarkMask(name, lastOption(raw, 'mark')!, ctx);
    },
    save(o) {
      return `${bang(o.negated)}--mark ${formatMarkMask(o.value, o.mask)}`;
    },
  };
}

export const markMatch = markLikeMatch('mark');
