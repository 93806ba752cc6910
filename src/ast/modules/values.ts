/**
 * Value parsers shared by extensions, with iptables' own rules (service names, strtoul). Each
 * returns null on bad input so the caller can word the error as its extension does.
 */
import { servicePort } from '../../net/services.js';

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
