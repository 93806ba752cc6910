/**
 * Which rules of a chain can never decide a packet because an earlier terminal rule matches every
 * packet they match (shared by ipt/shadowed-rule and ipt/redundant-rule).
 *
 * Not a pairwise scan: earlier terminal rules are bucketed by protocol (one bucket per single
 * protocol, one for rules that allow several) and by destination host when they allow a single
 * one (a kube-proxy chain has a rule per service address, which only a rule for the same address
 * or a wider one can cover), and inside a bucket by destination port (small port sets are indexed
 * per port, wide ranges and port-less rules kept apart). A rule is only
 * compared with the buckets that could cover it, and with at most MAX_CANDIDATES of them, the
 * nearest first; so in a huge chain a cover further back than that can be missed, never invented.
 */
import type { Chain, Rule, Table } from '../ast/types.js';
import { covers, mayOverlap, matchSpace, singleProtocol, type MatchSpace } from './match-space.js';
import { isTerminal, isUnconditional } from './graph.js';

export const MAX_CANDIDATES = 512;
/** How far ahead ipt/redundant-rule looks for a later rule that makes an earlier one pointless. */
export const LOOKAHEAD = 64;
/** A destination-port set with at most this many ports is indexed port by port. */
const INDEXED_PORTS = 16;

export interface Cover {
  /** The rule that never decides anything of its own. */
  readonly rule: Rule;
  /** The earlier rule that takes all its packets. */
  readonly by: Rule;
  /** Both rules do the same thing (same target and options): the later one is only redundant. */
  readonly sameEffect: boolean;
}

export interface LaterCover {
  readonly rule: Rule;
  /** A later rule with the same effect that would take the same packets if this rule were removed. */
  readonly by: Rule;
}

interface Candidate {
  readonly index: number;
  readonly rule: Rule;
  readonly space: MatchSpace;
}

interface Bucket {
  readonly portless: Candidate[];
  readonly wide: Candidate[];
  readonly byPort: Map<number, Candidate[]>;
}

export interface ChainCoverage {
  readonly covered: readonly Cover[];
  readonly coveredLater: readonly LaterCover[];
}

const cache = new WeakMap<Chain, ChainCoverage>();

/** What the rule does when it matches, as a comparable key. */
export function effectKey(rule: Rule): string {
  const t = rule.target;
  if (!t) return 'none';
  return `${t.goto ? 'g' : 'j'}:${t.name}:${t.known ? JSON.stringify(t.options) : t.args.join(' ')}`;
}

function portList(space: MatchSpace): number[] | null {
  if (space.dport === null) return null;
  let count = 0n;
  for (const [lo, hi] of space.dport) count += hi - lo + 1n;
  if (count > BigInt(INDEXED_PORTS)) return null;
  const out: number[] = [];
  for (const [lo, hi] of space.dport) for (let p = lo; p <= hi; p++) out.push(Number(p));
  return out;
}

const NO_COVERAGE: ChainCoverage = Object.freeze({ covered: [], coveredLater: [] });

export function chainCoverage(table: Table, chain: Chain): ChainCoverage {
  let result = cache.get(chain);
  if (result) return result;
  // Only a terminal rule covers or is made pointless: a chain of jumps (most of a kube-proxy
  // table) has nothing to find. Not cached: asking again costs less than a cache entry per chain.
  if (!chain.rules.some((r) => isTerminal(r, table))) return NO_COVERAGE;
  // A rule's match space is worked out only when something asks: a rule with no terminal rule
  // before it cannot be covered, and most rules of a kube-proxy chain are jumps after no verdict.
  const spaces = new Array<MatchSpace | null | undefined>(chain.rules.length);
  const spaceOf = (i: number): MatchSpace | null => {
    let space = spaces[i];
    if (space === undefined) spaces[i] = space = matchSpace(chain.rules[i], table.family);
    return space;
  };
  let candidates = 0;
  const buckets = new Map<string, Bucket>();
  const bucket = (key: string): Bucket => {
    let b = buckets.get(key);
    if (!b) {
      b = { portless: [], wide: [], byPort: new Map() };
      buckets.set(key, b);
    }
    return b;
  };
  const covered: Cover[] = [];
  chain.rules.forEach((rule, index) => {
    if (candidates === 0 && !isTerminal(rule, table)) return;
    const space = spaceOf(index);
    if (!space) return;
    const by = candidates === 0 ? undefined : findCover(space, buckets);
    if (by) covered.push({ rule, by: by.rule, sameEffect: effectKey(by.rule) === effectKey(rule) && isTerminal(rule, table) });
    // An unconditional terminal rule hides everything after it: ipt/rule-after-terminal says so once.
    if (!isTerminal(rule, table) || space.uncertain || isUnconditional(rule)) return;
    const host = singleHost(space);
    const b = bucket(bucketKey(singleProtocol(space), host));
    const candidate = { index, rule, space };
    candidates++;
    if (space.dport === null) b.portless.push(candidate);
    else {
      const ports = portList(space);
      if (!ports) b.wide.push(candidate);
      else for (const p of ports) (b.byPort.get(p) ?? b.byPort.set(p, []).get(p)!).push(candidate);
    }
  });
  const coveredLater = findLaterCovers(table, chain, spaceOf);
  // The shared empty answer where nothing is covered (nearly every chain): a kube-proxy table
  // would otherwise keep an object and two lists for each of its endpoint chains.
  result = covered.length === 0 && coveredLater.length === 0 ? NO_COVERAGE : { covered, coveredLater };
  cache.set(chain, result);
  return result;
}

