/**
 * evaluatePacket: what netfilter does with one packet, rule by rule, in kernel order.
 *
 * The packet walks the hooks of its path (PREROUTING → routing → INPUT | FORWARD → POSTROUTING,
 * or OUTPUT → POSTROUTING for packets this host sends, back in through PREROUTING/INPUT over `lo`
 * when it sends to itself). At each hook the tables run in priority order; in each table the
 * builtin chain is walked with jumps, gotos and returns. A match that cannot be decided ("may")
 * splits the evaluation in two; every branch is followed to its fate, and the trace shows the
 * branch where each "may" matched, with the possible fates in `outcomes`.
 */
import type { Chain, Family, Match, Rule, Ruleset, Table } from '../ast/types.js';
import type { Hook, HostModel, Outcome, Packet, PacketView, PathKind, Trace, TraceStep, Tristate, Verdict } from './types.js';
import { HOOK_STAGES, type Stage } from './hooks.js';
import { NO_SYSCTL, route, sysctl, withLoopback } from './host.js';
import { inferHost } from './infer-host.js';
import { clonePacket, viewOf, type ConntrackView, type EvalPacket, type MatchEnv, type NatBinding } from './state.js';
import { compiledChain, compiledChainAt, CORE_YES, dnatRangeOfRecord, isRuleState, NO_TESTS, matchRecordCore, packetDestinationIpv4, readTarget, TARGET_CHAIN, TARGET_NONE, TARGET_STANDARD, TARGET_UNREAD, type CompiledChain, type CoreResult, type ForkReasons, type RuleState } from './match-core.js';
import { bindMatch, matchesEveryPacket, type BoundMatch } from './matchers/index.js';
import { evaluateTarget } from './targets/index.js';
import { describeRewrite, dnatTo } from './targets/effects.js';
import { addressBytes, ipv4TextNumber } from '../net/ip.js';
import './register.js';
import type { IpSet } from './ipset.js';
import { chainsByName, type ChainsByName } from './chains-by-name.js';

export interface EvaluateOptions {
  /** The host the ruleset runs on; without it, what cannot be inferred is listed as an assumption. */
  readonly host?: HostModel;
  /**
   * The conntrack entry the packet belongs to, when conntrack already has one (see evaluateFlow):
   * the nat chains are not traversed, the binding's rewrites are applied instead.
   */
  readonly conntrack?: { readonly view: ConntrackView; readonly binding: NatBinding };
  /** ipset contents by set name, so that `-m set` is decided. */
  readonly sets?: ReadonlyMap<string, IpSet>;
  /** `statistic --mode nth` counters shared by a flow's packets (see evaluateFlow). */
  readonly nthCounters?: Map<object, number>;
}

/** nf_tables refuses rulesets whose jumps nest deeper than this (NFT_JUMP_STACK_SIZE). */
export const MAX_JUMP_DEPTH = 16;
/** Beyond this many undecided branches, further "may" matches are followed one way only. */
const MAX_BRANCHES = 64;

type Fate =
  | { readonly kind: 'continue' }
  | { readonly kind: 'final'; readonly verdict: Exclude<Verdict, 'UNDECIDED'>; readonly why: string };

/** The fate of a branch that goes on: one object, read only (every accepted table walk sets it). */
const CONTINUE: Fate = Object.freeze({ kind: 'continue' });

/**
 * Rules that did not match, one after another in a chain (skipped by the index, or tested),
 * recorded as one entry: positions [from, to). Their steps are made only when the trace's steps
 * are listed: a packet to a kube-proxy service passes thousands of rules, and a branch holds a
 * few dozen entries instead (a fork copies those).
 */
class SkippedRun {
  constructor(
    readonly compiled: CompiledChain,
    readonly from: number,
    /** Grows while the branch that made it goes on with the chain (see recordNoMatch). */
    public to: number,
    /** The hook and the depth, as hookSlot(hook) * MAX_JUMP_DEPTH + depth (the chain and table are the compiled chain's). */
    readonly slot: number,
  ) {}
}

/**
 * Where and how a rule's step was taken, as one number: the hook, the depth and the answer,
 * (hookSlot(hook) * MAX_JUMP_DEPTH + depth) * 4 + the answer's index in MATCH_OF_CODE.
 */
function stepPlace(hook: Hook, depth: number, match: Tristate): number {
  return (hookSlot(hook) * MAX_JUMP_DEPTH + depth) * 4 + (match === 'yes' ? 0 : match === 'may' ? 1 : 2);
}

/**
 * The hook's index in HOOKS_BY_SLOT, by comparing rather than by a keyed read of a constant
 * object with a varying name, which does not stay fast in the walk.
 */
function hookSlot(hook: Hook): number {
  return hook === 'PREROUTING' ? 0 : hook === 'INPUT' ? 1 : hook === 'FORWARD' ? 2 : hook === 'OUTPUT' ? 3 : 4;
}

const MATCH_OF_CODE: readonly Tristate[] = ['yes', 'may', 'no'];

/** The step a rule step or rewrite stands for (see stepPlace), made when the trace's steps are listed. */
function listedStep(state: RuleState, place: number, target: string | null, note: string | undefined, packet: PacketView | undefined): TraceStep {
  const table = state.chain.table.table;
  const slot = place >> 2;
  const hook = HOOKS_BY_SLOT[Math.floor(slot / MAX_JUMP_DEPTH)];
  const depth = slot % MAX_JUMP_DEPTH;
  const match = MATCH_OF_CODE[place & 3];
  const chain = state.chain.name;
  // One literal per set of keys: properties added after a literal would each cost the step a
  // separate properties array.
  const rule = state.number;
  const line = state.line;
  if (packet) {
    return note
      ? { hook, table: table.name, chain, rule, line, file: table.file, match, target, depth, note, packet }
      : { hook, table: table.name, chain, rule, line, file: table.file, match, target, depth, packet };
  }
  return note
    ? { hook, table: table.name, chain, rule, line, file: table.file, match, target, depth, note }
    : { hook, table: table.name, chain, rule, line, file: table.file, match, target, depth };
}

/**
 * The step of a rule whose target changed the packet (NAT, MARK): its packet view is kept, its
 * step made when the trace's steps are listed, and a NAT note (describeRewrite) with it. A packet
 * to a kube-proxy service takes a few such steps in each branch, and a batch keeps every trace.
 */
class RewriteStep {
  constructor(
    /** The rule (its chain, table, number, line and target's name are its state's). */
    readonly state: RuleState,
    /** See stepPlace. */
    readonly place: number,
    /** The note; or, with `described`, what describeRewrite says before the packet. */
    readonly text: string | undefined,
    /** describeRewrite's extra, or null when `text` is the note itself. */
    readonly described: string | null,
    readonly packet: PacketView,
  ) {}

  listed(): TraceStep {
    const note = this.described !== null ? describeRewrite(this.packet, this.text!, this.described) : this.text;
    return listedStep(this.state, this.place, this.state.targetName, note, this.packet);
  }
}

/**
 * The step of a rule that was tested and matched, may have, or did not by one of its matches,
 * without a packet: made when the trace's steps are listed. Only for a step other than the
 * rule's own (the first it took, which its state holds: the same for every packet that takes
 * it, a jump, a verdict, a random draw's "may"; see ruleStep). Nothing of the rule's chain is
 * read to make one (a packet to a kube-proxy service enters a few chains no packet before it
 * did, each a miss in a large ruleset).
 */
class RuleStep {
  constructor(
    readonly state: RuleState,
    /** See stepPlace. */
    readonly place: number,
    /** The target shown, or JUMP_LABEL for the rule's jump (`jump:NAME`, read when listed). */
    readonly target: string | null,
    readonly note: string | undefined,
  ) {}

  listed(): TraceStep {
    return listedRuleStep(this.state, this.place, this.target, this.note);
  }
}

function listedRuleStep(state: RuleState, place: number, target: string | null, note: string | undefined): TraceStep {
  return listedStep(state, place, target === JUMP_LABEL ? state.jumpCompiled!.labelFor(state.targetGoto) : target, note, undefined);
}

/** RuleStep.target of a jump to a chain: the label of the chain the rule's jump reached, made when listed. */
const JUMP_LABEL = '\u0000jump';

/** What a branch records, in order: single steps (policies), rule steps (a rule's state for its own step), skipped runs and rewrites. */
type StepEntry = TraceStep | SkippedRun | RewriteStep | RuleStep | RuleState;

