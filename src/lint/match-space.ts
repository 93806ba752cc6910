/**
 * The set of packets a rule matches, as a product of dimensions the linter can compare exactly:
 * source and destination address (interval lists, negation included), interfaces (with `+`
 * wildcards and `!`), protocol, source and destination port (tcp/udp/sctp/dccp/udplite and
 * multiport), conntrack state, and the fragment flag. Every other match is kept as an opaque key
 * (its module and options): a rule only covers another when each of its opaque keys also appears,
 * identically, in the other rule. Matches whose outcome is not a function of the packet (limit,
 * recent, statistic, …) make a rule "uncertain": it covers nothing.
 *
 * Shadowing and redundancy are decided on these sets, never on rule text.
 */
import type { InterfaceName, IpNet, Match, Negatable, Rule } from '../ast/types.js';
import { isCommentMatch } from '../ast/modules/match/comment.js';
import { isConntrackMatch } from '../ast/modules/match/conntrack.js';
import { isStateMatch } from '../ast/modules/match/state.js';
import { isMultiportMatch } from '../ast/modules/match/multiport.js';
import type { NumRange } from '../ast/modules/match/packet-util.js';
import { addressBytes } from '../net/ip.js';
import { isComplete } from './graph.js';

/** Sorted, disjoint, non-adjacent closed intervals. */
export type Intervals = readonly (readonly [bigint, bigint])[];

export interface IfaceSel {
  readonly pattern: InterfaceName;
  readonly negated: boolean;
}

const STATES = ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED'] as const;
const PORT_MODULES = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);
/** Matches that can answer differently for the same packet (rates, counters, randomness, other flows). */
const UNCERTAIN_MODULES = new Set(['limit', 'hashlimit', 'recent', 'statistic', 'quota', 'connlimit', 'connbytes', 'nfacct', 'rateest']);

export interface MatchSpace {
  readonly family: 4 | 6;
  /** null: any. */
  readonly src: Intervals | null;
  readonly dst: Intervals | null;
  readonly inIf: IfaceSel | null;
  readonly outIf: IfaceSel | null;
  /** Protocol numbers 0–255; null: any. */
  readonly proto: Intervals | null;
  readonly sport: Intervals | null;
  readonly dport: Intervals | null;
  /** Conntrack states (of the five a packet can be in); null: any. */
  readonly states: ReadonlySet<string> | null;
  /** true: only non-first fragments; false: only first fragments/unfragmented; null: any. */
  readonly fragment: boolean | null;
  /** Conditions the linter does not model, by canonical key. */
  readonly opaque: ReadonlySet<string>;
  /** Some match may or may not hold for the same packet (limit, recent, …). */
  readonly uncertain: boolean;
}

// ---- intervals ----

function normalize(list: (readonly [bigint, bigint])[]): Intervals {
  const sorted = [...list].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1n) {
      if (hi > last[1]) last[1] = hi;
    } else out.push([lo, hi]);
  }
  return out;
}

function complement(list: Intervals, max: bigint): Intervals {
  const out: [bigint, bigint][] = [];
  let next = 0n;
  for (const [lo, hi] of list) {
    if (lo > next) out.push([next, lo - 1n]);
    next = hi + 1n;
  }
  if (next <= max) out.push([next, max]);
  return out;
}

