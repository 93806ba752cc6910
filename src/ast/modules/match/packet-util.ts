/**
 * Helpers shared by the packet-header matches: libxtables' number parsers (xtables_strtoul,
 * the `*RC` range types, `XTTYPE_PORTRC`), its option bookkeeping (used-once, exclusions,
 * mandatory options) and the kernel-side checks every match repeats (protocol, hook).
 * Each parser returns null or an error message instead of throwing, so callers report
 * through `ctx.error` with the wording iptables uses.
 */
import type { ExtensionContext } from '../extension.js';
import type { Match, Negatable, RawOption } from '../../types.js';
import { isBuiltinChain } from '../../types.js';
import { protocolName } from '../../../net/protocols.js';
import { servicePort } from '../../../net/services.js';

export const U8 = 0xff;
export const U16 = 0xffff;
export const U32 = 0xffffffff;

/** A closed range of unsigned numbers (`from` <= `to`). */
export interface NumRange {
  readonly from: number;
  readonly to: number;
}

/** Builds the type guard the evaluator uses to pick a module's typed options. */
export function matchGuard<O>(module: string): (m: Match) => m is Match<O> {
  return (m: Match): m is Match<O> => m.known && m.module === module;
}

export function negatable<T>(value: T, raw: RawOption): Negatable<T> {
  return { value, negated: raw.negated };
}

export { strtoulPrefix } from '../values.js';
import { strtoulPrefix } from '../values.js';

/** xtables_strtoul with a NULL end pointer: the whole text is one number within [min, max]. */
export function strtoulStrict(text: string, min: number, max: number, base: 0 | 10 | 16 = 0): number | null {
  const r = strtoulPrefix(text, base);
  if (!r || r.rest !== '' || r.value < min || r.value > max) return null;
  return r.value;
}

/**
 * XTTYPE_UINT*RC (xtopt_parse_mint) with two components: `N`, `N:M`, `N:`, `:M`, `:`.
 * A missing bound is `min` / `max`; the second value may not be below the first.
 */
export function parseMintRange(text: string, min: number, max: number, ext: string, opt: string): NumRange | string {
  const parts: number[] = [];
  let arg = text;
  let low = min;
  for (;;) {
    if (parts.length === 2) return `${ext}: Too many components for option "--${opt}" (max: 2)`;
    let value: number;
    let rest: string;
    if (arg === '' || arg[0] === ':') {
      value = parts.length === 1 ? max : min;
      rest = arg;
    } else {
      const r = strtoulPrefix(arg);
      if (!r || r.value < low || r.value > max) {
        return `${ext}: bad value for option "--${opt}" near "${arg}", or out of range (${low}-${max}).`;
      }
      if (r.rest !== '' && r.rest[0] !== ':') {
        return `${ext}: Argument to "--${opt}" has unexpected characters near "${r.rest}".`;
      }
      value = r.value;
      rest = r.rest;
      low = value;
    }
    parts.push(value);
    if (rest === '') break;
    arg = rest.slice(1);
  }
  return { from: parts[0], to: parts.length === 2 ? parts[1] : parts[0] };
}

/** XTTYPE_UINT8/16/32 (xtopt_parse_int): one number in [min, max]. */
export function parseIntOption(raw: RawOption, ext: string, min: number, max: number, ctx: ExtensionContext): number | null {
  const v = strtoulStrict(raw.args[0] ?? '', min, max);
  if (v === null) {
    ctx.error(`${ext}: bad value for option "--${raw.name}", or out of range (${min}-${max}).`, raw);
  }
  return v;
}

/**
 * A port as getaddrinfo reads a service (XTTYPE_PORT/PORTRC): a decimal number, which glibc
 * keeps modulo 2^16 (so 65536 is port 0), or a service name of any protocol.
 */
export function getPortByName(text: string): number | null {
  const m = /^\s*\+?(\d+)$/.exec(text);
  if (m) {
    const n = BigInt(m[1]) & 0xffffffffn;
    if (n >= 0x80000000n) return null;
    return Number(n & 0xffffn);
  }
  return servicePort(text);
}

/** XTTYPE_PORTRC (xtopt_parse_mport): `P`, `P:Q`, `P:`, `:Q`, `:`. */
export function parsePortRC(text: string, ext: string, opt: string): NumRange | string {
  const parts = text.split(':');
  if (parts.length > 2) return `${ext}: Too many components for option "--${opt}" (max: 2)`;
  const range = [0, U16];
  let prev = 0;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === '') continue;
    const port = getPortByName(parts[i]);
    if (port === null) return `Port "${parts[i]}" does not resolve to anything.`;
    if (port < prev) return `Port range ${prev}-${port} is negative.`;
    prev = port;
    range[i] = port;
  }
  if (parts.length === 1) range[1] = range[0];
  return { from: range[0], to: range[1] };
}

/** xtables_parse_port: a number (base 0) up to 65535, or a service name for `proto`. */
export function parsePortNumber(text: string, proto: string): number | null {
  const n = strtoulStrict(text, 0, U16);
  if (n !== null) return n;
  return servicePort(text, proto);
}