function expandEntries(entries: readonly StepEntry[]): TraceStep[] {
  let n = 0;
  for (const e of entries) n += e instanceof SkippedRun ? e.to - e.from : 1;
  const steps: TraceStep[] = new Array(n);
  let k = 0;
  for (const e of entries) {
    if (e instanceof SkippedRun) {
      const run = noMatchRun(e);
      for (let i = e.from; i < e.to; i++) steps[k++] = run[i];
    }
    else if (e instanceof RuleStep || e instanceof RewriteStep) steps[k++] = e.listed();
    else if (isRuleState(e)) steps[k++] = listedRuleStep(e, e.stepPlace, e.stepTarget, e.stepNote);
    else steps[k++] = e;
  }
  return steps;
}

interface Branch {
  packet: EvalPacket;
  rewrites: { hook: Hook; note: string; packet: ReturnType<typeof viewOf> }[];
  steps: StepEntry[];
  probability: number | null;
  /** The reasons of the undecided matches the branch took (newest first; shared with the branches it forked from). */
  because: Because | null;
  path: PathKind;
  egress: string | null;
  fate: Fate;
  notes: string[];
  /**
   * The last entry of `steps` when it is a run this branch alone holds, which the next rule
   * that does not match extends (a fork shares its entries, so it closes the run for both).
   */
  openRun: SkippedRun | null;
  /** How many undecided matches the branch took as not matching. */
  misses: number;
}

/**
 * One undecided match a branch took as matching or not, and those it took before. A list that
 * shares its older part: a fork copies nothing, and its text is made only when an outcome's
 * `because` is read (see listedBecause).
 */
interface Because {
  /** The rule whose match was undecided, and the decision (a fixed one is the same object for every packet). */
  readonly state: RuleState;
  readonly decision: RuleMatch;
  readonly matched: boolean;
  readonly earlier: Because | null;
  /** How many reasons the list holds. */
  readonly count: number;
}

function because(state: RuleState, decision: RuleMatch, matched: boolean, earlier: Because | null): Because {
  return { state, decision, matched, earlier, count: earlier === null ? 1 : earlier.count + 1 };
}

/**
 * The reasons joined, oldest first, with "; ". The text is kept with the last reason's rule,
 * with the text before it: a packet through the same forks as an earlier one gets the earlier
 * one's text, and a batch keeps one copy.
 */
function becauseText(list: Because): string {
  const earlier = list.earlier === null ? '' : becauseText(list.earlier);
  const r = forkReasons(list.state, list.decision);
  const kept = list.matched ? r.afterMatched : r.afterMissed;
  if (kept !== null && kept.earlier === earlier) return kept.text;
  const own = list.matched ? r.matched : r.missed;
  // Concatenated, not joined: V8 keeps the pair of the texts it shares (a few words), not a copy.
  const joined = { earlier, text: earlier === '' ? own : earlier + '; ' + own };
  if (list.matched) r.afterMatched = joined;
  else r.afterMissed = joined;
  return joined.text;
}

/** Records that the rules at [from, to) of the walked chain did not match. */
function recordNoMatch(branch: Branch, walked: CompiledChain, depth: number, from: number, to: number, hook: Hook): void {
  const open = branch.openRun;
  const slot = hookSlot(hook) * MAX_JUMP_DEPTH + depth;
  if (open !== null && open.to === from && open.compiled === walked && open.slot === slot && branch.steps[branch.steps.length - 1] === open) {
    open.to = to;
    return;
  }
  const run = new SkippedRun(walked, from, to, slot);
  branch.steps.push(run);
  branch.openRun = run;
}

class EvaluationError extends Error {}

interface Ctx {
  /** Each hook's stages, with the tables the ruleset has (see RulesetIndex). */
  readonly stages: Readonly<Record<Hook, readonly PlannedStage[]>>;
  readonly host: HostModel;
  readonly hostKnown: boolean;
  readonly assumptions: Set<string>;
  readonly sets?: ReadonlyMap<string, IpSet>;
  readonly nthCounters?: Map<object, number>;
  branchCount: number;
  /** The match environment, one per evaluation, set by each table walk. */
  readonly env: WalkEnv;
}

/**
 * The match environment of one evaluation. The chain's name is read only when a match asks for
 * it: the walk keeps the chain object, whose name, out of cache in a large ruleset, is a miss.
 */
class WalkEnv implements MatchEnv {
  walkedChain: Chain | null = null;

  constructor(
    public packet: EvalPacket,
    public hook: Hook,
    public table: string,
    readonly host: HostModel,
    readonly hostKnown: boolean,
    readonly sets: ReadonlyMap<string, IpSet> | undefined,
    readonly nthCounters: Map<object, number> | undefined,
  ) {}

  get chain(): string {
    return this.walkedChain === null ? '' : this.walkedChain.name;
  }
}

function tableIndex(ruleset: Ruleset, family: Family, assumptions: Set<string>): Map<string, Table> {
  const tables = new Map<string, Table>();
  for (const t of ruleset.tables) {
    if (t.family !== family) continue;
    if (tables.has(t.name)) {
      assumptions.add(`the ${t.name} table appears more than once; the first one (${t.file}) is used`);
      continue;
    }
    tables.set(t.name, t);
  }
  return tables;
}

/**
 * A table's walk at one hook: the table, its chains by name, and the hook's builtin chain (found
 * the first time the hook runs; null when the table has none) with its compiled form. Kept with
 * the ruleset's index, so that a walk looks none of them up in a map: a packet to a kube-proxy
 * service walks seven tables, and a batch has thousands of packets.
 */
interface TableStage {
  readonly kind: 'table';
  readonly table: Table;
  readonly chains: ChainsByName;
  readonly hook: Hook;
  builtin: Chain | null | undefined;
  compiled: CompiledChain | null;
}

type PlannedStage = TableStage | Extract<Stage, { kind: 'conntrack' }>;

interface RulesetIndex {
  readonly stages: Readonly<Record<Hook, readonly PlannedStage[]>>;
  readonly tableAssumptions: readonly string[];
}

/** HOOK_STAGES with the ruleset's tables: a table the ruleset does not have is not a stage. */
function plannedStages(tables: ReadonlyMap<string, Table>): Record<Hook, readonly PlannedStage[]> {
  const chains = new Map<Table, ChainsByName>();
  for (const t of tables.values()) chains.set(t, chainsByName(t));
  const plan = (hook: Hook): PlannedStage[] =>
    HOOK_STAGES[hook].flatMap((stage): PlannedStage[] => {
      if (stage.kind === 'conntrack') return [stage];
      const table = tables.get(stage.table);
      return table === undefined ? [] : [{ kind: 'table', table, chains: chains.get(table)!, hook, builtin: undefined, compiled: null }];
    });
  return { PREROUTING: plan('PREROUTING'), INPUT: plan('INPUT'), FORWARD: plan('FORWARD'), OUTPUT: plan('OUTPUT'), POSTROUTING: plan('POSTROUTING') };
}

/**
 * Tables and chains by name, built once per ruleset and family: a batch (`--packets`) evaluates
 * many packets against one ruleset, and building these maps per packet cost more than the walk.
 * The AST is readonly, so an index keyed by the ruleset object stays right.
 */
const indexes = new WeakMap<Ruleset, Map<Family, RulesetIndex>>();

function indexOf(ruleset: Ruleset, family: Family): RulesetIndex {
  let byFamily = indexes.get(ruleset);
  if (!byFamily) indexes.set(ruleset, (byFamily = new Map()));
  let index = byFamily.get(family);
  if (!index) {
    const assumptions = new Set<string>();
    const tables = tableIndex(ruleset, family, assumptions);
    index = { stages: plannedStages(tables), tableAssumptions: [...assumptions] };
    byFamily.set(family, index);
  }
  return index;
}

/**
 * The packet as it enters the pipeline. Every key is written, the optional ones too, in
 * clonePacket's order: the first packet and its copies then share one shape, and the walk's
 * reads of them stay monomorphic.
 */
