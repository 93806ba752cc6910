/**
 * `-m string` (libxt_string, revision 1): a byte pattern searched in the packet between two
 * offsets with a kernel text-search algorithm. iptables-save prints the pattern as
 * `--hex-string` when it has a non-printable byte (or ends in a backslash), else `--string`.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, parseIntOption, U16 } from './packet-util.js';

export type StringAlgorithm = 'bm' | 'kmp';

export interface StringOptions {
  /** The pattern bytes (0-255 each). */
  readonly pattern: Negatable<readonly number[]>;
  readonly algorithm: StringAlgorithm;
  readonly from: number;
  readonly to: number;
  readonly ignoreCase: boolean;
}

export const isStringMatch = matchGuard<StringOptions>('string');

/** XT_STRING_MAX_PATTERN_SIZE */
const MAX_PATTERN = 128;
/**
 * The textsearch algorithms the kernel can run on a byte pattern. (ts_fsm exists too, but it
 * takes a token program, so a pattern from iptables is always refused by it.)
 */
const ALGORITHMS: readonly StringAlgorithm[] = ['bm', 'kmp'];

function utf8(text: string): number[] {
  return [...Buffer.from(text, 'utf8')];
}

/** `--hex-string`: literal text with `|hex bytes|` blocks and `\x` escapes. */
export function parseHexString(text: string): number[] | string {
  const s = utf8(text);
  if (s.length === 0) return 'STRING must contain at least one char';
  const out: number[] = [];
  const ch = (i: number): string => (i < s.length ? String.fromCharCode(s[i]) : '\0');
  let i = 0;
  let hex = false;
  let literal = false;
  while (i < s.length) {
    if (out.length >= MAX_PATTERN) return `STRING too long "${text}"`;
    if (ch(i) === '\\' && !hex) {
      literal = true;
    } else if (ch(i) === '\\') {
      return 'Cannot include literals in hex data';
    } else if (ch(i) === '|') {
      if (hex) hex = false;
      else {
        hex = true;
        while (ch(i + 1) === ' ') i++;
      }
      if (i + 1 >= s.length) break;
      i++;
    }
    if (literal) {
      if (i + 1 >= s.length) return 'Bad literal placement at end of string';
      out.push(s[i + 1]);
      i += 2;
      literal = false;
    } else if (hex) {
      if (i + 1 >= s.length) return 'Odd number of hex digits';
      if (i + 2 >= s.length) return 'Invalid hex block';
      for (const k of [i, i + 1]) if (!/[0-9a-fA-F]/.test(ch(k))) return `Invalid hex char '${ch(k)}'`;
      out.push(parseInt(ch(i) + ch(i + 1), 16));
      i += ch(i + 2) === ' ' ? 3 : 2;
    } else {
      out.push(s[i]);
      i++;
    }
  }
  return out;
}

function isPrintable(b: number): boolean {
  return b >= 0x20 && b < 0x7f;
}

export const stringMatch: ExtensionDef<StringOptions> = {
  kind: 'match',
  name: 'string',
  options: [
    { name: 'from', args: 1 },
    { name: 'to', args: 1 },
    { name: 'algo', args: 1 },
    { name: 'string', args: 1, invertible: true },
    { name: 'hex-string', args: 1, invertible: true },
    { name: 'icase', args: 0 },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('string', options, ctx, { exclusive: [['string', 'hex-string']], mandatory: ['algo'] })) return null;
    let pattern: Negatable<readonly number[]> | null = null;
    let algorithm = '';
    let from = 0;
    let to = U16;
    let ignoreCase = false;
    for (const o of options) {
      switch (o.name) {
        case 'from':
        case 'to': {
          const n = parseIntOption(o, 'string', 0, U16, ctx);
          if (n === null) return null;
          if (o.name === 'from') from = n;
          else to = n;
          break;
        }
        case 'algo':
          algorithm = o.args[0];
          break;
        case 'string': {
          const bytes = utf8(o.args[0]);
          if (bytes.length > MAX_PATTERN) {
            ctx.error(`STRING too long "${o.args[0]}"`, o);
            return null;
          }
          pattern = { value: bytes, negated: o.negated };
          break;
        }
        case 'hex-string': {
          const bytes = parseHexString(o.args[0]);
          if (typeof bytes === 'string') {
            ctx.error(bytes, o);
            return null;
          }
          pattern = { value: bytes, negated: o.negated };
          break;
        }
        case 'icase':
          ignoreCase = true;
          break;
      }
    }
    if (!pattern) {
      ctx.error("STRING match: You must specify `--string' or `--hex-string'");
      return null;
    }
    if (!(ALGORITHMS as readonly string[]).includes(algorithm)) {
      ctx.error(`string match: unknown algorithm "${algorithm}" (the kernel takes bm or kmp)`);
      return null;
    }
    if (pattern.value.length === 0) {
      ctx.error('string match: the pattern is empty');
      return null;
    }
    if (from > to) {
      ctx.error('string match: --from is beyond --to');
      return null;
    }
    return { pattern, algorithm: algorithm as StringAlgorithm, from, to, ignoreCase };
  },
  save(o) {
    const bytes = o.pattern.value;
    const hex = bytes.some((b) => !isPrintable(b)) || bytes[bytes.length - 1] === 0x5c;
    const text = hex
      ? `--hex-string "|${bytes.map((b) => b.toString(16).padStart(2, '0')).join('')}|"`
      : `--string "${String.fromCharCode(...bytes).replace(/["\\]/g, (c) => '\\' + c)}"`;
    const parts = [`${bang(o.pattern.negated)}${text}`, `--algo ${o.algorithm}`];
    if (o.from !== 0) parts.push(`--from ${o.from}`);
    if (o.to !== U16) parts.push(`--to ${o.to}`);
    if (o.ignoreCase) parts.push('--icase');
    return parts.join(' ');
  },
};
