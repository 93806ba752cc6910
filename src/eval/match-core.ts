/**
 * The selectors every rule has (`-s -d -i -o -p -f`), decided as the kernel's ip_packet_match
 * does. Interfaces the input could not state (a listing without `-v`) are "may".
 */
import type { Chain, CoreSelectors, InterfaceName, IpNet, LostSelector, Negatable, Rule, Table } from '../ast/types.js';
import type { TraceStep, Tristate } from './types.js';
import type { EvalPacket } from './state.js';
import { addressBytes, inNet, ipv4BytesNumber, ipv4TextNumber } from '../net/ip.js';
import { growingRules, type GrowingRules } from '../ast/deferred.js';
import type { BoundMatch } from './matchers/index.js';

/** `-i eth+` compares the prefix; `-i +` matches any name, even none. */
export function interfaceMatches(pattern: InterfaceName, name: string): boolean {
  if (pattern.wildcard) return name.startsWith(pattern.name);
  return name === pattern.name;
}

function net(addr: string, sel: { value: IpNet; negated: boolean } | undefined): Tristate {
  if (!sel) return 'yes';
  const bytes = addressBytes(addr);
  if (!bytes) return 'may';
  return inNet(bytes, sel.value) !== sel.negated ? 'yes' : 'no';
}

/** CompiledCore.targetKind: not read yet, no target, ACCEPT/DROP/RETURN/QUEUE, a chain, an extension. */
export const TARGET_UNREAD = 0;
export const TARGET_NONE = 1;
export const TARGET_STANDARD = 2;
export const TARGET_CHAIN = 3;
export const TARGET_EXTENSION = 4;

/** Reads the rule's target into its compiled form (see CompiledCore.targetKind). */
export function readTarget(k: CompiledCore): number {
  const t = k.rule.target;
  if (t === null) k.targetKind = TARGET_NONE;
  else {
    k.targetKind = t.kind === 'standard' ? TARGET_STANDARD : t.kind === 'chain' ? TARGET_CHAIN : TARGET_EXTENSION;
    k.targetName = t.name;
    k.targetGoto = t.goto;
    if (t.kind === 'chain') k.targetLabel = `${t.goto ? 'goto' : 'jump'}:${t.name}`;
  }
  return k.targetKind;
}

/** How a compiled rule holds one of its nets. */
const NO_NET = 0;
const IPV4_NET = 4;
/** IPv6, or a net whose text does not parse: left to inNet. */
const OTHER_NET = 6;

/**
 * A rule's core selectors in one fixed shape, with IPv4 nets as numbers. Rules' `core` objects
 * come in many shapes (whichever selectors the rule has), so reading them in the per-rule loop
 * was megamorphic and slow; this is built once per rule and read monomorphically after that.
 */
export class CompiledCore {
  /** Host names, or selectors the input did not show: matchCoreWithUnknowns decides. */
  readonly unknowns: boolean;
  srcKind = NO_NET;
  srcBase = 0;
  srcMask = 0;
  srcNegated = false;
  dstKind = NO_NET;
  dstBase = 0;
  dstMask = 0;
  dstNegated = false;
  /** -1: no -p. */
  proto = -1;
  protoNegated = false;
  /** `-f` without `!`: never matches netfate's packets. */
  readonly fragmentOnly: boolean;
  inInterface: InterfaceName | null = null;
  inNegated = false;
  outInterface: InterfaceName | null = null;
  outNegated = false;
  /** The chain a `-j`/`-g` to a chain reaches, and the table it was looked up in (set by the evaluator). */
  jumpChain: Chain | undefined = undefined;
  jumpTable: Table | null = null;
  /** The rule's number and input line, read here rather than from rules of many shapes. */
  readonly number: number;
  readonly line: number;
  /** The last step made for the rule that shows no packet (see the evaluator's ruleStep). */
  lastStep: TraceStep | null = null;
  /** `jump:NAME` / `goto:NAME`, for the steps of a rule whose target is a chain (set with targetKind). */
  targetLabel: string | null = null;
  /** The compiled form of jumpChain. */
  jumpCompiled: CompiledChain | null = null;
  /** The tests of the rule's matches that take part in deciding (not comments), in order (set by the evaluator). */
  matchEvaluators: BoundMatch[] | null = null;
  /** Part of the rule could not be read (a listing's trailing text): the rule only "may" match. */
  readonly unparsed: boolean;
  /**
   * What the rule's target is (TARGET_* below; read by the evaluator the first time the rule
   * matches), its name and whether it is a goto: a walk then reads the AST's target object only
   * for an extension target, whose options it needs.
   */
  targetKind = TARGET_UNREAD;
  targetName = '';
  targetGoto = false;