function initialPacket(p: Packet, conntrack: EvaluateOptions['conntrack']): EvalPacket {
  const packet: { [K in keyof Required<EvalPacket>]: EvalPacket[K] } = {
    family: p.family,
    inIface: p.in ?? '',
    outIface: '',
    physdevIn: p.physdevIn,
    physdevOut: undefined,
    src: p.src,
    dst: p.dst,
    proto: p.proto,
    sport: p.sport,
    dport: p.dport,
    tcpFlags: p.tcpFlags,
    icmpType: p.icmpType,
    icmpCode: p.icmpCode,
    mark: p.mark,
    uid: p.uid,
    length: p.length,
    ttl: p.ttl,
    ctState: p.state,
    ctDir: p.ctDir,
    tracked: false,
    notracked: undefined,
    ct: conntrack ? conntrack.view : null,
    local: p.in === null,
    bridged: false,
    natBinding: conntrack?.binding,
    srcRead: '',
    srcKind: 0,
    srcNumber: 0,
    dstRead: '',
    dstKind: 0,
    dstNumber: 0,
    view: undefined,
    viewProto: -1,
  };
  return packet;
}

function fork(b: Branch): Branch {
  b.openRun = null;
  // Written out, in the key order of a new branch: a spread with overrides is a slow copy.
  return {
    packet: clonePacket(b.packet),
    rewrites: b.rewrites.slice(),
    steps: b.steps.slice(),
    probability: b.probability,
    because: b.because,
    path: b.path,
    egress: b.egress,
    fate: b.fate,
    notes: b.notes.slice(),
    openRun: null,
    misses: b.misses,
  };
}

/**
 * What a fork's two branches say of the rule: kept with the rule for the decision it was made
 * for (a fixed one, such as a random draw's, is the same object every time), so that packets
 * through the same rules share the texts.
 */
function forkReasons(state: RuleState, decided: RuleMatch): ForkReasons {
  const last = state.lastForkReasons;
  if (last !== null && last.decision === decided) return last;
  const where = `${state.chain.table.table.name} ${state.chain.name} rule ${state.number}`;
  const why = decided.because ?? 'undecided match';
  const reasons: ForkReasons = { decision: decided, matched: [where, ' matched (', why, ')'].join(''), missed: [where, ' did not match (', why, ')'].join(''), afterMatched: null, afterMissed: null };
  state.lastForkReasons = reasons;
  return reasons;
}

/**
 * The chains a branch's walk is in, below the one it walks (which the walk keeps in locals): each
 * chain's compiled form, the position to go on from when the walk returns to it, and its depth.
 * One stack serves every table walk (a walk is never inside another, and each starts it empty):
 * frames made per walk and per jump were a large share of what a batch of packets allocates.
 */
class ChainStack {
  readonly chains: (CompiledChain | null)[] = new Array<CompiledChain | null>(MAX_JUMP_DEPTH + 1).fill(null);
  readonly positions = new Int32Array(MAX_JUMP_DEPTH + 1);
  readonly depths = new Int32Array(MAX_JUMP_DEPTH + 1);
  /** How many chains are below the walked one. */
  top = 0;
  /** How many entries of `chains` the walk wrote (cleared when it ends). */
  used = 0;

  /** Whether the chain is one the walk is in (the walked one is not on the stack). */
  holds(chain: Chain): boolean {
    for (let i = 0; i < this.top; i++) if (this.chains[i]!.chain === chain) return true;
    return false;
  }

  /** Puts the walked chain below the one a jump enters, with where it goes on from. */
  push(chain: CompiledChain, position: number, depth: number): void {
    const k = this.top++;
    this.chains[k] = chain;
    this.positions[k] = position;
    this.depths[k] = depth;
    if (this.top > this.used) this.used = this.top;
  }

  /** The stack and the walked chain as a PendingBranch keeps them: each chain, its position, its depth; the walked one last. */
  saved(walked: CompiledChain, position: number, depth: number): (CompiledChain | number)[] {
    const n = this.top;
    const frames: (CompiledChain | number)[] = new Array<CompiledChain | number>(3 * n + 3);
    for (let i = 0; i < n; i++) {
      frames[3 * i] = this.chains[i]!;
      frames[3 * i + 1] = this.positions[i];
      frames[3 * i + 2] = this.depths[i];
    }
    frames[3 * n] = walked;
    frames[3 * n + 1] = position;
    frames[3 * n + 2] = depth;
    return frames;
  }

  /** Puts back what `saved` made but for the walked chain, and returns where its three entries are. */
  restore(frames: readonly (CompiledChain | number)[]): number {
    const n = frames.length / 3 - 1;
    for (let i = 0; i < n; i++) {
      this.chains[i] = frames[3 * i] as CompiledChain;
      this.positions[i] = frames[3 * i + 1] as number;
      this.depths[i] = frames[3 * i + 2] as number;
    }
    this.top = n;
    if (n > this.used) this.used = n;
    return 3 * n;
  }

  /** Ends a walk: the stack keeps none of its chains alive (a loop: fill is a call into the runtime). */
  clear(): void {
    for (let i = 0; i < this.used; i++) this.chains[i] = null;
    this.used = 0;
  }
}

const walkStack = new ChainStack();

/**
 * A fork's other branch, to be walked once the branch that forked is done, and the chains it is
 * in, bottom first, the walked one last: each chain, then where it goes on from and its depth
 * (one list, as a fork is made for every endpoint of a kube-proxy service).
 */
class PendingBranch {
  constructor(
    readonly branch: Branch,
    readonly frames: (CompiledChain | number)[],
  ) {}
}

/** Fork branches waiting for their walk (see PendingBranch): one list for every walk, as walkStack. */
const pendingBranches: PendingBranch[] = [];

/**
 * Walks one table's builtin chain for the hook, and adds every branch, with its fate for this
 * table, to `done`.
 */