export function intersect(a: Intervals, b: Intervals): Intervals {
  const out: [bigint, bigint][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = a[i][0] > b[j][0] ? a[i][0] : b[j][0];
    const hi = a[i][1] < b[j][1] ? a[i][1] : b[j][1];
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

/** Every value of `inner` is in `outer`. */
export function isSubset(inner: Intervals, outer: Intervals): boolean {
  let j = 0;
  for (const [lo, hi] of inner) {
    while (j < outer.length && outer[j][1] < lo) j++;
    if (j >= outer.length || outer[j][0] > lo || outer[j][1] < hi) return false;
  }
  return true;
}

function isFull(list: Intervals, max: bigint): boolean {
  return list.length === 1 && list[0][0] === 0n && list[0][1] === max;
}

/** Intersects a dimension with a new constraint; a full result is stored as null (any). */
function constrain(current: Intervals | null, add: Intervals, max: bigint): Intervals | null {
  const next = current === null ? add : intersect(current, add);
  return isFull(next, max) ? null : next;
}

// ---- dimension readers ----

function netIntervals(net: IpNet): Intervals | null {
  if (net.prefix === null) return null;
  const bytes = addressBytes(net.address);
  if (!bytes) return null;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  const bits = BigInt(bytes.length * 8);
  const size = 1n << (bits - BigInt(net.prefix));
  return [[value, value + size - 1n]];
}

function rangeIntervals(r: Negatable<NumRange>, max: bigint): Intervals {
  const list: Intervals = [[BigInt(r.value.from), BigInt(r.value.to)]];
  return r.negated ? complement(list, max) : list;
}

const U16 = 0xffffn;
const PROTO_MAX = 0xffn;

function ifaceAny(sel: IfaceSel): boolean {
  return sel.pattern.wildcard && sel.pattern.name === '' && !sel.negated;
}

/** The packet set of a rule, or null when the rule is not fully known (lost, unparsed, refused). */
export function matchSpace(rule: Rule, family: 4 | 6): MatchSpace | null {
  if (!isComplete(rule)) return null;
  const c = rule.core;
  const addrMax = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
  const opaque = new Set<string>();
  let src: Intervals | null = null;
  let dst: Intervals | null = null;
  for (const [key, sel] of [['src', c.source], ['dst', c.destination]] as const) {
    if (!sel) continue;
    const iv = netIntervals(sel.value);
    if (!iv) {
      opaque.add(`${key}:${sel.negated ? '!' : ''}${sel.value.address}/${sel.value.mask}`);
      continue;
    }
    const value = constrain(null, sel.negated ? complement(iv, addrMax) : iv, addrMax);
    if (key === 'src') src = value;
    else dst = value;
  }
  if (c.sourceName) opaque.add(`srcname:${c.sourceName.negated ? '!' : ''}${c.sourceName.value}`);
  if (c.destinationName) opaque.add(`dstname:${c.destinationName.negated ? '!' : ''}${c.destinationName.value}`);
  const inIf = c.inInterface && !ifaceAny({ pattern: c.inInterface.value, negated: c.inInterface.negated })
    ? { pattern: c.inInterface.value, negated: c.inInterface.negated } : null;
  const outIf = c.outInterface && !ifaceAny({ pattern: c.outInterface.value, negated: c.outInterface.negated })
    ? { pattern: c.outInterface.value, negated: c.outInterface.negated } : null;
  let proto: Intervals | null = null;
  if (c.protocol && c.protocol.value.number !== 0) {
    const n = BigInt(c.protocol.value.number);
    const one: Intervals = [[n, n]];
    proto = constrain(null, c.protocol.negated ? complement(one, PROTO_MAX) : one, PROTO_MAX);
  } else if (c.protocol && c.protocol.value.number === 0 && c.protocol.negated) {
    proto = []; // `! -p all` matches nothing
  }
  let sport: Intervals | null = null;
  let dport: Intervals | null = null;
  let states: Set<string> | null = null;
  let uncertain = false;
  const fragment = c.fragment ? !c.fragment.negated : null;

  const addStates = (list: readonly string[], negated: boolean): void => {
    const named = new Set<string>(list);
    const set = new Set<string>(STATES.filter((s) => named.has(s) !== negated));
    states = states === null ? set : new Set([...states].filter((s) => set.has(s)));
  };

  for (const m of rule.matches) {
    if (isCommentMatch(m)) continue;
    if (!m.known) {
      opaque.add(`${m.module}?${m.args.join(' ')}`);
      continue;
    }
    if (UNCERTAIN_MODULES.has(m.module)) {
      uncertain = true;
      continue;
    }
    if (PORT_MODULES.has(m.module)) {
      const o = m.options as { sport?: Negatable<NumRange>; dport?: Negatable<NumRange> } & Record<string, unknown>;
      if (o.sport) sport = constrain(sport, rangeIntervals(o.sport, U16), U16);
      if (o.dport) dport = constrain(dport, rangeIntervals(o.dport, U16), U16);
      const rest = Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'sport' && k !== 'dport'));
      if (Object.keys(rest).length) opaque.add(`${m.module}:${JSON.stringify(rest)}`);
      continue;
    }
    if (isMultiportMatch(m) && m.options.direction !== 'both') {
      const list = normalize(m.options.ports.value.map((r) => [BigInt(r.from), BigInt(r.to)] as const));
      const iv = m.options.ports.negated ? complement(list, U16) : list;
      if (m.options.direction === 'source') sport = constrain(sport, iv, U16);
      else dport = constrain(dport, iv, U16);
      continue;
    }
    if (isStateMatch(m)) {
      addStates(m.options.states.value, m.options.states.negated);
      continue;
    }
    if (isConntrackMatch(m)) {
      const { state, ...rest } = m.options;
      const natState = state?.value.some((s) => s === 'SNAT' || s === 'DNAT');
      if (state && !natState) addStates(state.value, state.negated);
      const leftover = natState ? m.options : rest;
      if (Object.keys(leftover).length) opaque.add(`conntrack:${JSON.stringify(leftover)}`);
      continue;
    }
    opaque.add(opaqueKey(m));
  }
  return { family, src, dst, inIf, outIf, proto, sport, dport, states, fragment, opaque, uncertain };
}