/** The bucket of a protocol (null: several) and destination host (null: a wider destination). */
function bucketKey(proto: number | null, host: bigint | null): string {
  const p = proto === null ? 'multi' : String(proto);
  return host === null ? p : `${p}@${host}`;
}

/** The one destination address the space allows, or null. */
function singleHost(space: MatchSpace): bigint | null {
  const d = space.dst;
  return d && d.length === 1 && d[0][0] === d[0][1] ? d[0][0] : null;
}

function findCover(space: MatchSpace, buckets: ReadonlyMap<string, Bucket>): Candidate | undefined {
  const lists: Candidate[][] = [];
  const proto = singleProtocol(space);
  const host = singleHost(space);
  // A cover allows this rule's protocol and destination: rules for that protocol (or several),
  // for a wider destination, or (when this rule has one host) for that very host.
  const protos: (number | null)[] = proto === null ? [null] : [proto, null];
  const keys: string[] = [];
  for (const p of protos) {
    keys.push(bucketKey(p, null));
    if (host !== null) keys.push(bucketKey(p, host));
  }
  const firstPort = space.dport && space.dport.length ? Number(space.dport[0][0]) : null;
  for (const key of keys) {
    const b = buckets.get(key);
    if (!b) continue;
    lists.push(b.portless);
    if (space.dport !== null) {
      lists.push(b.wide);
      // A cover must contain every port of this rule, so in particular its first one.
      if (firstPort !== null) lists.push(b.byPort.get(firstPort) ?? []);
    }
  }
  // The nearest MAX_CANDIDATES across the lists, then the earliest cover among them.
  const merged: Candidate[] = [];
  for (const list of lists) for (let i = Math.max(0, list.length - MAX_CANDIDATES); i < list.length; i++) merged.push(list[i]);
  merged.sort((a, b) => a.index - b.index);
  const window = merged.slice(Math.max(0, merged.length - MAX_CANDIDATES));
  return window.find((c) => covers(c.space, space));
}

/**
 * A terminal rule is pointless when a later rule with the same effect covers it and no rule in
 * between could see any of its packets and do something else with them.
 */
function findLaterCovers(table: Table, chain: Chain, spaceOf: (i: number) => MatchSpace | null): LaterCover[] {
  const out: LaterCover[] = [];
  // Each rule's effect key made once (a rule is compared with up to LOOKAHEAD earlier ones).
  const effects = new Array<string | undefined>(chain.rules.length);
  const effectOf = (i: number): string => (effects[i] ??= effectKey(chain.rules[i]));
  chain.rules.forEach((rule, i) => {
    if (!isTerminal(rule, table)) return;
    const space = spaceOf(i);
    if (!space || space.uncertain) return;
    for (let j = i + 1; j < chain.rules.length && j <= i + LOOKAHEAD; j++) {
      const later = chain.rules[j];
      const ls = spaceOf(j);
      if (!ls) return;
      // Effect keys are made only for a terminal rule that has terminal rules after it (a
      // kube-proxy table has tens of thousands of DNAT rules that end their chains).
      const same = isTerminal(later, table) && effectOf(j) === effectOf(i);
      if (same && covers(ls, space)) {
        out.push({ rule, by: later });
        return;
      }
      if (!same && mayOverlap(space, ls)) return;
    }
  });
  return out;
}
