/**
 * Shared pieces of the state / metadata match extensions (conntrack, limit, recent, …):
 * libxtables' option-table rules (an option once, mandatory options, exclusive and
 * co-required options), its integer and range readers, host[/mask] values stored unmasked,
 * and the hook restriction the kernel applies to some matches.
 */
import { bytesToAddress, hostMaskSuffix, parseHostMask as parseHostMaskText, prefixOfMask, type HostMask } from '../../../net/address.js';
import type { Family, Match, RawOption } from '../../types.js';
import type { ExtensionContext, OptionSpec } from '../extension.js';
import { parsePort } from '../values.js';

/** An option as libxtables' xt_option_entry table describes it (getopt part + final checks). */
export interface XtOption extends OptionSpec {
  /** XTOPT_MAND: the extension refuses the rule without it. */
  readonly mandatory?: boolean;
  /** XTOPT_MULTI: may be given more than once (everything else may not). */
  readonly multi?: boolean;
  /** Options that may not be combined with this one. */
  readonly excl?: readonly string[];
  /** Options this one requires. */
  readonly also?: readonly string[];
}

/**
 * Applies the table rules libxtables enforces for every x6 extension, in the order iptables
 * reports them: repeats while reading, then mandatory / exclusive / co-required options.
 */
export function checkOptionTable(
  module: string,
  raw: readonly RawOption[],
  table: readonly XtOption[],
  ctx: ExtensionContext,
): boolean {
  const seen = new Set<string>();
  for (const opt of raw) {
    const spec = table.find((t) => t.name === opt.name);
    if (seen.has(opt.name) && !spec?.multi) {
      ctx.error(`${module}: option "--${opt.name}" can only be used once.`, opt);
      return false;
    }
    seen.add(opt.name);
  }
  for (const spec of table) {
    if (spec.mandatory && !seen.has(spec.name)) {
      ctx.error(`${module}: option "--${spec.name}" must be specified`);
      return false;
    }
    if (!seen.has(spec.name)) continue;
    for (const other of spec.also ?? []) {
      if (!seen.has(other)) {
        ctx.error(`${module}: option "--${spec.name}" also requires "--${other}".`);
        return false;
      }
    }
    for (const other of spec.excl ?? []) {
      if (seen.has(other)) {
        ctx.error(`${module}: option "--${spec.name}" cannot be used together with "--${other}".`);
        return false;
      }
    }
  }
  return true;
}

/** The last occurrence of an option (x6 extensions refuse repeats before this is asked). */
export function lastOption(raw: readonly RawOption[], name: string): RawOption | undefined {
  for (let i = raw.length - 1; i >= 0; i--) if (raw[i].name === name) return raw[i];
  return undefined;
}

/**
 * strtoumax's prefix reading with base 0 (or a fixed base): leading blanks, optional `+`,
 * `0x` hex, leading-zero octal. Returns the value and the unread rest, or null when no digit
 * was read. A leading `-` is refused, as xtables_strtoul does.
 */
export function strtoulPrefix(text: string, base: 0 | 10 | 16 = 0): { value: bigint; rest: string } | null {
  let i = 0;
  while (i < text.length && /\s/.test(text[i])) i++;
  if (text[i] === '-') return null;
  if (text[i] === '+') i++;
  let radix: number = base;
  if ((radix === 0 || radix === 16) && /^0[xX][0-9a-fA-F]/.test(text.slice(i))) {
    radix = 16;
    i += 2;
  } else if (radix === 0) {
    radix = text[i] === '0' ? 8 : 10;
  }
  const digits = radix === 16 ? /^[0-9a-fA-F]+/ : radix === 8 ? /^[0-7]+/ : /^[0-9]+/;
  const m = digits.exec(text.slice(i));
  if (!m) return null;
  const value = radix === 10 ? BigInt(m[0]) : BigInt((radix === 16 ? '0x' : '0o') + m[0]);
  return { value, rest: text.slice(i + m[0].length) };
}

/** xtables_strtoul on the whole text, within [min, max] (unsigned 64-bit at most). */
export function parseXtUInt64(text: string, min = 0n, max = 0xffffffffffffffffn): bigint | null {
  const r = strtoulPrefix(text);
  if (!r || r.rest !== '' || r.value > 0xffffffffffffffffn) return null;
  return r.value >= min && r.value <= max ? r.value : null;
}

/** xtables_strtoui on the whole text, within [min, max] (unsigned 32-bit). */
export function parseXtUInt(text: string, min = 0, max = 0xffffffff): number | null {
  const v = parseXtUInt64(text, BigInt(min), BigInt(max));
  return v === null ? null : Number(v);
}

/**
 * `FROM[:TO]` as libxtables reads XTTYPE_UINT*RC options: an empty side takes the type's
 * bound, TO may not be below FROM. `count` is how many components were written.
 */
