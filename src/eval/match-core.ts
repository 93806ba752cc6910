/**
 * The selectors every rule has (`-s -d -i -o -p -f`), decided as the kernel's ip_packet_match
 * does. Interfaces the input could not state (a listing without `-v`) are "may".
 */
import type { Chain, CoreSelectors, InterfaceName, IpNet, LostSelector, Rule, Table } from '../ast/types.js';
import type { TraceStep, Tristate } from './types.js';
import type { EvalPacket } from './state.js';
import { addressBytes, inNet, ipv4BytesNumber, ipv4TextNumber } from '../net/ip.js';
import { growingRules, type GrowingRules } from '../ast/deferred.js';
import {
  DST_KIND_SHIFT,
  FLAG_DST_NEGATED,
  FLAG_FRAGMENT_ONLY,
  FLAG_IN_INTERFACE,
  FLAG_OUT_INTERFACE,
  FLAG_PROTO_NEGATED,
  FLAG_SRC_NEGATED,
  FLAG_UNKNOWNS,
  FLAG_UNPARSED,
  MATCH_A_NEGATED,
  MATCH_C_NEGATED,
  MATCH_KIND_MASK,
  MATCH_NONE,
  MATCH_OTHER,
  MATCH_RANDOM,
  MATCH_TCP_PORTS,
  R_MATCH,
  R_MATCH_A,
  R_MATCH_B,
  R_MATCH_C,
  R_MATCH_D,
  R_NAT_ADDRESS,
  R_NAT_MAX_PORT,
  R_NAT_MIN_PORT,
  TARGET_DNAT_ONE,
  TARGET_KIND_EXTENSION,
  NET_IPV4,
  NET_NONE,
  R_DST_BASE,
  R_DST_MASK,
  R_FLAGS,
  R_LINE,
  R_NUMBER,
  R_PROTO,
  R_SRC_BASE,
  R_SRC_MASK,
  R_JUMP,
  R_JUMP_COUNT,
  R_JUMP_FIRST,
  R_TARGET,
  RECORD_WIDTH,
  STANDARD_VERDICTS,
  TARGET_GOTO,
  TARGET_KIND_CHAIN,
  TARGET_KIND_MASK,
  TARGET_KIND_NONE,
  TARGET_KIND_STANDARD,
  VERDICT_OTHER,
  VERDICT_SHIFT,
  ChainRecords,
  recordsOf,
  type RuleRecords,
} from '../ast/rule-records.js';
import { bindOptions, type BoundMatch } from './matchers/index.js';
import type { NatRange } from '../ast/modules/target/nat-range.js';

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

/** RuleState.targetKind: not read yet, no target, ACCEPT/DROP/RETURN/QUEUE, a chain, an extension. */
export const TARGET_UNREAD = 0;
export const TARGET_NONE = 1;
export const TARGET_STANDARD = 2;
export const TARGET_CHAIN = 3;
export const TARGET_EXTENSION = 4;

/** Reads the rule's target into its state (see RuleState.targetKind). */
export function readTarget(k: RuleState): number {
  const t = k.rule.target;
  if (t === null) k.targetKind = TARGET_NONE;
  else {
    k.targetKind = t.kind === 'standard' ? TARGET_STANDARD : t.kind === 'chain' ? TARGET_CHAIN : TARGET_EXTENSION;
    k.targetName = t.name;
  }
  return k.targetKind;
}

/**
 * What the evaluator keeps of a rule whose core selectors matched a packet: its matches' tests,
 * its target, where its jump goes, its last step. Made the first time the rule's core matches
 * (most rules a packet passes never do, and are read only from their records).
 */