/** `P`, `P:Q`, `P:`, `:Q` as the tcp and sctp matches read them (parse_tcp_ports). */
export function parsePortPair(text: string, proto: string): NumRange | string {
  const colon = text.indexOf(':');
  const one = (t: string): number | string => {
    const p = parsePortNumber(t, proto);
    return p === null ? `invalid port/service \`${t}' specified` : p;
  };
  if (colon < 0) {
    const p = one(text);
    return typeof p === 'string' ? p : { from: p, to: p };
  }
  const a = text.slice(0, colon);
  const b = text.slice(colon + 1);
  const from = a === '' ? 0 : one(a);
  if (typeof from === 'string') return from;
  const to = b === '' ? U16 : one(b);
  if (typeof to === 'string') return to;
  if (from > to) return 'invalid portrange (min > max)';
  return { from, to };
}

/** `80` or `1024:65535` */
export function formatRange(r: NumRange): string {
  return r.from === r.to ? String(r.from) : `${r.from}:${r.to}`;
}

/** Whether a range covers every value and is not negated: iptables-save leaves it out. */
export function isFullRange(r: Negatable<NumRange>, max: number): boolean {
  return r.value.from === 0 && r.value.to === max && !r.negated;
}

/**
 * The option bookkeeping of xtables_option_parse / xtables_options_fcheck: each option once
 * (unless `multi`), mutually exclusive options, mandatory ones. Returns false after reporting.
 */
export function checkOptionUse(
  ext: string,
  options: readonly RawOption[],
  ctx: ExtensionContext,
  rules: { multi?: readonly string[]; exclusive?: readonly (readonly string[])[]; mandatory?: readonly string[] } = {},
): boolean {
  const seen = new Set<string>();
  for (const o of options) {
    if (seen.has(o.name) && !rules.multi?.includes(o.name)) {
      ctx.error(`${ext}: option "--${o.name}" can only be used once.`, o);
      return false;
    }
    seen.add(o.name);
  }
  for (const group of rules.exclusive ?? []) {
    const used = group.filter((n) => seen.has(n));
    if (used.length > 1) {
      ctx.error(`${ext}: option "--${used[0]}" cannot be used together with "--${used[1]}".`);
      return false;
    }
  }
  for (const name of rules.mandatory ?? []) {
    if (!seen.has(name)) {
      ctx.error(`${ext}: option "--${name}" must be specified`);
      return false;
    }
  }
  return true;
}

/**
 * The kernel refuses a match registered for one protocol unless the rule has `-p` with that
 * protocol, not inverted (xt_check_match).
 */
export function requireProtocol(ctx: ExtensionContext, ext: string, proto: number, allowNegated = false): boolean {
  const p = ctx.core.protocol;
  if (!p || p.value.number !== proto || (p.negated && !allowNegated)) {
    ctx.error(`${ext} match requires '-p ${protocolName(proto, ctx.family)}'`);
    return false;
  }
  return true;
}

/** The builtin chain (netfilter hook) the rule is in, or null for a user chain (hooks not known here). */
export function ruleHook(ctx: ExtensionContext): string | null {
  return isBuiltinChain(ctx.table, ctx.chain) ? ctx.chain : null;
}

/** Refuses the match outside the hooks the kernel module allows. */
export function requireHooks(ctx: ExtensionContext, ext: string, hooks: readonly string[]): boolean {
  const hook = ruleHook(ctx);
  if (hook !== null && !hooks.includes(hook)) {
    ctx.error(`${ext} match is only valid in ${hooks.join(', ')} (not ${hook})`);
    return false;
  }
  return true;
}

export type { HostMask } from '../../../net/address.js';
export { parseHostMask } from '../../../net/address.js';

/** xtables_ip[6]mask_to_numeric after the address: `` for a host, `/N`, or `/MASK`. */
export { hostMaskSuffix as formatHostMaskSuffix } from '../../../net/address.js';

/** strcasecmp-equality */
export function sameNoCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * xtables_parse_val_mask with a name table (iproute2's rt_realms, group): `VALUE[/MASK]`
 * (numbers base 0) or a name; mask 0xffffffff when none is given.
 */
export function parseValueMaskOrName(
  text: string,
  names: ReadonlyMap<number, string>,
  ext: string,
  opt: string,
): { value: number; mask: number } | string {
  const byName = (): { value: number; mask: number } | string => {
    for (const [id, name] of names) if (name === text) return { value: id, mask: U32 };
    return `${ext}: bad value for option "--${opt}", or out of range.`;
  };
  const v = strtoulPrefix(text);
  if (!v || v.value > U32) return byName();
  if (v.rest === '') return { value: v.value, mask: U32 };
  if (v.rest[0] !== '/') return byName();
  const m = strtoulPrefix(v.rest.slice(1));
  if (!m || m.value > U32) return `${ext}: bad integer value for option "--${opt}", or out of range.`;
  if (m.rest !== '') return `${ext}: trailing garbage after value for option "--${opt}".`;
  return { value: v.value, mask: m.value };
}

/** xtables_print_val_mask: `0xV/0xM`, else the name, else `0xV`. */
export function formatValueMaskOrName(vm: { value: number; mask: number }, names: ReadonlyMap<number, string>): string {
  const h = (n: number): string => '0x' + (n >>> 0).toString(16);
  if (vm.mask !== U32) return `${h(vm.value)}/${h(vm.mask)}`;
  return names.get(vm.value) ?? h(vm.value);
}
