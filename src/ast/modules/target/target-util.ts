/**
 * Helpers shared by the target extensions: the generic option bookkeeping that libxtables'
 * xtables_option_parse / xtables_options_fcheck does for every extension (use-once, mandatory,
 * mutually exclusive and co-required options), and its number parsers (xtables_strtoul with an
 * end pointer, `value/mask`), so each target only writes what is special about it.
 */
import ipaddr from 'ipaddr.js';
import type { CoreSelectors, Family, RawOption, Target } from '../../types.js';
import type { ExtensionContext, OptionSpec } from '../extension.js';

/** An option with the constraints of its xt_option_entry (XTOPT_MAND, XTOPT_MULTI, .excl, .also). */
export interface TargetOption extends OptionSpec {
  readonly mandatory?: boolean;
  /** May be given more than once (later values win or accumulate, as the extension decides). */
  readonly multi?: boolean;
  /** Options that may not be combined with this one. */
  readonly excl?: readonly string[];
  /** Options this one requires. */
  readonly also?: readonly string[];
}

/**
 * Reports what xtables_option_parse and xtables_options_fcheck would refuse. Returns false when
 * something was reported, so `parse` can give up with null.
 */
export function checkOptions(
  ext: string,
  raw: readonly RawOption[],
  options: readonly TargetOption[],
  ctx: ExtensionContext,
): boolean {
  let ok = true;
  const seen = new Set<string>();
  for (const o of raw) {
    const spec = options.find((s) => s.name === o.name);
    if (seen.has(o.name) && !spec?.multi) {
      ctx.error(`${ext}: option "--${o.name}" can only be used once.`, o);
      ok = false;
    }
    seen.add(o.name);
  }
  for (const spec of options) {
    if (spec.mandatory && !seen.has(spec.name)) {
      ctx.error(`${ext}: option "--${spec.name}" must be specified`);
      ok = false;
    }
    if (!seen.has(spec.name)) continue;
    for (const other of spec.also ?? []) {
      if (!seen.has(other)) {
        ctx.error(`${ext}: option "--${spec.name}" also requires "--${other}".`);
        ok = false;
      }
    }
    for (const other of spec.excl ?? []) {
      if (other !== spec.name && seen.has(other)) {
        ctx.error(`${ext}: option "--${spec.name}" cannot be used together with "--${other}".`);
        ok = false;
      }
    }
  }
  return ok;
}

export interface PrefixNumber {
  readonly value: number;
  /** What follows the number (C's `*end`). */
  readonly rest: string;
}

export { strtoulPrefix } from '../values.js';
import { strtoulPrefix } from '../values.js';

/** xtables_strtoul without an end pointer: the whole text is one number in [min, max]. */
export function xtUint(text: string, min: number, max: number): number | null {
  const n = strtoulPrefix(text);
  if (!n || n.rest !== '' || n.value < min || n.value > max) return null;
  return n.value;
}

/** xtables_strtoul with an end pointer: a number in [min, max] at the start, and what follows. */
export function xtUintPrefix(text: string, min: number, max: number): PrefixNumber | null {
  const n = strtoulPrefix(text);
  if (!n || n.value < min || n.value > max) return null;
  return n;
}

export const UINT8_MAX = 0xff;
export const UINT16_MAX = 0xffff;
export const UINT32_MAX = 0xffffffff;

/** An XTTYPE_UINT8/16/32 option value, reported as libxtables words it when bad. */
export function optionUint(
  ext: string,
  o: RawOption,
  min: number,
  max: number,
  ctx: ExtensionContext,
): number | null {
  const value = xtUint(o.args[0] ?? '', min, max);
  if (value === null) {
    ctx.error(`${ext}: bad value for option "--${o.name}", or out of range (${min}-${max}).`, o);
  }
  return value;
}

export interface MarkMask {
  readonly value: number;
  readonly mask: number;
}

/** XTTYPE_MARKMASK32 (xtables_parse_val_mask): `VALUE[/MASK]`, the mask defaulting to all ones. */
export function optionMarkMask(ext: string, o: RawOption, ctx: ExtensionContext): MarkMask | null {
  const text = o.args[0] ?? '';
  const bad = (): null => {
    ctx.error(`${ext}: bad integer value for option "--${o.name}", or out of range.`, o);
    return null;
  };
  const value = xtUintPrefix(text, 0, UINT32_MAX);
  if (!value) return bad();
  if (value.rest === '') return { value: value.value, mask: UINT32_MAX };
  if (!value.rest.startsWith('/')) {
    ctx.error(`${ext}: trailing garbage after value for option "--${o.name}".`, o);
    return null;
  }
  const mask = xtUintPrefix(value.rest.slice(1), 0, UINT32_MAX);
  if (!mask) return bad();
  if (mask.rest !== '') {
    ctx.error(`${ext}: trailing garbage after value for option "--${o.name}".`, o);
    return null;
  }
  return { value: value.value, mask: mask.value };
}

/** `0x1f`, `0x001f` with `width` digits (C's `0x%0Nx`). */
export function hexWidth(n: number, width = 1): string {
  return '0x' + (n >>> 0).toString(16).padStart(width, '0');
}

/** A string option copied into a fixed kernel buffer of `size` bytes: longer text is cut, as strncpy does. */
export function fitBuffer(ext: string, o: RawOption, size: number, ctx: ExtensionContext): string {
  const text = o.args[0] ?? '';
  if (Buffer.byteLength(text) < size) return text;
  ctx.warn(`${ext}: "--${o.name}" is longer than ${size - 1} bytes; the kernel keeps only the first ${size - 1}`, o);
  let cut = text;
  while (Buffer.byteLength(cut) > size - 1) cut = cut.slice(0, -1);
  return cut;
}

/** The rule's `-p` number when it is given and not negated (what a kernel `.proto` check accepts). */
export function positiveProtocol(core: CoreSelectors): number | null {
  return core.protocol && !core.protocol.negated ? core.protocol.value.number : null;
}

/** The kernel's `.proto` restriction of a target (xt_check_target). */
export function requireProtocol(ext: string, proto: number, ctx: ExtensionContext): boolean {
  if (positiveProtocol(ctx.core) === proto) return true;
  ctx.error(`${ext} target: only valid for protocol ${proto}`);
  return false;
}

/** A numeric address of the family (no name resolution: a ruleset file must not depend on DNS). */
export function parseNumericHost(text: string, family: Family): number[] | null {
  if (family === 4) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text) || !ipaddr.IPv4.isValidFourPartDecimal(text)) return null;
    return ipaddr.IPv4.parse(text).toByteArray();
  }
  if (!ipaddr.IPv6.isValid(text) || text.includes('%')) return null;
  return ipaddr.IPv6.parse(text).toByteArray();
}

/** inet_ntop of address bytes. */
export function formatHost(bytes: readonly number[]): string {
  return bytes.length === 4 ? new ipaddr.IPv4([...bytes]).toString() : ipaddr.fromByteArray([...bytes]).toString();
}

/** Canonical text of a numeric address, or null when it is not one of the family. */
export function canonicalHost(text: string, family: Family): string | null {
  const bytes = parseNumericHost(text, family);
  return bytes ? formatHost(bytes) : null;
}

/** Builds the type guard the evaluator uses to read a target's typed options. */
export function targetGuard<O>(...names: string[]): (t: Target | null | undefined) => t is Target<O> {
  return (t): t is Target<O> => !!t && t.kind === 'extension' && t.known && names.includes(t.name);
}