export interface RuleState {
  /** The rule (read from its chain when first asked for: a rule read from its record is never read). */
  readonly rule: Rule;
  /** The compiled chain the rule is in (and, through it, its table). */
  readonly chain: CompiledChain;
  /** The rule's record index in its table's records. */
  readonly record: number;
  /** The rule's number and input line (from its record). */
  readonly number: number;
  readonly line: number;
  /** Part of the rule could not be read (a listing's trailing text): the rule only "may" match. */
  readonly unparsed: boolean;
  /** The chain a `-j`/`-g` to a chain reaches, compiled (set by the evaluator the first time the jump is taken). */
  jumpCompiled: CompiledChain | null;
  /**
   * The rule's own step (the evaluator's; see its ruleStep): the first step made for the rule
   * that shows no packet, as its place (-1 until then), target and note. A trace's entries hold
   * the state itself for it, so a rule met the same way by every packet costs no step object; it
   * never changes once set (earlier traces hold it).
   */
  stepPlace: number;
  stepTarget: string | null;
  stepNote: string | undefined;
  /** The tests of the rule's matches that take part in deciding (not comments), in order (set by the evaluator). */
  matchEvaluators: BoundMatch[] | null;
  /**
   * The rule's answer for a packet its core matches outright, when every test's answer is
   * fixed (see BoundMatch.fixed): a kube-proxy service's random draws. Null when some test
   * depends on the packet; undefined until the evaluator first tests the rule.
   */
  fixedDecision: { readonly result: Tristate; readonly because?: string; readonly probability?: number } | null | undefined;
  /** The last step made for the branch in which the rule's "may" did not match (see the evaluator's forks). */
  lastMissStep: object | null;
  /** What the two branches of the rule's last fork said of it, and the decision they were for (see the evaluator's forkReasons). */
  lastForkReasons: ForkReasons | null;
  /**
   * What the rule's target is (TARGET_* above; read by the evaluator the first time the rule
   * matches), its name and whether it is a goto: a walk then reads the AST's target object only
   * for an extension target, whose options it needs.
   */
  targetKind: number;
  targetName: string;
  readonly targetGoto: boolean;
  /** The index in its table's chains of the chain a jump reaches, when the parse resolved the jump; else -1. */
  readonly jumpIndex: number;
  /**
   * For a DNAT to one IPv4 address that the record holds (TARGET_DNAT_ONE), the address as text
   * (see dnatRangeOfRecord); null: the target is the rule's own.
   */
  recordDnat: string | null;
}

/**
 * What the two branches of a fork say of the rule (the evaluator's forkReasons), for the
 * decision they were made for (a fixed one is the same object every time).
 */
export interface ForkReasons {
  readonly decision: object;
  readonly matched: string;
  readonly missed: string;
  /**
   * The last outcome text that ended with `matched` (or `missed`), and the text of the reasons
   * before it: packets through the same forks are explained by the same text object.
   */
  afterMatched: { readonly earlier: string; readonly text: string } | null;
  afterMissed: { readonly earlier: string; readonly text: string } | null;
}

/** Whether an entry of a trace is a rule's state (its own step; see RuleState.stepPlace). */
export function isRuleState(value: unknown): value is RuleState {
  return value instanceof RecordedRuleState;
}

/** A rule's state as stateAt makes it: its rule is read from the chain only when asked for. */
class RecordedRuleState implements RuleState {
  private ruleRead: Rule | null = null;
  jumpCompiled: CompiledChain | null = null;
  stepPlace = -1;
  stepTarget: string | null = null;
  stepNote: string | undefined = undefined;
  matchEvaluators: BoundMatch[] | null = null;
  fixedDecision: RuleState['fixedDecision'] = undefined;
  lastMissStep: object | null = null;
  lastForkReasons: RuleState['lastForkReasons'] = null;
  targetKind = TARGET_UNREAD;
  targetName = '';
  recordDnat: string | null = null;

  // What the record says (number, line, flags, target) is read from it when asked: a batch keeps
  // a state for every rule its packets matched, and every field is kept that many times.
  constructor(
    readonly chain: CompiledChain,
    private readonly position: number,
    /** The rule's record index in its table's records. */
    readonly record: number,
  ) {}

  get number(): number {
    return this.chain.table.records.ints[this.record * RECORD_WIDTH + R_NUMBER] || this.position + 1;
  }

  get line(): number {
    return this.chain.table.records.ints[this.record * RECORD_WIDTH + R_LINE];
  }

  get unparsed(): boolean {
    return (this.chain.table.records.ints[this.record * RECORD_WIDTH + R_FLAGS] & FLAG_UNPARSED) !== 0;
  }

  get targetGoto(): boolean {
    return (this.chain.table.records.ints[this.record * RECORD_WIDTH + R_TARGET] & TARGET_GOTO) !== 0;
  }

  get jumpIndex(): number {
    return this.chain.table.records.ints[this.record * RECORD_WIDTH + R_JUMP];
  }