function runTable(ctx: Ctx, start: Branch, stage: TableStage, done: Branch[]): void {
  const { table, chains, hook } = stage;
  if (stage.builtin === undefined) stage.builtin = chains(hook) ?? null;
  const builtin = stage.builtin;
  if (builtin === null) {
    done.push(start);
    return;
  }
  const stack = walkStack;
  const pending = pendingBranches;
  // Left over only by a walk an error ended (setting the length is a call into the runtime).
  if (pending.length !== 0) pending.length = 0;
  // One environment for the evaluation (matches read it at once and keep nothing): the packet
  // changes with the branch, the hook and table with the walk, the chain as the walk goes.
  const env = ctx.env;
  env.hook = hook;
  env.table = table.name;
  env.walkedChain = null;
  // A listing without -v hides interfaces: every rule is then "may", none can be skipped.
  const canSkip = table.listing === undefined || table.listing.verbose;
  let branch = start;
  // The walked chain, the position of the next rule in it, and its depth. The walk starts in the
  // stage's compiled chain, unless compiledChain would now make another (see CompiledChain.stale).
  const kept = stage.compiled;
  let walked: CompiledChain = kept !== null && !kept.stale ? kept : (stage.compiled = compiledChain(builtin, table));
  let position = 0;
  let depth = 0;
  stack.top = 0;
  for (;;) {
    env.packet = branch.packet;
    for (;;) {
      const destination = canSkip && position < walked.length ? packetDestinationIpv4(branch.packet) : -1;
      if (destination >= 0) {
        // Rules for other destinations do not match: record them and go on from the next one that may.
        const next = walked.nextCandidate(position, destination);
        if (next > position) {
          recordNoMatch(branch, walked, depth, position, next, hook);
          position = next;
        }
      }
      if (!walked.has(position)) {
        if (stack.top > 0) {
          const k = --stack.top;
          walked = stack.chains[k]!;
          position = stack.positions[k];
          depth = stack.depths[k];
          continue;
        }
        // The end of the bottom chain (the builtin one, or a chain it reached by -g): the
        // builtin chain's policy, since a goto leaves no return address.
        applyPolicy(branch, hook, table, builtin);
        break;
      }
      // The rule's objects are not read for a rule whose core does not match (most of them): its
      // record has all that is needed, and reading less memory is most of the speed here.
      const at = position++;
      const core = matchRecordCore(walked, at, table, branch.packet);
      if (core.result === 'no') {
        recordNoMatch(branch, walked, depth, at, position, hook);
        continue;
      }
      const compiled = walked.stateAt(at);
      env.walkedChain = walked.chain;
      const decided = matchRule(compiled, core, env);
      if (decided.result === 'no') {
        recordNoMatch(branch, walked, depth, at, position, hook);
        continue;
      }
      if (decided.result === 'may') {
        if (ctx.branchCount < MAX_BRANCHES) {
          ctx.branchCount++;
          // The branch where the rule does not match goes on from the next rule.
          const other = fork(branch);
          other.steps.push(missStep(hook, depth, compiled, decided.because));
          other.because = because(compiled, decided, false, other.because);
          other.misses++;
          if (decided.probability !== undefined) other.probability = (other.probability ?? 1) * (1 - decided.probability);
          pending.push(new PendingBranch(other, stack.saved(walked, position, depth)));
          branch.because = because(compiled, decided, true, branch.because);
          if (decided.probability !== undefined) branch.probability = (branch.probability ?? 1) * decided.probability;
        } else {
          ctx.assumptions.add(`more than ${MAX_BRANCHES} undecided matches: later ones are assumed to match`);
        }
      }
      const targetKind = compiled.targetKind === TARGET_UNREAD ? readTarget(compiled) : compiled.targetKind;
      if (targetKind === TARGET_NONE) {
        branch.steps.push(ruleStep(hook, depth, compiled, decided.result, null, decided.because));
        continue;
      }
      const targetName = compiled.targetName;
      if (targetKind === TARGET_STANDARD) {
        branch.steps.push(ruleStep(hook, depth, compiled, decided.result, targetName, decided.because));
        if (targetName === 'RETURN') {
          if (stack.top > 0) {
            const k = --stack.top;
            walked = stack.chains[k]!;
            position = stack.positions[k];
            depth = stack.depths[k];
            continue;
          }
          // RETURN in a builtin chain: the policy decides.
          applyPolicy(branch, hook, table, builtin);
          break;
        }
        if (targetName === 'ACCEPT') branch.fate = CONTINUE;
        else branch.fate = { kind: 'final', verdict: targetName as 'DROP' | 'QUEUE', why: `${table.name} ${walked.name} rule ${compiled.number} (${targetName})` };
        break;
      }
      if (targetKind === TARGET_CHAIN) {
        const goto = compiled.targetGoto;
        // Found once per rule (a rule's state belongs to one table's walk: see match-core's
        // CompiledTable): by the index the parse resolved, else by name.
        let nextCompiled = compiled.jumpCompiled;
        if (nextCompiled === null) {
          if (compiled.jumpIndex >= 0) {
            nextCompiled = compiledChainAt(table, compiled.jumpIndex, compiled.record);
          } else {
            const found = chains(targetName);
            if (!found) throw new EvaluationError(`chain ${targetName} does not exist in table ${table.name}`);
            nextCompiled = compiledChain(found, table);
          }
          compiled.jumpCompiled = nextCompiled;
        }
        const next = nextCompiled.chain;
        branch.steps.push(ruleStep(hook, depth, compiled, decided.result, JUMP_LABEL, decided.because));
        if (next === walked.chain || stack.holds(next)) {
          throw new EvaluationError(`loop: chain ${next.name} is reached again from ${walked.name} (the kernel refuses such a ruleset)`);
        }
        const nextDepth = goto ? depth : depth + 1;
        if (nextDepth >= MAX_JUMP_DEPTH) {
          throw new EvaluationError(`jumps nest deeper than ${MAX_JUMP_DEPTH} at ${table.name} ${next.name} (nf_tables refuses such a ruleset)`);
        }
        // A goto leaves no return address: the chain it reaches takes the walked one's place.
        if (!goto) stack.push(walked, position, depth);
        walked = nextCompiled;
        position = 0;
        depth = nextDepth;
        continue;
      }
      // An extension target: its options are in the AST's target.
      const effect = compiled.recordDnat !== null ? dnatTo(dnatRangeOfRecord(compiled), env) : evaluateTarget(compiled.rule.target!, env);
      const changed = effect.kind === 'nat' || (effect.kind === 'continue' && effect.changed);
      if (changed) {
        const place = stepPlace(hook, depth, decided.result);
        const view = viewOf(branch.packet);
        branch.steps.push(
          effect.kind === 'nat' && effect.rewrite !== undefined
            ? new RewriteStep(compiled, place, effect.rewrite, effect.extra, view)
            : new RewriteStep(compiled, place, effect.note ?? decided.because, null, view),
        );
      } else {
        branch.steps.push(ruleStep(hook, depth, compiled, decided.result, targetName, effect.note ?? decided.because));
      }
      if (effect.kind === 'continue') continue;
      if (effect.kind === 'nat') {
        branch.fate = CONTINUE;
      } else if (effect.verdict === 'ACCEPT') {
        branch.fate = CONTINUE;
      } else {
        branch.fate = { kind: 'final', verdict: effect.verdict, why: `${table.name} ${walked.name} rule ${compiled.number} (${targetName})` };
      }
      break;
    }
    done.push(branch);
    const next = pending.pop();
    if (next === undefined) break;
    branch = next.branch;
    const frames = next.frames;
    const at = stack.restore(frames);
    walked = frames[at] as CompiledChain;
    position = frames[at + 1] as number;
    depth = frames[at + 2] as number;
  }
  stack.clear();
}

/**
 * The step of a rule that did not match depends only on the rule, its chain, the hook and the
 * depth, so one frozen object serves every packet (noMatchRun keeps them per chain): a packet to
 * a kube-proxy service passes thousands of rules, and a step object for each, per packet, was
 * most of a batch's allocation and memory.
 */
const HOOKS_BY_SLOT: readonly Hook[] = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

function noMatchStep(rule: number, line: number, hook: Hook, table: Table, chain: string, depth: number): TraceStep {
  return Object.freeze({ hook, table: table.name, chain, rule, line, file: table.file, match: 'no', target: null, depth });
}

/**
 * noMatchStep of every rule of the run's chain up to the run's end, for its hook and depth: built
 * once (when a trace's steps are first listed), up to the furthest rule asked for, and copied
 * from for every trace that skipped part of the chain.
 */
function noMatchRun(e: SkippedRun): readonly TraceStep[] {
  const compiled = e.compiled;
  const slot = e.slot;
  const hook = HOOKS_BY_SLOT[Math.floor(slot / MAX_JUMP_DEPTH)];
  const depth = slot % MAX_JUMP_DEPTH;
  // Compiled chains are per table (a chain object two tables share has one in each).
  const table = compiled.table.table;
  const runs = (compiled.noMatchRuns ??= new Map());
  let run = runs.get(slot);
  if (!run) runs.set(slot, (run = []));
  for (let i = run.length; i < e.to; i++) run.push(noMatchStep(compiled.numberAt(i), compiled.lineAt(i), hook, table, compiled.name, depth));
  return run;
}

function applyPolicy(branch: Branch, hook: Hook, table: Table, chain: Chain): void {
  const policy = chain.policy ?? 'ACCEPT';
  if (chain.policy === null) {
    branch.notes.push(`the policy of ${table.name} ${chain.name} is not shown by the input; ACCEPT assumed`);
  }
  branch.steps.push({
    hook,
    table: table.name,
    chain: chain.name,
    rule: null,
    line: chain.span.line,
    file: table.file,
    match: 'yes',
    target: `policy:${policy}`,
    depth: 0,
  });
  branch.fate = policy === 'ACCEPT' ? CONTINUE : { kind: 'final', verdict: 'DROP', why: `the policy of ${table.name} ${chain.name} (DROP)` };
}

/**
 * The step of a rule that was tested and matched, may have, or did not by one of its matches:
 * the rule's own (its state, see RuleState.stepPlace) when it says the same or when the rule has
 * none yet, else a step object. Packets through the same rules then share them, and a rule met
 * once costs no object.
 */
function ruleStep(hook: Hook, depth: number, compiled: RuleState, match: Tristate, target: string | null, note?: string): RuleStep | RuleState {
  const place = stepPlace(hook, depth, match);
  if (compiled.stepPlace === place && compiled.stepTarget === target && compiled.stepNote === note) return compiled;
  if (compiled.stepPlace === -1) {
    compiled.stepPlace = place;
    compiled.stepTarget = target;
    compiled.stepNote = note;
    return compiled;
  }
  return new RuleStep(compiled, place, target, note);
}

/**
 * The step of a rule whose "may" the branch takes as not matching (a fork's other branch): kept
 * apart from the rule's lastStep, which the branch where it matched takes at the same time, so
 * that neither is made anew for every packet.
 */