export function parseUIntRange(
  text: string,
  max: bigint,
): { from: bigint; to: bigint; count: number } | null {
  const parts = text.split(':');
  if (parts.length > 2) return null;
  const values: bigint[] = [];
  let lower = 0n;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === '') {
      values.push(i === 1 ? max : lower);
      continue;
    }
    const v = parseXtUInt64(part, lower, max);
    if (v === null) return null;
    values.push(v);
    lower = v;
  }
  return { from: values[0], to: values.length > 1 ? values[1] : values[0], count: values.length };
}

export interface PortSpan {
  readonly from: number;
  readonly to: number;
}

/** XTTYPE_PORTRC: `PORT`, `FROM:TO`, `:TO`, `FROM:` with service names; a descending range is refused. */
export function parsePortSpan(text: string): PortSpan | null {
  const parts = text.split(':');
  if (parts.length > 2) return null;
  const values: number[] = [0, 65535];
  let prev = 0;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === '') continue;
    const port = parsePort(parts[i]);
    if (port === null || port < prev) return null;
    values[i] = port;
    prev = port;
  }
  if (parts.length === 1) values[1] = values[0];
  return { from: values[0], to: values[1] };
}

/** `80` or `1000:2000`, as the conntrack/ipvs save functions print ports. */
export function formatPortSpan(p: PortSpan): string {
  return p.from === p.to ? String(p.from) : `${p.from}:${p.to}`;
}

export type { HostMask } from '../../../net/address.js';
export { parseMaskBytes } from '../../../net/address.js';

/** XTTYPE_HOSTMASK / XTTYPE_HOST (`allowMask` false): `ADDR[/MASK]`, numeric only (netfate resolves no names). */
export function parseHostMask(text: string, family: Family, allowMask = true): HostMask | null {
  if (!allowMask && text.includes('/')) return null;
  const parsed = parseHostMaskText(text, family);
  return typeof parsed === 'string' ? null : parsed;
}

/** The address as iptables-save prints it: no suffix for a host mask, `/N`, or `/MASK`. */
export function formatHostMask(h: HostMask): string {
  return h.address + hostMaskSuffix(h);
}

/** Mask bytes to their canonical text and prefix. */
export function maskInfo(bytes: number[], family: Family): { mask: string; prefix: number | null } {
  return { mask: bytesToAddress(family, bytes), prefix: prefixOfMask(bytes) };
}

/**
 * Matches the kernel only lets builtin chains of some hooks use (xt_match.hooks). A rule in a
 * user chain is checked by the kernel when a jump reaches it; that is not known here.
 */
export function checkHooks(module: string, hooks: readonly string[], ctx: ExtensionContext): boolean {
  const builtin = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];
  if (builtin.includes(ctx.chain) && !hooks.includes(ctx.chain)) {
    ctx.error(`${module} match may only be used from ${hooks.join(', ')} (the kernel refuses it in ${ctx.chain})`);
    return false;
  }
  return true;
}

/** Matches whose kernel module only registers for some tables (xt_match.table / checkentry). */
export function checkTables(module: string, tables: readonly string[], ctx: ExtensionContext): boolean {
  if (!tables.includes(ctx.table)) {
    ctx.error(`${module} match may only be used in the ${tables.join(' or ')} table (the kernel refuses it in ${ctx.table})`);
    return false;
  }
  return true;
}

/**
 * Truncates a string to what a fixed-size char array of the kernel struct keeps (size - 1
 * bytes of UTF-8), as libxtables does silently; reports a warning when it cuts.
 */
export function fitCString(value: string, size: number, ctx: ExtensionContext, at: RawOption, what: string): string {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length < size) return value;
  ctx.warn(`${what} is longer than ${size - 1} bytes: iptables keeps only the first ${size - 1}`, at);
  return bytes.subarray(0, size - 1).toString('utf8');
}

/** A match of the given module, parsed by netfate (type guards build on it). */
export function isKnownMatch(m: Match, module: string): boolean {
  return m.known && m.module === module;
}

/** C's strncasecmp(text, word, text.length) == 0: `text` is a case-blind prefix of `word`. */
export function isPrefixOf(text: string, word: string): boolean {
  return text.length <= word.length && word.slice(0, text.length).toLowerCase() === text.toLowerCase();
}

/** strtod on the whole text (decimal or hex float); null for garbage, infinities and NaN. */
export function parseDouble(text: string): number | null {
  const t = text.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)$/.exec(t);
  if (hex && (hex[2] || hex[3])) {
    const int = hex[2] ? parseInt(hex[2], 16) : 0;
    const frac = hex[3] ? parseInt(hex[3], 16) / 16 ** hex[3].length : 0;
    return (hex[1] === '-' ? -1 : 1) * (int + frac);
  }
  return null;
}

/** C's atoi/atoll: optional blanks and sign, then as many digits as there are (0 if none). */
export function atoll(text: string): bigint {
  const m = /^\s*([+-]?)(\d*)/.exec(text);
  if (!m || m[2] === '') return 0n;
  const v = BigInt(m[2]);
  return m[1] === '-' ? -v : v;
}