function opaqueKey(m: Match): string {
  return `${m.module}:${JSON.stringify(m.options)}`;
}

// ---- interfaces ----

/** Names matched by a positive pattern `p` are all matched by positive pattern `q`. */
function patternWithin(p: InterfaceName, q: InterfaceName): boolean {
  if (q.wildcard) return p.name.startsWith(q.name);
  return !p.wildcard && p.name === q.name;
}

/** Some name matches both positive patterns. */
function patternsMeet(p: InterfaceName, q: InterfaceName): boolean {
  if (p.wildcard && q.wildcard) return p.name.startsWith(q.name) || q.name.startsWith(p.name);
  if (p.wildcard) return q.name.startsWith(p.name);
  if (q.wildcard) return p.name.startsWith(q.name);
  return p.name === q.name;
}

function ifaceCovers(outer: IfaceSel | null, inner: IfaceSel | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  if (!outer.negated && !inner.negated) return patternWithin(inner.pattern, outer.pattern);
  if (outer.negated && !inner.negated) return !patternsMeet(inner.pattern, outer.pattern);
  if (outer.negated && inner.negated) return patternWithin(outer.pattern, inner.pattern);
  return false; // a positive pattern never covers "every name but one pattern"
}

function ifaceMeets(a: IfaceSel | null, b: IfaceSel | null): boolean {
  if (a === null || b === null) return true;
  if (!a.negated && !b.negated) return patternsMeet(a.pattern, b.pattern);
  if (a.negated && b.negated) return true; // names outside both patterns always exist
  const [pos, neg] = a.negated ? [b, a] : [a, b];
  return !patternWithin(pos.pattern, neg.pattern);
}

// ---- comparisons ----

function dimCovers(outer: Intervals | null, inner: Intervals | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  return isSubset(inner, outer);
}

function dimMeets(a: Intervals | null, b: Intervals | null): boolean {
  if (a === null) return b === null || b.length > 0;
  if (b === null) return a.length > 0;
  return intersect(a, b).length > 0;
}

/** Every packet `inner` matches, `outer` matches too (so `outer`, placed first, takes them all). */
export function covers(outer: MatchSpace, inner: MatchSpace): boolean {
  if (outer.uncertain) return false;
  if (!dimCovers(outer.src, inner.src) || !dimCovers(outer.dst, inner.dst)) return false;
  if (!dimCovers(outer.proto, inner.proto)) return false;
  if (!dimCovers(outer.sport, inner.sport) || !dimCovers(outer.dport, inner.dport)) return false;
  if (!ifaceCovers(outer.inIf, inner.inIf) || !ifaceCovers(outer.outIf, inner.outIf)) return false;
  if (outer.states !== null) {
    if (inner.states === null) return false;
    for (const s of inner.states) if (!outer.states.has(s)) return false;
  }
  if (outer.fragment !== null && outer.fragment !== inner.fragment) return false;
  for (const key of outer.opaque) if (!inner.opaque.has(key)) return false;
  return true;
}

/**
 * Some packet may match both. Opaque conditions are assumed to meet, so "false" is certain and
 * "true" means "cannot rule it out".
 */
export function mayOverlap(a: MatchSpace, b: MatchSpace): boolean {
  if (!dimMeets(a.src, b.src) || !dimMeets(a.dst, b.dst) || !dimMeets(a.proto, b.proto)) return false;
  if (!dimMeets(a.sport, b.sport) || !dimMeets(a.dport, b.dport)) return false;
  if (!ifaceMeets(a.inIf, b.inIf) || !ifaceMeets(a.outIf, b.outIf)) return false;
  if (a.states !== null && b.states !== null && ![...a.states].some((s) => b.states!.has(s))) return false;
  if (a.fragment !== null && b.fragment !== null && a.fragment !== b.fragment) return false;
  return true;
}

/** The single protocol a space is limited to, when it is one. */
export function singleProtocol(space: MatchSpace): number | null {
  const p = space.proto;
  return p && p.length === 1 && p[0][0] === p[0][1] ? Number(p[0][0]) : null;
}