function missStep(hook: Hook, depth: number, compiled: RuleState, note: string | undefined): RuleStep {
  const place = stepPlace(hook, depth, 'may');
  const last = compiled.lastMissStep as RuleStep | null;
  if (last !== null && last.place === place && last.note === note) return last;
  return (compiled.lastMissStep = new RuleStep(compiled, place, null, note));
}

type RuleMatch = { readonly result: Tristate; readonly because?: string; readonly probability?: number };
const RULE_NO: RuleMatch = Object.freeze({ result: 'no' });
const RULE_YES: RuleMatch = Object.freeze({ result: 'yes' });



/** The rule's matches that take part in deciding: all but those that match every packet. */
function evaluatedMatches(rule: Rule): readonly Match[] {
  return rule.matches.filter((m) => !matchesEveryPacket(m));
}

function matchRule(compiled: RuleState, core: CoreResult, env: MatchEnv): RuleMatch {
  if (core.result === 'no') return RULE_NO;
  // Each match's test, made once per rule rather than looked up by module name per packet, and
  // none for the matches that match every packet (comment). A rule whose record holds its
  // matches has its tests already (see compiledChain's stateAt).
  let evaluators = compiled.matchEvaluators;
  if (evaluators === null) {
    const matches = evaluatedMatches(compiled.rule);
    evaluators = compiled.matchEvaluators = matches.length ? matches.map(bindMatch) : NO_TESTS;
  }
  if (compiled.fixedDecision === undefined) compiled.fixedDecision = fixedDecisionOf(compiled, evaluators, env);
  // Tests that answer the same for every packet are not asked again: the rule's objects then
  // stay unread (a kube-proxy service's random draws, met once per packet to the service).
  if (compiled.fixedDecision !== null && core === CORE_YES) return compiled.fixedDecision;
  return decideMatches(compiled, core, evaluators, env);
}

/**
 * The answer of tests that answer the same for every packet (see RuleState.fixedDecision), kept
 * by the tests: rules whose records hold the same simple match share their tests (a kube-proxy
 * ruleset's random draws of a few thresholds), and so their answer. A bounded cache.
 */
const fixedDecisions = new Map<readonly BoundMatch[], RuleMatch>();

function fixedDecisionOf(compiled: RuleState, evaluators: readonly BoundMatch[], env: MatchEnv): RuleMatch | null {
  for (const test of evaluators) if (test.fixed === undefined) return null;
  // A rule that could not be read whole only "may" match, whatever its tests say.
  if (compiled.unparsed) return decideMatches(compiled, CORE_YES, evaluators, env);
  let decision = fixedDecisions.get(evaluators);
  if (decision === undefined) {
    decision = decideMatches(compiled, CORE_YES, evaluators, env);
    if (fixedDecisions.size >= 4096) fixedDecisions.clear();
    fixedDecisions.set(evaluators, decision);
  }
  return decision;
}

function decideMatches(compiled: RuleState, core: CoreResult, evaluators: readonly BoundMatch[], env: MatchEnv): RuleMatch {
  let result: Tristate = core.result;
  let because = core.because;
  let probability: number | undefined;
  for (let i = 0; i < evaluators.length; i++) {
    const r = evaluators[i](env);
    if (r.result === 'no') return RULE_NO;
    if (r.result === 'may') {
      result = 'may';
      const why = r.because ?? evaluatedMatches(compiled.rule)[i].module;
      because = because ? `${because}; ${why}` : why;
      if (r.probability !== undefined) probability = (probability ?? 1) * r.probability;
    }
  }
  if (compiled.unparsed) {
    result = 'may';
    because = because ?? 'part of the rule could not be read from the listing';
  }
  if (result === 'yes' && because === undefined) return RULE_YES;
  return { result, because, probability };
}

/** Conntrack's NAT for a known connection: destination at PREROUTING/OUTPUT, source at INPUT/POSTROUTING. */
function applyBinding(b: Branch, hook: Hook): void {
  const binding = b.packet.natBinding!;
  const p = b.packet;
  const manip = hook === 'PREROUTING' || hook === 'OUTPUT' ? binding.dst : binding.src;
  if (!manip) return;
  const side = manip === binding.dst ? 'destination' : 'source';
  if (side === 'destination') {
    p.dst = manip.addr;
    if (manip.port !== undefined && p.dport !== undefined) p.dport = manip.port;
  } else {
    p.src = manip.addr;
    if (manip.port !== undefined && p.sport !== undefined) p.sport = manip.port;
  }
  b.rewrites.push({ hook, note: `conntrack rewrites the ${side} to ${manip.addr}${manip.port !== undefined ? ':' + manip.port : ''} (NAT of this connection)`, packet: viewOf(p) });
}

/** Runs one hook's stages for every live branch. */
function runHook(ctx: Ctx, branches: Branch[], hook: Hook, opts: { natAllowed: boolean; conntrack: boolean }): Branch[] {
  let live = branches;
  for (const stage of ctx.stages[hook]) {
    if (stage.kind === 'conntrack') {
      if (opts.conntrack) for (const b of live) if (b.fate.kind !== 'final') attachConntrack(b.packet);
      continue;
    }
    const nat = stage.table.name === 'nat';
    const next: Branch[] = [];
    for (const b of live) {
      if (b.fate.kind === 'final') {
        next.push(b);
        continue;
      }
      if (nat && b.packet.natBinding) {
        applyBinding(b, hook);
        next.push(b);
        continue;
      }
      // nat chains see only the first packet of a connection (and never untracked or invalid ones).
      if (nat && !(opts.natAllowed && b.packet.tracked && b.packet.ctState === 'NEW')) {
        next.push(b);
        continue;
      }
      runTable(ctx, b, stage, next);
    }
    live = next;
  }
  return live;
}

/**
 * Conntrack at PREROUTING/OUTPUT: the packet gets its entry (none when INVALID, the untracked
 * one after NOTRACK). A single packet's entry is built from the packet itself: its original
 * tuple is the packet as seen here (or swapped, for a reply), not yet NATed.
 */
function attachConntrack(p: EvalPacket): void {
  p.tracked = true;
  if (p.ct || p.ctState === 'INVALID' || p.ctState === 'UNTRACKED') return;
  // A tuple that is its own reverse (same address and port at both ends) is found by conntrack
  // through its reply-direction entry, which the hash chain holds first.
  if (p.ctState !== 'NEW' && p.src === p.dst && p.sport === p.dport) p.ctDir = 'REPLY';
  let status: readonly string[] = NO_STATUS;
  if (p.ctState !== 'NEW') {
    const s = ['CONFIRMED'];
    if (p.ctState === 'ESTABLISHED' || p.ctDir === 'REPLY') s.push('SEEN_REPLY');
    if (p.ctState === 'RELATED') s.push('EXPECTED');
    status = s;
  }
  // The original tuple is the packet's (or, for a reply, the packet's swapped); the reply tuple its reverse.
  p.ct = p.ctDir === 'REPLY'
    ? { origSrc: p.dst, origDst: p.src, origSport: p.dport, origDport: p.sport, replSrc: p.src, replDst: p.dst, replSport: p.sport, replDport: p.dport, status, mark: 0 }
    : { origSrc: p.src, origDst: p.dst, origSport: p.sport, origDport: p.dport, replSrc: p.dst, replDst: p.src, replSport: p.dport, replDport: p.sport, status, mark: 0 };
}

/** The status of a new connection's entry: none yet (shared, and never changed: NAT makes a new list). */
const NO_STATUS: readonly string[] = Object.freeze([]);

function isMartian(p: EvalPacket, host: HostModel): string | null {
  if (p.family !== 4 || p.inIface === 'lo') return null;
  const localnet = sysctl(host, 'net.ipv4.conf.all.route_localnet', 0) === 1;
  if (firstByte(p.src) === 127) return `martian source ${p.src} on ${p.inIface}: the kernel drops it before routing`;
  if (firstByte(p.dst) === 127 && !localnet) return `martian destination ${p.dst} on ${p.inIface}: the kernel drops it before routing (route_localnet is off)`;
  return null;
}

/** An address's first byte (-1 when the text is no address): a plain IPv4 text is read without a byte list. */
function firstByte(text: string): number {
  const n = ipv4TextNumber(text);
  if (n >= 0) return n >>> 24;
  const bytes = addressBytes(text);
  return bytes === null ? -1 : bytes[0];
}