  get rule(): Rule {
    return (this.ruleRead ??= this.chain.rules[this.position]);
  }

  /** Reads the rule now: a chain still being read may have rules inserted before it (`-I`) later. */
  readRule(): void {
    this.ruleRead = this.chain.rules[this.position];
  }
}

/**
 * The evaluator's view of one table: its rule records (the parse's, or written here for rules
 * no parse recorded), the state of each record's rule once its core matched, and the compiled
 * chains. Per table, found once per table walk: not a weak map of every chain, whose tens of
 * thousands of entries the garbage collector would visit at every young collection of a batch.
 */
class CompiledTable {
  readonly records: RuleRecords;
  /**
   * RuleState by record index (null for rules whose core never matched). The lists here are
   * filled with null to their length first: slots written in random order far beyond a list's
   * end would turn it into a slow dictionary.
   */
  private states: (RuleState | null)[] | null = null;
  readonly chains = new Map<Chain, CompiledChain>();
  /** Compiled chains by index in `table.chains`, for jumps the parse resolved. */
  readonly byIndex: (CompiledChain | null)[];
  /**
   * Skipped runs of finished traces, by a hash of their chain, positions and slot (the
   * evaluator's internRuns): traces through the same rules share them. Made when first used.
   */
  runs: (object | null)[] | null = null;
  /** Each slot's run as four numbers (its chain's id, from, to, slot): compared without reading the run. */
  runKeys: Int32Array | null = null;
  /** How many compiled chains the table has made: each one's id. */
  chainCount = 0;

  constructor(readonly table: Table) {
    this.records = recordsOf(table);
    this.byIndex = new Array<CompiledChain | null>(table.chains.length).fill(null);
  }

  /**
   * The states by record index, with room for every record written so far (a deferred chain's
   * grow as it is read). Only chains that may still change keep their states here: the others
   * keep them with their compiled chain (see CompiledChain.stateAt).
   */
  statesByRecord(): (RuleState | null)[] {
    const states = (this.states ??= []);
    while (states.length < this.records.count) states.push(null);
    return states;
  }

  /** The compiled chain at this index of `table.chains` (a jump the parse resolved). */
  chainAt(k: number, from: number): CompiledChain {
    let compiled = this.byIndex[k];
    if (compiled === null) {
      const chain = this.table.chains[k];
      const at = from * RECORD_WIDTH;
      const ints = this.records.ints;
      // Where the chain's records are, as the jumping rule's record says (a whole table's): the
      // chain's objects are not read.
      if (from >= 0 && ints[at + R_JUMP_COUNT] >= 0) {
        compiled = new CompiledChain(chain, null, null, this, null, false, true, ints[at + R_JUMP_FIRST], ints[at + R_JUMP_COUNT]);
      } else {
        // The parse's record list of the chain, found by index: no map lookup on the chain.
        const growing = growingRules(this.table, chain);
        const list = this.records.byChain?.[k];
        if (list !== undefined && (growing !== undefined || list.length === chain.rules.length)) {
          compiled = new CompiledChain(chain, growing !== undefined ? growing.rules : null, list, this, growing ?? null, false, growing === undefined);
        } else {
          compiled = compiledChain(chain, this.table);
        }
      }
      this.byIndex[k] = compiled;
    }
    return compiled;
  }
}

/**
 * The compiled rules of a chain: each rule's record index, beside the chain's rules. The walk
 * reads a rule's record (a few numbers in one array) and touches the rule's objects only when
 * its core matches; it skips by destination in long chains (see nextCandidate).
 */
export class CompiledChain {
  /**
   * Rules with `-d ADDR/32` (not negated, nothing unknown), by that address: the index of the
   * only one, or the indexes, ascending (a kube-proxy chain has one rule per address, and a list
   * for each is an object more to read per packet).
   */
  private byDestination: Map<number, number | number[]> | null = null;
  /** Every other rule's index, ascending. */
  private others: number[] | null = null;