  constructor(readonly rule: Rule) {
    const core = rule.core;
    this.unparsed = !!rule.unparsed;
    this.number = rule.number;
    this.line = rule.span.line;
    this.unknowns = rule.lost !== undefined || core.sourceName !== undefined || core.destinationName !== undefined;
    if (core.source) {
      this.srcKind = compileNet(core.source.value, this, 'src');
      this.srcNegated = core.source.negated;
    }
    if (core.destination) {
      this.dstKind = compileNet(core.destination.value, this, 'dst');
      this.dstNegated = core.destination.negated;
    }
    if (core.protocol) {
      this.proto = core.protocol.value.number;
      this.protoNegated = core.protocol.negated;
    }
    this.fragmentOnly = core.fragment !== undefined && !core.fragment.negated;
    if (core.inInterface) {
      this.inInterface = core.inInterface.value;
      this.inNegated = core.inInterface.negated;
    }
    if (core.outInterface) {
      this.outInterface = core.outInterface.value;
      this.outNegated = core.outInterface.negated;
    }
  }
}

function compileNet(value: IpNet, into: CompiledCore, side: 'src' | 'dst'): number {
  // Read straight into numbers: a kube-proxy ruleset has a hundred thousand addresses, and the
  // shared address cache only churns on them.
  const base = ipv4TextNumber(value.address);
  const mask = ipv4TextNumber(value.mask);
  if (base < 0 || mask < 0) return OTHER_NET;
  if (side === 'src') {
    into.srcBase = base | 0;
    into.srcMask = mask | 0;
  } else {
    into.dstBase = base | 0;
    into.dstMask = mask | 0;
  }
  return IPV4_NET;
}

/** A rule's compiled form (made per chain: a rule belongs to one chain, which keeps them). */
function compiledCore(rule: Rule): CompiledCore {
  return new CompiledCore(rule);
}

/**
 * The compiled rules of a chain, in order, and an index of them by IPv4 destination. The
 * evaluator walks these beside `chain.rules`: one lookup per chain entered instead of one per
 * rule, and records allocated together, so the walk reads memory in order.
 */
export class CompiledChain {
  /** Rules with `-d ADDR/32` (not negated, nothing unknown), by that address: their indexes, ascending. */
  private byDestination: Map<number, number[]> | null = null;
  /** Every other rule's index, ascending. */
  private others: number[] | null = null;

  /**
   * @param source a chain still being read (parse with deferRules): rules are read and compiled
   *   as the walk reaches them, and nothing is skipped until the whole chain is read.
   */
  constructor(
    readonly rules: CompiledCore[],
    private source: GrowingRules | null = null,
  ) {}

  /** The evaluator's no-match steps of the chain's rules, by hook and depth, then by position (made when listed). */
  noMatchRuns: Map<number, TraceStep[]> | null = null;

  /** Whether the chain is still being read. */
  get growing(): boolean {
    return this.source !== null;
  }

  /** Whether the chain has a rule at `i`; one still being read reads up to it. */
  has(i: number): boolean {
    while (i >= this.rules.length) {
      const source = this.source;
      if (source === null) return false;
      const more = source.more();
      for (let k = this.rules.length; k < source.rules.length; k++) this.rules.push(compiledCore(source.rules[k]));
      if (!more) this.source = null;
    }
    return true;
  }

  /**
   * The first rule at or after `from` whose core may match a packet to this IPv4 destination
   * (rules.length when none): every rule before it has `-d` another address, so matchCore says
   * "no" to it. A kube-proxy KUBE-SERVICES chain is thousands of such rules; the walk skips them
   * (the trace records them as one run of rules that did not match). Only for tables that show
   * their interfaces.
   */
  nextCandidate(from: number, destination: number): number {
    // A short chain is walked rule by rule: an index of it would cost more than it saves, and
    // kept for each of a kube-proxy ruleset's tens of thousands of two-rule chains, much memory.
    if (this.source !== null || this.rules.length < INDEXED_CHAIN_MIN) return from;
    if (this.byDestination === null) this.build();
    const other = firstAtOrAfter(this.others!, from, this.rules.length);
    const same = this.byDestination!.get(destination);
    return same ? Math.min(other, firstAtOrAfter(same, from, this.rules.length)) : other;
  }

