/**
 * `-m u32` (libxt_u32): tests on 32-bit words read at computed offsets. The expression is
 * parsed into its tests so that the evaluator can run it; iptables-save prints every number
 * in hex.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, strtoulPrefix, U32 } from './packet-util.js';

/** How a location step combines with the value so far. */
export type U32Op = 'and' | 'shl' | 'shr' | 'at';

export interface U32Test {
  /** First number, then operator/number steps. */
  readonly start: number;
  readonly steps: readonly { readonly op: U32Op; readonly number: number }[];
  /** The word must fall in one of these ranges. */
  readonly values: readonly { readonly min: number; readonly max: number }[];
}

export interface U32Options {
  /** All tests must hold (`&&`). */
  readonly tests: Negatable<readonly U32Test[]>;
}

export const isU32Match = matchGuard<U32Options>('u32');

/** XT_U32_MAXSIZE */
const MAX = 10;

export function parseU32(text: string): U32Test[] | string {
  const tests: U32Test[] = [];
  let locs: number[] = [];
  let ops: U32Op[] = [];
  let values: { min: number; max: number }[] = [];
  let state: 'location' | 'value' = 'location';
  let i = 0;
  const number = (): number | string => {
    const r = strtoulPrefix(text.slice(i));
    if (!r || r.value > U32) return `u32: at char ${i}: not a number or out of range`;
    i = text.length - r.rest.length;
    return r.value;
  };
  const finishTest = (): void => {
    tests.push({ start: locs[0], steps: ops.map((op, k) => ({ op, number: locs[k + 1] })), values });
    locs = [];
    ops = [];
    values = [];
  };
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) {
      if (state === 'location') return 'u32: abrupt end of input after location specifier';
      if (values.length === 0) return 'u32: test ended with no value specified';
      finishTest();
      if (tests.length > MAX) return `u32: at char ${i}: too many "&&"s`;
      return tests;
    }
    const c = text[i];
    if (state === 'location') {
      if (c === '=') {
        if (locs.length === 0) return `u32: at char ${i}: location spec missing`;
        i++;
        state = 'value';
        continue;
      }
      if (locs.length !== 0) {
        if (c === '&') ops.push('and');
        else if (c === '<' || c === '>') {
          i++;
          if (text[i] !== c) return `u32: at char ${i}: a second '${c}' was expected`;
          ops.push(c === '<' ? 'shl' : 'shr');
        } else if (c === '@') ops.push('at');
        else return `u32: at char ${i}: operator expected`;
        i++;
      }
      const n = number();
      if (typeof n === 'string') return n;
      locs.push(n);
      if (locs.length > MAX) return `u32: at char ${i}: too many operators`;
      continue;
    }
    if (c === '&') {
      i++;
      if (text[i] !== '&') return `u32: at char ${i}: a second '&' was expected`;
      if (values.length === 0) return `u32: at char ${i}: value spec missing`;
      finishTest();
      if (tests.length > MAX) return `u32: at char ${i}: too many "&&"s`;
      i++;
      state = 'location';
      continue;
    }
    if (values.length > 0) {
      if (c !== ',') return `u32: at char ${i}: expected "," or "&&"`;
      i++;
    }
    const min = number();
    if (typeof min === 'string') return min;
    while (i < text.length && /\s/.test(text[i])) i++;
    let max = min;
    if (text[i] === ':') {
      i++;
      const m = number();
      if (typeof m === 'string') return m;
      max = m;
    }
    values.push({ min, max });
    if (values.length > MAX) return `u32: at char ${i}: too many ","s`;
  }
}

const OP_TEXT: Readonly<Record<U32Op, string>> = { and: '&', shl: '<<', shr: '>>', at: '@' };
const h = (n: number): string => '0x' + n.toString(16);

export function formatU32(tests: readonly U32Test[]): string {
  return tests
    .map((t) => {
      const loc = h(t.start) + t.steps.map((s) => OP_TEXT[s.op] + h(s.number)).join('');
      const vals = t.values.map((v) => (v.min === v.max ? h(v.min) : `${h(v.min)}:${h(v.max)}`)).join(',');
      return `${loc}=${vals}`;
    })
    .join('&&');
}

export const u32Match: ExtensionDef<U32Options> = {
  kind: 'match',
  name: 'u32',
  options: [{ name: 'u32', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('u32', options, ctx, { mandatory: ['u32'] })) return null;
    const o = options[0];
    const tests = parseU32(o.args[0]);
    if (typeof tests === 'string') {
      ctx.error(tests, o);
      return null;
    }
    return { tests: { value: tests, negated: o.negated } };
  },
  save(o) {
    // Always in double quotes, whatever the content (u32_dump).
    return `${bang(o.tests.negated)}--u32 "${formatU32(o.tests.value)}"`;
  },
};