/** The same text for every packet of a batch, so that each trace does not keep a copy. */
const IPV4_FORWARDING_ASSUMED = 'net.ipv4.ip_forward not given: forwarding assumed on';
const IPV6_FORWARDING_ASSUMED = 'net.ipv6.conf.all.forwarding not given: forwarding assumed on';

function forwardingEnabled(ctx: Ctx, family: Family): boolean {
  const name = family === 4 ? 'net.ipv4.ip_forward' : 'net.ipv6.conf.all.forwarding';
  if (ctx.host.sysctl[name] === undefined) {
    ctx.assumptions.add(family === 4 ? IPV4_FORWARDING_ASSUMED : IPV6_FORWARDING_ASSUMED);
    return true;
  }
  return sysctl(ctx.host, name, 0) === 1;
}

function isBridgePort(host: HostModel, name: string): boolean {
  // A loop, not some() with a closure: asked for every packet.
  for (const i of host.interfaces) if (i.name === name && i.bridge === true) return true;
  return false;
}

/** Routing decision for a packet that arrived (after PREROUTING). */
/**
 * Reverse-path filtering (IPv4, fib_validate_source): with rp_filter 1 the route back to the
 * source must leave by the interface the packet came in by; with 2 the source must be routable
 * at all. The kernel uses the larger of `all` and the interface's own setting.
 */
function reversePathDrop(ctx: Ctx, p: EvalPacket): string | null {
  if (p.family !== 4 || p.bridged || p.inIface === 'lo' || p.inIface === '') return null;
  if (ctx.host.sysctl === NO_SYSCTL) return null;
  const mode = Math.max(sysctl(ctx.host, 'net.ipv4.conf.all.rp_filter', 0), sysctl(ctx.host, `net.ipv4.conf.${p.inIface}.rp_filter`, 0));
  if (mode === 0) return null;
  const back = route(ctx.host, p.src);
  if (mode === 1 && (back.local || back.dev !== p.inIface)) {
    return `reverse-path filter (rp_filter=1): the route back to ${p.src} ${back.dev ? `leaves by ${back.local ? 'lo' : back.dev}` : 'does not exist'}, not ${p.inIface}`;
  }
  if (mode === 2 && back.dev === null) return `reverse-path filter (rp_filter=2): there is no route back to ${p.src}`;
  return null;
}

function routeIncoming(ctx: Ctx, b: Branch): void {
  const p = b.packet;
  const rpDrop = reversePathDrop(ctx, p);
  if (rpDrop) {
    b.path = 'prerouting';
    b.fate = { kind: 'final', verdict: 'DROP', why: `${rpDrop}: the kernel drops it at the routing decision` };
    return;
  }
  const r = route(ctx.host, p.dst);
  if (r.local) {
    b.path = 'input';
    b.egress = null;
    return;
  }
  if (r.dev === null) {
    b.path = 'prerouting';
    b.fate = { kind: 'final', verdict: 'DROP', why: `routing: ${r.unreachable ?? 'no route'}` };
    return;
  }
  b.path = 'forward';
  b.egress = r.dev;
  p.outIface = r.dev;
  if (p.bridged) return;
  if (!forwardingEnabled(ctx, p.family)) {
    b.fate = { kind: 'final', verdict: 'DROP', why: `forwarding is off (${p.family === 4 ? 'net.ipv4.ip_forward' : 'net.ipv6.conf.all.forwarding'} = 0): the kernel drops it outside iptables` };
    return;
  }
  // ip_forward()/ip6_forward() lower the TTL before the FORWARD hook; at 1 the packet expires there.
  if (p.ttl <= 1) {
    b.fate = { kind: 'final', verdict: 'DROP', why: `TTL ${p.ttl} expires when forwarded: the kernel answers time-exceeded and drops it before FORWARD` };
    return;
  }
  p.ttl -= 1;
}

export function evaluatePacket(ruleset: Ruleset, packet: Packet, options: EvaluateOptions = {}): Trace {
  const assumptions = new Set<string>();
  let host: HostModel;
  if (options.host) {
    host = withLoopback(options.host);
  } else {
    assumptions.add('no host model given (--host): the host was guessed from the ruleset and the packet');
    host = inferHost(ruleset, packet, assumptions);
  }
  const { stages, tableAssumptions } = indexOf(ruleset, packet.family);
  for (const a of tableAssumptions) assumptions.add(a);
  const first = initialPacket(packet, options.conntrack);
  const hostKnown = options.host !== undefined;
  const env = new WalkEnv(first, 'PREROUTING', '', host, hostKnown, options.sets, options.nthCounters);
  const ctx: Ctx = { stages, host, hostKnown, assumptions, sets: options.sets, nthCounters: options.nthCounters, branchCount: 0, env };

  const start: Branch = {
    packet: first,
    rewrites: [],
    steps: [],
    probability: null,
    because: null,
    path: packet.in === null ? 'output' : 'prerouting',
    egress: null,
    fate: CONTINUE,
    notes: [],
    openRun: null,
    misses: 0,
  };

  let branches: Branch[];
  try {
    branches = packet.in === null ? outputPath(ctx, start) : incomingPath(ctx, [start]);
  } catch (e) {
    if (e instanceof EvaluationError) {
      return {
        verdict: 'UNDECIDED',
        path: start.path,
        egress: null,
        packet: viewOf(start.packet),
        steps: [],
        summary: `netfate cannot evaluate this ruleset: ${e.message}`,
        assumptions: [...assumptions, e.message],
      };
    }
    throw e;
  }
  return summarize(branches, assumptions);
}

function incomingPath(ctx: Ctx, branches: Branch[]): Branch[] {
  // Lists made only where there are branches (a batch's packets mostly take one path), and no
  // spread: every list here is made for every packet of a batch.
  const results: Branch[] = [];
  const toInput: Branch[] = [];
  const toForward: Branch[] = [];
  for (const b of branches) {
    const p = b.packet;
    // Bridged traffic between ports of one bridge goes through iptables only with br_netfilter on.
    const r = route(ctx.host, p.dst);
    if (isBridgePort(ctx.host, p.inIface) && !r.local && r.dev === p.inIface) {
      p.bridged = true;
      if (ctx.host.sysctl['net.bridge.bridge-nf-call-iptables'] === undefined) {
        ctx.assumptions.add('net.bridge.bridge-nf-call-iptables not given: bridged traffic assumed to pass through iptables (br_netfilter loaded, as Docker sets it)');
      } else if (sysctl(ctx.host, 'net.bridge.bridge-nf-call-iptables', 0) !== 1) {
        b.path = 'forward';
        b.egress = p.inIface;
        b.notes.push(`bridged between ports of ${p.inIface} with bridge-nf-call-iptables off: iptables never sees it`);
        results.push(b);
        continue;
      }
    }
    const martian = isMartian(p, ctx.host);
    for (const x of runHook(ctx, [b], 'PREROUTING', PREROUTING_HOOK)) {
      if (x.fate.kind === 'continue' && martian) x.fate = { kind: 'final', verdict: 'DROP', why: martian };
      if (x.fate.kind === 'final') {
        x.path = 'prerouting';
        results.push(x);
        continue;
      }
      routeIncoming(ctx, x);
      if ((x.fate as Fate).kind === 'final') results.push(x);
      else if (x.path === 'input') toInput.push(x);
      else if (x.path === 'forward') toForward.push(x);
    }
  }
  const input = toInput.length ? runHook(ctx, toInput, 'INPUT', INPUT_HOOK) : toInput;
  const forward = toForward.length ? runHook(ctx, toForward, 'FORWARD', FORWARD_HOOK) : toForward;
  const forwarded: Branch[] = [];
  for (const b of input) results.push(b);
  for (const b of forward) {
    if (b.fate.kind === 'final') results.push(b);
    else forwarded.push(b);
  }
  const post = forwarded.length ? runHook(ctx, forwarded, 'POSTROUTING', POSTROUTING_HOOK) : forwarded;
  for (const b of post) {
    hairpinCheck(ctx, b);
    results.push(b);
  }
  return results;
}

const PREROUTING_HOOK = Object.freeze({ natAllowed: true, conntrack: true });
const INPUT_HOOK = Object.freeze({ natAllowed: true, conntrack: false });
const FORWARD_HOOK = Object.freeze({ natAllowed: false, conntrack: false });
const POSTROUTING_HOOK = Object.freeze({ natAllowed: true, conntrack: false });

