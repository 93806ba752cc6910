/**
 * Value parsers shared by extensions, with iptables' own rules (xtables_strtoui, port ranges,
 * `value/mask`). Each returns null on bad input so the caller can word the error as its
 * extension does.
 */
import { servicePort } from '../../net/services.js';

/** strtoul with base 0 (decimal, 0x hex, 0 octal), the whole string, within [min, max]. */
export function parseUInt(text: string, min = 0, max = 0xffffffff): number | null {
  let value: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) value = parseInt(text.slice(2), 16);
  else if (/^0[0-7]+$/.test(text)) value = parseInt(text.slice(1), 8);
  else if (/^\d+$/.test(text)) value = Number(text);
  else return null;
  if (!Number.isFinite(value) || value < min || value > max) return null;
  return value;
}

/** A port number or a service name (resolved for `proto` when given). */
export function parsePort(text: string, proto?: string): number | null {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : null;
  }
  return servicePort(text, proto);
}

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** `80`, `1024:`, `:1023`, `1000:2000` (`from` > `to` is refused as iptables does). */
export function parsePortRange(text: string, proto?: string): PortRange | null {
  const colon = text.indexOf(':');
  if (colon < 0) {
    const p = parsePort(text, proto);
    return p === null ? null : { from: p, to: p };
  }
  const a = text.slice(0, colon);
  const b = text.slice(colon + 1);
  const from = a === '' ? 0 : parsePort(a, proto);
  const to = b === '' ? 65535 : parsePort(b, proto);
  if (from === null || to === null || from > to) return null;
  return { from, to };
}

/** `80` or `1024:65535`, as iptables-save prints a port range. */
export function formatPortRange(r: PortRange): string {
  return r.from === r.to ? String(r.from) : `${r.from}:${r.to}`;
}

export interface ValueMask {
  readonly value: number;
  /** 0xffffffff when no mask was given. */
  readonly mask: number;
}

/** `VALUE[/MASK]`, both 32-bit unsigned (marks, connmarks). */
export function parseValueMask(text: string): ValueMask | null {
  const slash = text.indexOf('/');
  const value = parseUInt(slash < 0 ? text : text.slice(0, slash));
  const mask = slash < 0 ? 0xffffffff : parseUInt(text.slice(slash + 1));
  if (value === null || mask === null) return null;
  return { value, mask };
}

/** `0x1f` */
export function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

/**
 * C strtoumax on a prefix of `text` (leading blanks and `+` allowed, `-` refused as
 * xtables_strtoul does). Base 0 reads `0x` hex and leading-zero octal. Returns the value and
 * the unread rest, or null when no digit was read or the value overflows 64 bits.
 */
export function strtoulPrefix(text: string, base: 0 | 10 | 16 = 0): { value: number; rest: string } | null {
  let i = 0;
  while (i < text.length && /\s/.test(text[i])) i++;
  if (text[i] === '-') return null;
  if (text[i] === '+') i++;
  let radix: number = base;
  if ((radix === 0 || radix === 16) && text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && /[0-9a-fA-F]/.test(text[i + 2] ?? '')) {
    i += 2;
    radix = 16;
  } else if (radix === 0) {
    radix = text[i] === '0' ? 8 : 10;
  }
  const digit = radix === 16 ? /[0-9a-fA-F]/ : radix === 8 ? /[0-7]/ : /[0-9]/;
  const start = i;
  while (i < text.length && digit.test(text[i])) i++;
  if (i === start) return null;
  const big = BigInt((radix === 16 ? '0x' : radix === 8 ? '0o' : '') + text.slice(start, i));
  if (big > 0xffffffffffffffffn) return null;
  // Values beyond 2^53 only ever fail range checks, so a rounded number is fine.
  return { value: Number(big), rest: text.slice(i) };
}