  private build(): void {
    const byDestination = new Map<number, number[]>();
    const others: number[] = (this.others = []);
    this.rules.forEach((k, i) => {
      if (!k.unknowns && k.dstKind === IPV4_NET && k.dstMask === -1 && !k.dstNegated) {
        const address = k.dstBase >>> 0;
        const list = byDestination.get(address);
        if (list) list.push(i);
        else byDestination.set(address, [i]);
      } else {
        others.push(i);
      }
    });
    this.byDestination = byDestination;
  }
}

/** Chains shorter than this are not indexed by destination. */
const INDEXED_CHAIN_MIN = 16;

/** The first value >= from in an ascending list, or `none`. */
function firstAtOrAfter(list: readonly number[], from: number, none: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? list[lo] : none;
}

/**
 * Compiled chains per table, by chain: a map per table (found once per table) rather than one
 * weak map of every chain, whose tens of thousands of entries the garbage collector would
 * visit as weak references at every young collection of a batch.
 */
const compiledTables = new WeakMap<Table, Map<Chain, CompiledChain>>();

function compiledChainsOf(table: Table): Map<Chain, CompiledChain> {
  let chains = compiledTables.get(table);
  if (chains === undefined) compiledTables.set(table, (chains = new Map()));
  return chains;
}

export function compiledChain(chain: Chain, table: Table): CompiledChain {
  const compiledChains = compiledChainsOf(table);
  let compiled = compiledChains.get(chain);
  if (compiled === undefined) {
    // A chain a deferred parse has not read is read as far as the walk goes, not at once.
    const growing = growingRules(table, chain);
    if (growing) {
      compiled = new CompiledChain([], growing);
      compiledChains.set(chain, compiled);
      return compiled;
    }
  }
  if (compiled === undefined || (!compiled.growing && compiled.rules.length !== chain.rules.length)) {
    compiled = new CompiledChain(chain.rules.map(compiledCore));
    compiledChains.set(chain, compiled);
  }
  return compiled;
}

/** The packet's destination as an unsigned IPv4 number, or -1 when it is not an IPv4 address. */
export function packetDestinationIpv4(p: EvalPacket): number {
  if (p.dstRead !== p.dst) readDestination(p);
  return p.dstKind === 4 ? p.dstNumber! >>> 0 : -1;
}

const NOT_AN_ADDRESS = 0;

/** What readAddress read: its kind (NOT_AN_ADDRESS, 4, 6) and an IPv4 value as a signed 32-bit number. */
const readAddressResult = { kind: NOT_AN_ADDRESS, number: 0 };

/** Reads an address text into readAddressResult (one object reused: it runs per address per walk). */
function readAddress(text: string): typeof readAddressResult {
  const n = ipv4TextNumber(text);
  const bytes = n >= 0 ? null : addressBytes(text);
  readAddressResult.kind = n >= 0 ? 4 : bytes === null ? NOT_AN_ADDRESS : bytes.length === 4 ? 4 : 6;
  readAddressResult.number = n >= 0 ? n | 0 : bytes !== null && bytes.length === 4 ? ipv4BytesNumber(bytes) | 0 : 0;
  return readAddressResult;
}

function readSource(p: EvalPacket): void {
  const a = readAddress(p.src);
  p.srcKind = a.kind;
  p.srcNumber = a.number;
  p.srcRead = p.src;
}

function readDestination(p: EvalPacket): void {
  const a = readAddress(p.dst);
  p.dstKind = a.kind;
  p.dstNumber = a.number;
  p.dstRead = p.dst;
}

/**
 * `net` on a compiled net (IPV4_NET or OTHER_NET), for the packet's source or destination: an
 * IPv4 net compares numbers read once per address, not per rule.
 */
function compiledNet(p: EvalPacket, source: boolean, kind: number, base: number, mask: number, negated: boolean, sel: Negatable<IpNet> | undefined): Tristate {
  let addressKind: number;
  let value: number;
  if (source) {
    if (p.srcRead !== p.src) readSource(p);
    addressKind = p.srcKind!;
    value = p.srcNumber!;
  } else {
    if (p.dstRead !== p.dst) readDestination(p);
    addressKind = p.dstKind!;
    value = p.dstNumber!;
  }
  if (addressKind === NOT_AN_ADDRESS) return 'may';
  let inside: boolean;
  if (kind === IPV4_NET) {
    // An IPv6 packet is in no IPv4 net.
    inside = addressKind === 4 && (value & mask) === base;
  } else {
    inside = inNet(addressBytes(source ? p.src : p.dst)!, sel!.value);
  }
  return inside !== negated ? 'yes' : 'no';
}