/**
 * A frame that must leave a bridge by the port it came in by (a container reaching itself
 * through a published port) is sent only when that port is in hairpin mode; otherwise the
 * bridge drops it after iptables has accepted it.
 */
function hairpinCheck(ctx: Ctx, b: Branch): void {
  const p = b.packet;
  if (b.fate.kind !== 'continue' || !p.physdevIn || !b.egress) return;
  const port = ctx.host.interfaces.find((i) => i.name === p.physdevIn);
  if (!port || port.master !== b.egress) return;
  // Only a packet going back to its own sender (after DNAT) takes the port it came in by.
  const backToSender = p.ctDir !== 'REPLY' && (p.dst === (p.ct?.origSrc ?? null) || p.dst === p.src);
  if (!backToSender || port.hairpin === true) return;
  b.fate = {
    kind: 'final',
    verdict: 'DROP',
    why: `the bridge ${b.egress} would send it back out of ${p.physdevIn}, the port it came in by, and hairpin mode is off on that port`,
  };
}

function outputPath(ctx: Ctx, start: Branch): Branch[] {
  const p = start.packet;
  const first = route(ctx.host, p.dst);
  if (first.dev === null) {
    start.fate = { kind: 'final', verdict: 'DROP', why: `routing: ${first.unreachable ?? 'no route'} (the sender gets an error before OUTPUT)` };
    return [start];
  }
  p.outIface = first.dev;
  start.egress = first.dev;
  const results: Branch[] = [];
  const afterOutput = runHook(ctx, [start], 'OUTPUT', { natAllowed: true, conntrack: true });
  const rerouted: Branch[] = [];
  for (const b of afterOutput) {
    if (b.fate.kind === 'final') {
      results.push(b);
      continue;
    }
    // nat OUTPUT may have changed the destination: the kernel routes the packet again.
    const r = route(ctx.host, b.packet.dst);
    if (r.dev === null) {
      b.fate = { kind: 'final', verdict: 'DROP', why: `routing after OUTPUT: ${r.unreachable ?? 'no route'}` };
      results.push(b);
      continue;
    }
    b.packet.outIface = r.dev;
    b.egress = r.dev;
    rerouted.push(b);
  }
  const post = runHook(ctx, rerouted, 'POSTROUTING', { natAllowed: true, conntrack: false });
  for (const b of post) {
    if (b.fate.kind === 'final' || b.egress !== 'lo') {
      results.push(b);
      continue;
    }
    // Sent to one of our own addresses: back in through lo. Conntrack already has the entry,
    // so the nat chains are not traversed again.
    b.packet.inIface = 'lo';
    b.packet.outIface = '';
    b.packet.local = false;
    const pre = runHook(ctx, [b], 'PREROUTING', { natAllowed: false, conntrack: true });
    const done: Branch[] = [];
    for (const x of pre) {
      if (x.fate.kind === 'final') {
        done.push(x);
        continue;
      }
      done.push(...runHook(ctx, [x], 'INPUT', { natAllowed: false, conntrack: false }));
    }
    for (const x of done) {
      x.path = 'output';
      x.egress = 'lo';
    }
    results.push(...done);
  }
  return results;
}

function verdictOf(b: Branch): Exclude<Verdict, 'UNDECIDED'> {
  return b.fate.kind === 'final' ? b.fate.verdict : 'ACCEPT';
}

/**
 * The last single step that passes, and the entry it is listed from (a skipped run holds only
 * rules that did not match).
 */
function findLast(entries: readonly StepEntry[], test: (step: TraceStep) => boolean): { readonly entry: StepEntry; readonly step: TraceStep } | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    // A rewrite's target is an extension's (DNAT, MARK), and a jump's a label: never a verdict
    // the tests look for. Rule steps are made only for those that may be.
    if (e instanceof SkippedRun || e instanceof RewriteStep) continue;
    const step = e instanceof RuleStep ? verdictStep(e.state, e.place, e.target, e.note) : isRuleState(e) ? verdictStep(e, e.stepPlace, e.stepTarget, e.stepNote) : e;
    if (step !== null && test(step)) return { entry: e, step };
  }
  return undefined;
}

/** A rule step's listed step, when its target may be a verdict (not none, nor a jump's label). */
function verdictStep(state: RuleState, place: number, target: string | null, note: string | undefined): TraceStep | null {
  return target === null || target === JUMP_LABEL ? null : listedRuleStep(state, place, target, note);
}

/** The step that decided an accepted packet: the last verdict in filter (or security/mangle/raw); nat policies decide nothing. */
function deciding(s: TraceStep): boolean {
  return s.match !== 'no' && s.table !== 'nat' && s.target !== null && (s.target === 'ACCEPT' || s.target.startsWith('policy:'));
}

function decidingInFilter(s: TraceStep): boolean {
  return deciding(s) && s.table === 'filter';
}

/**
 * The last accepted sentence without notes, with the step entry that decided it and where the
 * packet went: the packets of a batch are mostly decided by the same rule (a rule's entry and
 * its listed step never change), and their sentence is then not written again.
 */
const lastAccepted = { entry: null as WeakRef<StepEntry> | null, where: '', text: '' };

function sentence(b: Branch): string {
  const v = verdictOf(b);
  const where = b.path === 'input' ? 'delivered to this host' : b.path === 'forward' ? `forwarded out of ${b.egress}` : b.path === 'output' ? `sent out of ${b.egress}` : 'accepted';
  if (v === 'ACCEPT') {
    // Searched from the end in place: copying and reversing a kube-proxy trace's thousands of steps per branch showed in batches.
    const found = findLast(b.steps, decidingInFilter) ?? findLast(b.steps, deciding);
    const plain = b.notes.length === 0;
    // Held weakly: a ruleset the caller has dropped is not kept alive by its last sentence.
    if (plain && found !== undefined && lastAccepted.entry?.deref() === found.entry && lastAccepted.where === where) return lastAccepted.text;
    const last = found?.step;
    const by = last ? [' (last decided by ', last.table, ' ', last.chain, last.rule === null ? ' policy' : ` rule ${last.rule}`, ')'].join('') : '';
    // Joined rather than a template: one flat string, kept by every trace of a batch.
    const text = sharedText(['ACCEPT: ', where, by, '.', plain ? '' : ' ' + b.notes.join('; ') + '.'].join(''));
    if (plain && found !== undefined) {
      lastAccepted.entry = new WeakRef(found.entry);
      lastAccepted.where = where;
      lastAccepted.text = text;
    }
    return text;
  }
  return `${v}: ${b.fate.kind === 'final' ? b.fate.why : ''}.`;
}

/**
 * The one copy of a text many traces of a batch say alike (a sentence, say: packets to
 * different services of a kube-proxy ruleset are mostly "forwarded out of eth0, decided by the
 * same rule"). A bounded map: a batch of texts all different keeps only the first few thousand.
 */
const sharedTexts = new Map<string, string>();

function sharedText(text: string): string {
  const shared = sharedTexts.get(text);
  if (shared !== undefined) return shared;
  if (sharedTexts.size < 4096) sharedTexts.set(text, text);
  return text;
}

/**
 * One outcome per distinct fate (verdict, and where the packet ends up: a kube-proxy service's
 * endpoints are distinct fates with their shares); the branch with the fewest undecided matches
 * explains it, and the chances of branches with the same fate add up.
 */
/** Same verdict, path and egress, and the packet leaves with the same addresses and ports. */
function sameFate(a: Branch, b: Branch): boolean {
  const p = a.packet;
  const q = b.packet;
  return verdictOf(a) === verdictOf(b) && a.path === b.path && a.egress === b.egress && p.src === q.src && p.sport === q.sport && p.dst === q.dst && p.dport === q.dport;
}

function reasonCount(b: Branch): number {
  return b.because === null ? 0 : b.because.count;
}