  /**
   * @param rules the chain's rules (the AST's array; a deferred chain's grows as it is read)
   * @param indexes each rule's record index, aligned with `rules` (the parse's list, which
   *   grows with a deferred chain; or this chain's own, when `own`); null for a span of records
   *   (spanFirst, spanCount), one after another, which needs no object of its own
   * @param source a chain still being read (parse with deferRules): rules are read as the walk
   *   reaches them, and nothing is skipped until the whole chain is read.
   * @param own whether the evaluator writes the records of the rules (no parse recorded them)
   */
  constructor(
    readonly chain: Chain,
    /** The rules when they are not `chain.rules` (a deferred chain's, which grow as it is read). */
    private readonly givenRules: readonly Rule[] | null,
    private readonly indexes: ChainRecords | null,
    readonly table: CompiledTable,
    private source: GrowingRules | null,
    private readonly own: boolean,
    /**
     * Whether the chain's rules and records are all known and stay as they are (a whole table's
     * chain): its rules' states are then kept here by position, beside the compiled chain,
     * not in the table's list by record index (a large list, written at random places).
     */
    whole = false,
    private readonly spanFirst = -1,
    private readonly spanCount = 0,
  ) {
    this.id = table.chainCount++;
    if (own) this.recordNewRules();
    this.states = whole ? new Array<RuleState | null>(this.length).fill(null) : null;
  }

  /** The record index of the chain's rule at `i`. */
  recordAt(i: number): number {
    return this.indexes === null ? this.spanFirst + i : this.indexes.at(i);
  }

  /** The chain's name (steps and skipped runs name it). */
  get name(): string {
    return this.chain.name;
  }

  /** The chain's rules: read only for a rule its record does not say all of. */
  get rules(): readonly Rule[] {
    return this.givenRules ?? this.chain.rules;
  }

  /** `jump:NAME` and `goto:NAME` for the steps of rules that reach this chain: one text, however many rules jump here. */
  private jumpLabel: string | null = null;
  private gotoLabel: string | null = null;

  labelFor(goto: boolean): string {
    // Concatenated, not joined: the name's characters are not read (a cold string, in a batch).
    return goto ? (this.gotoLabel ??= 'goto:' + this.chain.name) : (this.jumpLabel ??= 'jump:' + this.chain.name);
  }

  /** A number no other compiled chain of the table has. */
  readonly id: number;

  /** The states of the chain's rules by position, for a whole chain (see the constructor); else null. */
  private readonly states: (RuleState | null)[] | null;

  /** The evaluator's no-match steps of the chain's rules, by hook and depth, then by position (made when listed). */
  noMatchRuns: Map<number, TraceStep[]> | null = null;

  /** Whether the chain is still being read. */
  get growing(): boolean {
    return this.source !== null;
  }

  /** Whether the chain's rules changed since it was compiled whole (compiledChain then makes another). */
  get stale(): boolean {
    return this.source === null && this.length !== this.chain.rules.length;
  }

  /** How many rules are known (read) so far. */
  get length(): number {
    return this.indexes === null ? this.spanCount : this.indexes.length;
  }

  /** Whether the chain has a rule at `i`; one still being read reads up to it. */
  has(i: number): boolean {
    while (i >= this.length) {
      const source = this.source;
      if (source === null) return false;
      const more = source.more();
      if (this.own) this.recordNewRules();
      if (!more) this.source = null;
    }
    return true;
  }

  /** Writes the records of the rules read since the last call (a chain no parse recorded: `own`). */
  private recordNewRules(): void {
    const indexes = this.indexes!;
    const rules = this.rules;
    for (let k = indexes.length; k < rules.length; k++) indexes.push(this.table.records.add(rules[k], rules[k].number));
  }

  /** The number of the rule at `i` (its record's, or its position plus one). */
  numberAt(i: number): number {
    const records = this.table.records;
    return records.ints[this.recordAt(i) * RECORD_WIDTH + R_NUMBER] || i + 1;
  }

  lineAt(i: number): number {
    const records = this.table.records;
    return records.ints[this.recordAt(i) * RECORD_WIDTH + R_LINE];
  }

  /** The state of the rule at `i`, made the first time it is asked for. */
  stateAt(i: number): RuleState {
    const index = this.recordAt(i);
    const own = this.states;
    const states = own ?? this.table.statesByRecord();
    const key = own !== null ? i : index;
    let state = states[key];
    if (state === null) {
      const at = index * RECORD_WIDTH;
      const ints = this.table.records.ints;
      const made = new RecordedRuleState(this, i, index);
      if (this.source !== null) made.readRule();
      states[key] = state = made;
      state.matchEvaluators = testsOfRecord(ints, at);
      if (!this.own) this.readTargetRecord(state, ints, at);
    }
    return state;
  }