function iface(name: string, sel: { value: InterfaceName; negated: boolean } | undefined): Tristate {
  if (!sel) return 'yes';
  return interfaceMatches(sel.value, name) !== sel.negated ? 'yes' : 'no';
}

export function and(a: Tristate, b: Tristate): Tristate {
  if (a === 'no' || b === 'no') return 'no';
  if (a === 'may' || b === 'may') return 'may';
  return 'yes';
}

export interface CoreResult {
  readonly result: Tristate;
  readonly because?: string;
}

const NO: CoreResult = Object.freeze({ result: 'no' });
const YES: CoreResult = Object.freeze({ result: 'yes', because: undefined });

/**
 * Straight-line on purpose: it runs for every rule a packet passes (thousands per packet in a
 * kube-proxy KUBE-SERVICES chain), so it allocates nothing for a rule that does not match.
 * The order of the checks decides which reason a "may" gives, so it must stay as it is.
 */
export function matchCore(rule: Rule, table: Table, p: EvalPacket): CoreResult {
  return matchCompiledCore(compiledCore(rule), table, p);
}

/** matchCore on a rule compiled by compiledChain (the evaluator's walk). */
export function matchCompiledCore(k: CompiledCore, table: Table, p: EvalPacket): CoreResult {
  // A listing without -v hides interfaces: every rule may have had one.
  const hidden = table.listing !== undefined && !table.listing.verbose;
  if (k.unknowns || hidden) {
    const rule = k.rule;
    const c = rule.core;
    // Host names (`-d ntp.example.net`) are resolved by iptables when loading; netfate does not
    // resolve them, so the address they stand for is unknown.
    const lost: LostSelector[] = [...(rule.lost ?? [])];
    if (c.sourceName) lost.push('source');
    if (c.destinationName) lost.push('destination');
    return matchCoreWithUnknowns(c, lost, hidden, p);
  }
  // The common case (save input): nothing unknown, so only a "may" from an address matters.
  const src = k.srcKind === NO_NET ? 'yes' : compiledNet(p, true, k.srcKind, k.srcBase, k.srcMask, k.srcNegated, k.rule.core.source);
  if (src === 'no') return NO;
  const dst = k.dstKind === NO_NET ? 'yes' : compiledNet(p, false, k.dstKind, k.dstBase, k.dstMask, k.dstNegated, k.rule.core.destination);
  if (dst === 'no') return NO;
  // `-p all` (0) matches every protocol, `! -p all` none.
  if (k.proto > 0 ? (p.proto === k.proto) === k.protoNegated : k.proto === 0 && k.protoNegated) return NO;
  // netfate's packets are whole datagrams or first fragments: `-f` never matches them.
  if (k.fragmentOnly) return NO;
  if (k.inInterface !== null && interfaceMatches(k.inInterface, p.inIface) === k.inNegated) return NO;
  if (k.outInterface !== null && interfaceMatches(k.outInterface, p.outIface) === k.outNegated) return NO;
  if (src === 'yes' && dst === 'yes') return YES;
  return { result: 'may', because: src === 'may' ? 'source cannot be decided' : 'destination cannot be decided' };
}

function matchCoreWithUnknowns(c: CoreSelectors, lost: readonly LostSelector[], hidden: boolean, p: EvalPacket): CoreResult {
  let result: Tristate = 'yes';
  let because: string | undefined;
  const consider = (r: Tristate, what: string, unknown: boolean): boolean => {
    if (r === 'no') return false;
    if (unknown || r === 'may') {
      result = 'may';
      because ??= unknown ? `${what} not shown by the input` : `${what} cannot be decided`;
    }
    return true;
  };
  if (!consider(net(p.src, c.source), 'source', lost.includes('source'))) return NO;
  if (!consider(net(p.dst, c.destination), 'destination', lost.includes('destination'))) return NO;
  if (!consider(protocol(c, p), 'protocol', lost.includes('protocol'))) return NO;
  if (!consider(c.fragment ? (c.fragment.negated ? 'yes' : 'no') : 'yes', 'fragment', false)) return NO;
  if (!consider(iface(p.inIface, c.inInterface), 'in-interface', hidden || lost.includes('inInterface'))) return NO;
  if (!consider(iface(p.outIface, c.outInterface), 'out-interface', hidden || lost.includes('outInterface'))) return NO;
  return { result, because };
}

function protocol(c: CoreSelectors, p: EvalPacket): Tristate {
  if (!c.protocol) return 'yes';
  const num = c.protocol.value.number;
  if (num === 0) return c.protocol.negated ? 'no' : 'yes';
  return (p.proto === num) !== c.protocol.negated ? 'yes' : 'no';
}