function outcomesOf(branches: Branch[]): Outcome[] {
  // Compared field by field (a few dozen branches at most), not by a text key per branch.
  // Loops rather than find, reduce and map with closures: this runs for every packet of a batch.
  const groups: Branch[][] = [];
  for (const b of branches) {
    let group: Branch[] | undefined;
    for (const g of groups) {
      if (sameFate(g[0], b)) {
        group = g;
        break;
      }
    }
    if (group) group.push(b);
    else groups.push([b]);
  }
  const outcomes: Outcome[] = new Array<Outcome>(groups.length);
  for (let k = 0; k < groups.length; k++) {
    const group = groups[k];
    const verdict = verdictOf(group[0]);
    let simplest = group[0];
    let known = true;
    let probability = 0;
    for (const b of group) {
      if (reasonCount(b) < reasonCount(simplest)) simplest = b;
      if (b.probability === null) known = false;
      else probability += b.probability;
    }
    const egress = simplest.path === 'input' ? null : simplest.egress;
    const reasons = simplest.because;
    outcomes[k] = new LazyOutcome(verdict, known ? probability : null, reasons === null ? sentence(simplest) : reasons, viewOf(simplest.packet), simplest.path, egress, simplest.steps);
  }
  return outcomes;
}

/**
 * Makes an outcome: `because` (the reasons' text when read, see listedBecause) and `steps` (see
 * LAZY_STEPS) defined in their places among the keys. Made by `new`, not as a literal: V8
 * then gives the object room for all its keys (a literal has room for those written in it, and
 * each outcome would have a separate array for the keys added after `because`). Its prototype is
 * Object.prototype, as a literal's: an outcome is a plain object.
 */
function initOutcome(
  this: Mutable<Outcome> & LazySteps & LazyBecause,
  verdict: Outcome['verdict'],
  probability: number | null,
  because: string | Because,
  packet: PacketView,
  path: PathKind,
  egress: string | null,
  entries: readonly StepEntry[],
): void {
  this.verdict = verdict;
  this.probability = probability;
  if (typeof because === 'string') {
    this.because = because;
  } else {
    this[BECAUSE] = because;
    Object.defineProperty(this, 'because', LAZY_BECAUSE);
  }
  this.packet = packet;
  this.path = path;
  this.egress = egress;
  this[STEP_ENTRIES] = entries;
  Object.defineProperty(this, 'steps', LAZY_STEPS);
}

/** A function called with `new` to make plain objects (see LazyOutcome): its parameters, and what it makes. */
type PlainConstructor<F extends (...args: never[]) => void, T> = { new (...args: Parameters<F>): T; prototype: object };

const LazyOutcome = initOutcome as unknown as PlainConstructor<typeof initOutcome, Outcome>;
LazyOutcome.prototype = Object.prototype;

/** Makes a trace, `steps` in its place among the keys (see LAZY_STEPS), as LazyOutcome makes an outcome. */
function initTrace(
  this: Mutable<Trace> & LazySteps,
  verdict: Trace['verdict'],
  path: PathKind,
  egress: string | null,
  packet: PacketView,
  entries: readonly StepEntry[],
  summary: string,
  assumptions: string[],
  outcomes: Outcome[] | null,
  rewrites: Trace['rewrites'] | null,
): void {
  this.verdict = verdict;
  this.path = path;
  this.egress = egress;
  this.packet = packet;
  this[STEP_ENTRIES] = entries;
  Object.defineProperty(this, 'steps', LAZY_STEPS);
  this.summary = summary;
  this.assumptions = assumptions;
  // Only when there are some, as before: a trace without them has no such keys.
  if (outcomes !== null) this.outcomes = outcomes;
  if (rewrites !== null) this.rewrites = rewrites;
}

const LazyTrace = initTrace as unknown as PlainConstructor<typeof initTrace, Trace>;
LazyTrace.prototype = Object.prototype;

/** Slots of a table's interned runs (CompiledTable.runs). */
const INTERNED_RUNS = 1024;

/**
 * Replaces the branch's skipped runs by equal ones of earlier traces, where the table has one:
 * the packets of a batch pass the same runs of rules (a FORWARD chain's, say), and a trace then
 * keeps no copy of them. Only once the walks are done: a run grows while its branch walks on.
 */
function internRuns(entries: StepEntry[]): void {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!(e instanceof SkippedRun)) continue;
    const table = e.compiled.table;
    const runs = (table.runs ??= new Array<object | null>(INTERNED_RUNS).fill(null));
    const keys = (table.runKeys ??= new Int32Array(INTERNED_RUNS * 4).fill(-1));
    const id = e.compiled.id;
    const h = (Math.imul(Math.imul(Math.imul(id, 31) + e.from, 31) + e.to, 31) + e.slot) & (INTERNED_RUNS - 1);
    // The slot's numbers say whether its run is equal (ids are the table's own): an earlier
    // trace's run is read only to be shared, not to be compared (most are out of every cache).
    const k = h * 4;
    if (keys[k] === id && keys[k + 1] === e.from && keys[k + 2] === e.to && keys[k + 3] === e.slot) {
      entries[i] = runs[h] as SkippedRun;
    } else {
      runs[h] = e;
      keys[k] = id;
      keys[k + 1] = e.from;
      keys[k + 2] = e.to;
      keys[k + 3] = e.slot;
    }
  }
}

function summarize(branches: Branch[], assumptions: Set<string>): Trace {
  for (const b of branches) {
    internRuns(b.steps);
    // A trace keeps its entries: copied to their length once they are more than the 17 a list
    // makes room for at its first push (a branch forked with some grew to room for 30 to 43).
    if (b.steps.length > 17) b.steps = b.steps.slice();
  }
  // The reported path is the one where every "may" matched (the fewest "did not match" choices).
  let main = branches[0];
  for (const b of branches) if (b.misses < main.misses) main = b;
  for (const b of branches) for (const n of b.notes) if (n.includes('assumed')) assumptions.add(n);
  // The verdicts' set is made only when they differ (one verdict, nearly always).
  const first = verdictOf(branches[0]);
  let undecided = false;
  for (let i = 1; i < branches.length && !undecided; i++) undecided = verdictOf(branches[i]) !== first;
  const verdicts = undecided ? new Set(branches.map(verdictOf)) : null;
  return new LazyTrace(
    undecided ? 'UNDECIDED' : verdictOf(main),
    main.path,
    main.path === 'input' ? null : main.egress,
    viewOf(main.packet),
    main.steps,
    verdicts !== null ? `UNDECIDED: the fate depends on matches netfate cannot decide: ${[...verdicts].join(' or ')}.` : sentence(main),
    [...assumptions],
    branches.length > 1 ? outcomesOf(branches) : null,
    main.rewrites.length ? main.rewrites : null,
  );
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Where a trace (or outcome) keeps its branch's entries until its steps are listed. */
const STEP_ENTRIES = Symbol('stepEntries');

type LazySteps = { [STEP_ENTRIES]: readonly StepEntry[] | null };

/** Where an outcome keeps the reasons of its branch until its `because` is read. */
const BECAUSE = Symbol('because');

type LazyBecause = { [BECAUSE]: Because | null };

/**
 * An outcome's `because`, the text of its branch's undecided matches, made the first time it is
 * read and kept as a plain value then: in a batch, the texts of each service's random draws are
 * otherwise made and kept for every packet, whether read or not (see LAZY_STEPS).
 */
function listedBecause(this: LazyBecause): string {
  const text = becauseText(this[BECAUSE]!);
  Object.defineProperty(this, 'because', { value: text, enumerable: true, writable: false, configurable: false });
  this[BECAUSE] = null;
  return text;
}

const LAZY_BECAUSE: PropertyDescriptor = Object.freeze({ get: listedBecause, enumerable: true, configurable: true });

/**
 * A trace's (or outcome's) `steps`, listed from its branch's entries (the holder's STEP_ENTRIES)
 * the first time they are read and kept as a plain value then: evaluating a batch is not the cost
 * of listing millions of no-match steps nobody reads. It is defined after the keys before it, so
 * it has its usual place among them and JSON output is unchanged (a symbol key is in no listing
 * of keys, nor in JSON). One shared getter and descriptor: a getter written in an object literal
 * would put every trace in V8's slow dictionary mode (about half a kilobyte each) and hold a
 * closure per trace.
 */
const LAZY_STEPS: PropertyDescriptor = Object.freeze({ get: listedSteps, enumerable: true, configurable: true });

function listedSteps(this: LazySteps): readonly TraceStep[] {
  const steps = expandEntries(this[STEP_ENTRIES] ?? []);
  Object.defineProperty(this, 'steps', { value: steps, enumerable: true, writable: false, configurable: false });
  this[STEP_ENTRIES] = null;
  return steps;
}