  /**
   * The target as the parse recorded it, when the record says all (a verdict, or a chain the
   * parse found): the rule's target object is then never read, nor the chain looked up by name.
   */
  private readTargetRecord(state: RuleState, ints: Int32Array, at: number): void {
    const target = ints[at + R_TARGET];
    const kind = target & TARGET_KIND_MASK;
    if (kind === TARGET_KIND_NONE) {
      state.targetKind = TARGET_NONE;
    } else if (kind === TARGET_KIND_STANDARD) {
      const verdict = target >> VERDICT_SHIFT;
      if (verdict === VERDICT_OTHER) return;
      state.targetKind = TARGET_STANDARD;
      state.targetName = STANDARD_VERDICTS[verdict];
    } else if (kind === TARGET_KIND_EXTENSION) {
      if (target >> VERDICT_SHIFT !== TARGET_DNAT_ONE) return;
      state.targetKind = TARGET_EXTENSION;
      state.targetName = 'DNAT';
      const n = ints[at + R_NAT_ADDRESS] >>> 0;
      // As bytesToText writes an IPv4 address, without its list of bytes.
      state.recordDnat = `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
    } else if (kind === TARGET_KIND_CHAIN) {
      const jump = ints[at + R_JUMP];
      if (jump < 0) return;
      // The chain it reaches is not read here: the rule may not match, and when it does, the
      // evaluator takes the chain (its name, its label) from the compiled chain it enters.
      state.targetKind = TARGET_CHAIN;
    }
  }

  /**
   * The first rule at or after `from` whose core may match a packet to this IPv4 destination
   * (its length when none): every rule before it has `-d` another address, so the core says
   * "no" to it. A kube-proxy KUBE-SERVICES chain is thousands of such rules; the walk skips them
   * (the trace records them as one run of rules that did not match). Only for tables that show
   * their interfaces.
   */
  nextCandidate(from: number, destination: number): number {
    // A short chain is walked rule by rule: an index of it would cost more than it saves, and
    // kept for each of a kube-proxy ruleset's tens of thousands of two-rule chains, much memory.
    const length = this.length;
    if (this.source !== null || length < INDEXED_CHAIN_MIN) return from;
    if (this.byDestination === null) this.build();
    const other = firstAtOrAfter(this.others!, from, length);
    const same = this.byDestination!.get(destination);
    if (same === undefined) return other;
    if (typeof same === 'number') return same >= from && same < other ? same : other;
    return Math.min(other, firstAtOrAfter(same, from, length));
  }

  private build(): void {
    const byDestination = new Map<number, number | number[]>();
    const others: number[] = (this.others = []);
    const ints = this.table.records.ints;
    const length = this.length;
    for (let i = 0; i < length; i++) {
      const at = this.recordAt(i) * RECORD_WIDTH;
      const flags = ints[at + R_FLAGS];
      const exactDestination =
        (flags & (FLAG_UNKNOWNS | FLAG_DST_NEGATED)) === 0 && ((flags >> DST_KIND_SHIFT) & 3) === NET_IPV4 && ints[at + R_DST_MASK] === -1;
      if (exactDestination) {
        const address = ints[at + R_DST_BASE] >>> 0;
        const known = byDestination.get(address);
        if (known === undefined) byDestination.set(address, i);
        else if (typeof known === 'number') byDestination.set(address, [known, i]);
        else known.push(i);
      } else {
        others.push(i);
      }
    }
    this.byDestination = byDestination;
  }
}

/**
 * The range of the DNAT a state's record holds (RuleState.recordDnat), as the parse's DNAT
 * target says it: the rule's target objects, out of cache in a large ruleset, are not read, and
 * the state keeps no copy of them for each service endpoint a batch sends a packet to.
 */
export function dnatRangeOfRecord(state: RuleState): NatRange {
  const ints = state.chain.table.records.ints;
  const at = state.record * RECORD_WIDTH;
  const minAddr = state.recordDnat!;
  const minPort = ints[at + R_NAT_MIN_PORT];
  return minPort < 0 ? { minAddr } : { minAddr, minPort, maxPort: ints[at + R_NAT_MAX_PORT] };
}

/** A rule with no tests but comments. */
export const NO_TESTS: BoundMatch[] = [];

/**
 * The tests of a rule whose record holds its one simple match (or none), made from the
 * record's numbers as bindMatch makes them from the match: the rule's match objects are not
 * read. Null when the evaluator must bind the rule's matches.
 */
function testsOfRecord(ints: Int32Array, at: number): BoundMatch[] | null {
  const match = ints[at + R_MATCH];
  const kind = match & MATCH_KIND_MASK;
  if (kind === MATCH_OTHER) return null;
  if (kind === MATCH_NONE) return NO_TESTS;
  // Rules with the same simple match share its tests: a kube-proxy ruleset has a few service
  // ports and endpoint counts, over tens of thousands of rules.
  const a = ints[at + R_MATCH_A];
  const key = testsKey(match, kind, a, ints[at + R_MATCH_B], ints[at + R_MATCH_C], ints[at + R_MATCH_D]);
  let tests = sharedTests.get(key);
  if (tests === undefined) {
    if (kind === MATCH_RANDOM) {
      tests = [bindOptions('statistic', { mode: 'random', probability: (a >>> 0) / 0x80000000, threshold: a >>> 0, negated: (match & MATCH_A_NEGATED) !== 0 })];
    } else {
      const sport = a < 0 ? undefined : { value: { from: a, to: ints[at + R_MATCH_B] }, negated: (match & MATCH_A_NEGATED) !== 0 };
      const dport = ints[at + R_MATCH_C] < 0 ? undefined : { value: { from: ints[at + R_MATCH_C], to: ints[at + R_MATCH_D] }, negated: (match & MATCH_C_NEGATED) !== 0 };
      tests = [bindOptions(kind === MATCH_TCP_PORTS ? 'tcp' : 'udp', { sport, dport })];
    }
    if (sharedTests.size >= MAX_SHARED_TESTS) sharedTests.clear();
    sharedTests.set(key, tests);
  }
  return tests;
}

/**
 * The key of a simple match's tests: a number for the usual ones (a random draw, by its
 * threshold, from which the parse computed its probability; ports without a source port),
 * text for the rest. Made once per rule whose core matches, so it avoids writing numbers as text.
 */
function testsKey(match: number, kind: number, a: number, b: number, c: number, d: number): number | string {
  if (kind === MATCH_RANDOM) return -1 - ((a >>> 0) * 2 + ((match & MATCH_A_NEGATED) !== 0 ? 1 : 0));
  if (a < 0) return match * 2 ** 33 + (c < 0 ? 0 : 1 + c * 65536 + d);
  return `${match} ${a} ${b} ${c} ${d}`;
}

/** Tests of simple matches by their record's values (see testsOfRecord); a bounded cache. */
const sharedTests = new Map<number | string, BoundMatch[]>();
const MAX_SHARED_TESTS = 4096;

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

const compiledTables = new WeakMap<Table, CompiledTable>();

function compiledTableOf(table: Table): CompiledTable {
  let compiled = compiledTables.get(table);
  if (compiled === undefined) compiledTables.set(table, (compiled = new CompiledTable(table)));
  return compiled;
}

export function compiledChain(chain: Chain, table: Table): CompiledChain {
  const compiledTable = compiledTableOf(table);
  const compiledChains = compiledTable.chains;
  let compiled = compiledChains.get(chain);
  if (compiled === undefined) {
    // A chain a deferred parse has not read is read as far as the walk goes, not at once.
    const growing = growingRules(table, chain);
    if (growing) {
      compiled = chainOf(compiledTable, chain, growing.rules, growing);
      compiledChains.set(chain, compiled);
      return compiled;
    }
  }
  if (compiled === undefined || compiled.stale) {
    compiled = chainOf(compiledTable, chain, chain.rules, null);
    compiledChains.set(chain, compiled);
  }
  return compiled;
}

/**
 * The compiled chain a rule's resolved jump reaches (RuleState.jumpIndex), in the table the
 * rule is in; `from` is the jumping rule's record index (-1 when not known).
 */
export function compiledChainAt(table: Table, index: number, from: number): CompiledChain {
  return compiledTableOf(table).chainAt(index, from);
}

/** A compiled chain over the parse's records of these rules, or records written now. */
function chainOf(table: CompiledTable, chain: Chain, rules: readonly Rule[], source: GrowingRules | null): CompiledChain {
  // Found by position: chains reached here (not by a jump the parse resolved) are the builtin
  // ones, which a parse puts first.
  const byChain = table.records.byChain;
  const parsed = byChain === null ? undefined : byChain[table.table.chains.indexOf(chain)];
  // The parse's list stays aligned with the rules it made; anything else is recorded here.
  // A chain read whole keeps its rules' states by position; one still being read, in the table's
  // list by record index (see CompiledTable.statesByRecord).
  const whole = source === null;
  if (parsed !== undefined && (source !== null || parsed.length === rules.length)) return new CompiledChain(chain, source !== null ? rules : null, parsed, table, source, false, whole);
  return new CompiledChain(chain, source !== null ? rules : null, new ChainRecords(), table, source, true, whole);
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
 * `net` on a recorded net (NET_IPV4 or NET_OTHER), for the packet's source or destination: an
 * IPv4 net compares numbers read once per address, not per rule.
 */
function compiledNet(p: EvalPacket, source: boolean, kind: number, base: number, mask: number, negated: boolean, chain: CompiledChain, i: number): Tristate {
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
  if (kind === NET_IPV4) {
    // An IPv6 packet is in no IPv4 net.
    inside = addressKind === 4 && (value & mask) === base;
  } else {
    const core = chain.rules[i].core;
    inside = inNet(addressBytes(source ? p.src : p.dst)!, (source ? core.source : core.destination)!.value);
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
/** The answer of a core that matches outright (the same object every time, so it can be compared). */
export const CORE_YES = YES;

/**
 * The core of the chain's rule at `i`, from its record. Straight-line on purpose: it runs for
 * every rule a packet passes, so it allocates nothing and reads no rule object for a rule that
 * does not match. The order of the checks decides which reason a "may" gives, so it must stay
 * as it is.
 */
export function matchRecordCore(chain: CompiledChain, i: number, table: Table, p: EvalPacket): CoreResult {
  const ints = chain.table.records.ints;
  const at = chain.recordAt(i) * RECORD_WIDTH;
  const flags = ints[at + R_FLAGS];
  // A listing without -v hides interfaces: every rule may have had one.
  const hidden = table.listing !== undefined && !table.listing.verbose;
  if ((flags & FLAG_UNKNOWNS) !== 0 || hidden) {
    const rule = chain.rules[i];
    const c = rule.core;
    // Host names (`-d ntp.example.net`) are resolved by iptables when loading; netfate does not
    // resolve them, so the address they stand for is unknown.
    const lost: LostSelector[] = [...(rule.lost ?? [])];
    if (c.sourceName) lost.push('source');
    if (c.destinationName) lost.push('destination');
    return matchCoreWithUnknowns(c, lost, hidden, p);
  }
  // The common case (save input): nothing unknown, so only a "may" from an address matters.
  const srcKind = flags & 3;
  const src = srcKind === NET_NONE ? 'yes' : compiledNet(p, true, srcKind, ints[at + R_SRC_BASE], ints[at + R_SRC_MASK], (flags & FLAG_SRC_NEGATED) !== 0, chain, i);
  if (src === 'no') return NO;
  const dstKind = (flags >> DST_KIND_SHIFT) & 3;
  const dst = dstKind === NET_NONE ? 'yes' : compiledNet(p, false, dstKind, ints[at + R_DST_BASE], ints[at + R_DST_MASK], (flags & FLAG_DST_NEGATED) !== 0, chain, i);
  if (dst === 'no') return NO;
  // `-p all` (0) matches every protocol, `! -p all` none.
  const proto = ints[at + R_PROTO];
  const protoNegated = (flags & FLAG_PROTO_NEGATED) !== 0;
  if (proto > 0 ? (p.proto === proto) === protoNegated : proto === 0 && protoNegated) return NO;
  // netfate's packets are whole datagrams or first fragments: `-f` never matches them.
  if ((flags & FLAG_FRAGMENT_ONLY) !== 0) return NO;
  if ((flags & (FLAG_IN_INTERFACE | FLAG_OUT_INTERFACE)) !== 0) {
    const c = chain.rules[i].core;
    if (c.inInterface !== undefined && interfaceMatches(c.inInterface.value, p.inIface) === c.inInterface.negated) return NO;
    if (c.outInterface !== undefined && interfaceMatches(c.outInterface.value, p.outIface) === c.outInterface.negated) return NO;
  }
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
