/**
 * A compact numeric copy of each rule's core selectors (`-s -d -p -f -i -o`), one fixed-width
 * record per rule in one Int32Array per table. The parser writes a rule's record as it makes the
 * rule, while the rule's objects are fresh in the cache; the evaluator reads records instead of
 * the rule objects. A packet to a kube-proxy service passes a dozen rules no earlier packet
 * passed, and reading those rules' objects out of a 180 MB AST (about ten objects a rule, each
 * a cache and TLB miss) was most of the cost of evaluating it.
 *
 * Records hold no semantics: they restate the AST in numbers. The evaluator decides with them,
 * and writes records itself for rules no parse recorded (listings, hand-made ASTs).
 */
import type { Negatable, IpNet, Rule, Table } from './types.js';
import { ipv4TextNumber } from '../net/ip.js';

/** Int32 slots per record. */
export const RECORD_WIDTH = 18;
/** Slot: the FLAG_* bits and the two nets' kinds. */
export const R_FLAGS = 0;
/** Slots: IPv4 source base and mask, destination base and mask, as signed 32-bit numbers. */
export const R_SRC_BASE = 1;
export const R_SRC_MASK = 2;
export const R_DST_BASE = 3;
export const R_DST_MASK = 4;
/** Slot: the `-p` number, -1 without one. */
export const R_PROTO = 5;
/** Slot: the rule's input line. */
export const R_LINE = 6;
/** Slot: the rule's number, or 0 when it is its position in its chain plus one (every parsed rule). */
export const R_NUMBER = 7;
/** Slot: what the target is (TARGET_*), with TARGET_GOTO for `-g`. */
export const R_TARGET = 8;
/** Slot: for a target that names a chain of the table, that chain's index in `table.chains`; else -1. */
export const R_JUMP = 9;

/**
 * Slot: the rule's tests other than comments, when they are one simple match (MATCH_* and the
 * MATCH_*_NEGATED bits); MATCH_OTHER when the evaluator must read the rule's matches.
 */
export const R_MATCH = 10;
/** Slots of a simple match: tcp/udp source and destination port ranges (-1 when absent); statistic's threshold. */
export const R_MATCH_A = 11;
export const R_MATCH_B = 12;
export const R_MATCH_C = 13;
export const R_MATCH_D = 14;

/**
 * Slots of a DNAT to one IPv4 address (TARGET_DNAT_ONE): the address as a signed 32-bit
 * number, and its port range (-1 when the target maps no ports).
 */
export const R_NAT_ADDRESS = 15;
export const R_NAT_MIN_PORT = 16;
export const R_NAT_MAX_PORT = 17;

/**
 * Slots of a target that is a chain the parse resolved (R_JUMP), the NAT slots' places: that
 * chain's first record and count (count -1: not known, or not one after another). Written when
 * the table is made whole: a walk then enters the chain with what the jumping rule's record
 * says, and reads none of the chain's objects.
 */
export const R_JUMP_FIRST = R_NAT_ADDRESS;
export const R_JUMP_COUNT = R_NAT_MIN_PORT;

/** R_MATCH kinds. */
export const MATCH_OTHER = 0;
/** No tests: every match is `-m comment` (or there is none). */
export const MATCH_NONE = 1;
/** One `-m tcp` / `-m udp` with at most `--sport` and `--dport`: ranges in A-B and C-D. */
export const MATCH_TCP_PORTS = 2;
export const MATCH_UDP_PORTS = 3;
/** One `-m statistic --mode random`: its threshold in A (its probability is threshold / 2^31). */
export const MATCH_RANDOM = 4;
export const MATCH_KIND_MASK = 7;
/** The source port test (or the statistic match) is negated. */
export const MATCH_A_NEGATED = 8;
/** The destination port test is negated. */
export const MATCH_C_NEGATED = 16;

/** R_TARGET kinds: no target, ACCEPT/DROP/RETURN/QUEUE, a chain, an extension. */
export const TARGET_KIND_NONE = 0;
export const TARGET_KIND_STANDARD = 1;
export const TARGET_KIND_CHAIN = 2;
export const TARGET_KIND_EXTENSION = 3;
export const TARGET_KIND_MASK = 3;
export const TARGET_GOTO = 4;
/** For a standard target, which verdict, from bit VERDICT_SHIFT: an index into STANDARD_VERDICTS. */
export const VERDICT_SHIFT = 3;
export const STANDARD_VERDICTS: readonly string[] = ['ACCEPT', 'DROP', 'RETURN', 'QUEUE'];
/** A standard target of another name (none the parser makes): read from the AST. */
export const VERDICT_OTHER = 7;
/** An extension target, from bit VERDICT_SHIFT: one the record holds whole (TARGET_DNAT_ONE), or not (0). */
export const TARGET_DNAT_ONE = 1;

/** How a record holds a net (bits 0-1 for the source, 2-3 for the destination). */
export const NET_NONE = 0;
export const NET_IPV4 = 1;
/** IPv6, or a net whose text does not parse: the evaluator reads the AST's net. */
export const NET_OTHER = 2;
export const DST_KIND_SHIFT = 2;

export const FLAG_SRC_NEGATED = 1 << 4;
export const FLAG_DST_NEGATED = 1 << 5;
export const FLAG_PROTO_NEGATED = 1 << 6;
/** `-f` without `!`. */
export const FLAG_FRAGMENT_ONLY = 1 << 7;
export const FLAG_IN_INTERFACE = 1 << 8;
export const FLAG_OUT_INTERFACE = 1 << 9;
/** Host names, or selectors the input did not show. */
export const FLAG_UNKNOWNS = 1 << 10;
/** Part of the rule could not be read (a listing's trailing text). */
export const FLAG_UNPARSED = 1 << 11;

/**
 * Which records are a chain's rules, in order. A chain's rules are nearly always recorded one
 * after another (a save file lists a chain's rules together): a first index and a count, and a
 * list only when they are not (`-I`, lines of chains interleaved). A list per chain would cost a
 * kube-proxy parse's hundred thousand chains tens of megabytes.
 */
export class ChainRecords {
  private first = 0;
  private count = 0;
  private list: number[] | null = null;

  get length(): number {
    return this.list === null ? this.count : this.list.length;
  }

  /** The first record, when the records are one after another; -1 when they are not. */
  get consecutiveFrom(): number {
    return this.list === null ? this.first : -1;
  }

  /** The record index of the chain's rule at `i`. */
  at(i: number): number {
    return this.list === null ? this.first + i : this.list[i];
  }

  push(index: number): void {
    if (this.list === null) {
      if (this.count === 0) this.first = index;
      if (this.first + this.count === index) {
        this.count++;
        return;
      }
      this.spread();
    }
    this.list!.push(index);
  }

  /** Records of rules inserted at `position` (`-I`). */
  insert(position: number, indexes: readonly number[]): void {
    if (position >= this.length) {
      for (const index of indexes) this.push(index);
      return;
    }
    if (this.list === null) this.spread();
    this.list!.splice(position, 0, ...indexes);
  }

  private spread(): void {
    const list: number[] = [];
    for (let k = 0; k < this.count; k++) list.push(this.first + k);
    this.list = list;
  }
}

/** The records of one table, and which records are each chain's rules. */
export class RuleRecords {
  /**
   * @param chainIndex the index in `table.chains` of the table's chain of this name (-1: none),
   *   with which a parse resolves a jump as it records the rule (the chain exists by then); null
   *   for the evaluator's own records, whose jumps it resolves by name.
   */
  constructor(
    private chainIndex: ((chain: string) => number) | null,
    /** How many records to make room for at first: growing a large table's records copies them. */
    capacity = 256,
  ) {
    this.ints = new Int32Array(Math.max(1, capacity) * RECORD_WIDTH);
  }

  ints: Int32Array;
  /** Records written. */
  count = 0;
  /**
   * Each chain's records, aligned with its rules, by the chain's index in `table.chains` (set
   * when the table is made; a deferred chain's grow as its lines are read).
   */
  byChain: readonly ChainRecords[] | null = null;
  /**
   * The table is made: its chains' records in `table.chains` order, and no room beyond them.
   * Without rules still to read (deferred), the parse's chain lookup is let go (it holds every
   * chain the parse built), and each resolved jump's record gets its chain's span.
   */
  seal(byChain: readonly ChainRecords[], moreToRead: boolean): void {
    this.byChain = byChain;
    if (!moreToRead) {
      this.chainIndex = null;
      const ints = this.ints;
      for (let at = 0; at < this.count * RECORD_WIDTH; at += RECORD_WIDTH) {
        const jump = ints[at + R_JUMP];
        if (jump < 0 || (ints[at + R_TARGET] & TARGET_KIND_MASK) !== TARGET_KIND_CHAIN) continue;
        const first = byChain[jump].consecutiveFrom;
        ints[at + R_JUMP_FIRST] = first;
        ints[at + R_JUMP_COUNT] = first < 0 ? -1 : byChain[jump].length;
      }
    }
    if (this.ints.length > this.count * RECORD_WIDTH) this.ints = this.ints.slice(0, Math.max(1, this.count) * RECORD_WIDTH);
  }

  /** Writes the rule's record; returns its index. `number` 0: the rule's position plus one. */
  add(rule: Rule, number: number): number {
    const index = this.count;
    let ints = this.ints;
    if ((index + 1) * RECORD_WIDTH > ints.length) {
      // By half again, not double: a 300k-rule table's records are tens of megabytes.
      const grown = new Int32Array(Math.max(256, Math.ceil((ints.length / RECORD_WIDTH) * 1.5)) * RECORD_WIDTH);
      grown.set(ints);
      this.ints = ints = grown;
    }
    const at = index * RECORD_WIDTH;
    const core = rule.core;
    let flags = 0;
    if (core.source !== undefined) {
      flags |= readNet(core.source, ints, at + R_SRC_BASE);
      if (core.source.negated) flags |= FLAG_SRC_NEGATED;
    }
    if (core.destination !== undefined) {
      flags |= readNet(core.destination, ints, at + R_DST_BASE) << DST_KIND_SHIFT;
      if (core.destination.negated) flags |= FLAG_DST_NEGATED;
    }
    ints[at + R_PROTO] = core.protocol !== undefined ? core.protocol.value.number : -1;
    if (core.protocol !== undefined && core.protocol.negated) flags |= FLAG_PROTO_NEGATED;
    if (core.fragment !== undefined && !core.fragment.negated) flags |= FLAG_FRAGMENT_ONLY;
    if (core.inInterface !== undefined) flags |= FLAG_IN_INTERFACE;
    if (core.outInterface !== undefined) flags |= FLAG_OUT_INTERFACE;
    if (rule.lost !== undefined || core.sourceName !== undefined || core.destinationName !== undefined) flags |= FLAG_UNKNOWNS;
    if (rule.unparsed) flags |= FLAG_UNPARSED;
    ints[at + R_FLAGS] = flags;
    ints[at + R_LINE] = rule.span.line;
    ints[at + R_NUMBER] = number;
    ints[at + R_MATCH] = readMatches(rule.matches, ints, at);
    const target = rule.target;
    ints[at + R_JUMP] = -1;
    if (target === null) ints[at + R_TARGET] = TARGET_KIND_NONE;
    else {
      const kind = target.kind === 'standard' ? TARGET_KIND_STANDARD : target.kind === 'chain' ? TARGET_KIND_CHAIN : TARGET_KIND_EXTENSION;
      const verdict = kind === TARGET_KIND_STANDARD ? STANDARD_VERDICTS.indexOf(target.name) : kind === TARGET_KIND_EXTENSION ? readDnat(target, ints, at) : 0;
      ints[at + R_TARGET] = kind | (target.goto ? TARGET_GOTO : 0) | ((verdict < 0 ? VERDICT_OTHER : verdict) << VERDICT_SHIFT);
      if (kind === TARGET_KIND_CHAIN) {
        if (this.chainIndex !== null) ints[at + R_JUMP] = this.chainIndex(target.name);
        ints[at + R_JUMP_COUNT] = -1;
      }
    }
    this.count = index + 1;
    return index;
  }
}

/** The R_MATCH of these matches, writing a simple match's values. */
function readMatches(matches: Rule['matches'], ints: Int32Array, at: number): number {
  let simple: Rule['matches'][number] | null = null;
  for (const m of matches) {
    if (m.known && m.module === 'comment') continue;
    if (simple !== null) return MATCH_OTHER;
    simple = m;
  }
  if (simple === null) return MATCH_NONE;
  if (!simple.known) return MATCH_OTHER;
  if (simple.module === 'tcp' || simple.module === 'udp') {
    const o = simple.options as { sport?: PortOption; dport?: PortOption; flags?: unknown; option?: unknown };
    if (o.flags !== undefined || o.option !== undefined || !portRange(o.sport) || !portRange(o.dport)) return MATCH_OTHER;
    const sportNegated = readPorts(o.sport, ints, at + R_MATCH_A);
    const dportNegated = readPorts(o.dport, ints, at + R_MATCH_C);
    return (simple.module === 'tcp' ? MATCH_TCP_PORTS : MATCH_UDP_PORTS) | (sportNegated ? MATCH_A_NEGATED : 0) | (dportNegated ? MATCH_C_NEGATED : 0);
  }
  if (simple.module === 'statistic') {
    const o = simple.options as { mode: string; probability: number; threshold: number; negated: boolean };
    // The record holds the threshold; the probability is threshold / 2^31, as the parse makes it.
    if (o.mode !== 'random' || !Number.isInteger(o.threshold) || o.threshold < 0 || o.threshold > 0xffffffff || o.probability !== o.threshold / 0x80000000) {
      return MATCH_OTHER;
    }
    // Read back with >>> 0: 2^31 (certain) does not fit a signed slot.
    ints[at + R_MATCH_A] = o.threshold | 0;
    return MATCH_RANDOM | (o.negated ? MATCH_A_NEGATED : 0);
  }
  return MATCH_OTHER;
}

/**
 * TARGET_DNAT_ONE, with its slots written, for a known DNAT to one IPv4 address (and an
 * optional port range without a base port); 0 for any other extension target.
 */
function readDnat(target: NonNullable<Rule['target']>, ints: Int32Array, at: number): number {
  if (target.name !== 'DNAT' || !target.known) return 0;
  const ranges = (target.options as { ranges?: readonly { minAddr?: string; maxAddr?: string; minPort?: number; maxPort?: number; basePort?: number }[] }).ranges;
  if (ranges === undefined || ranges.length !== 1) return 0;
  const range = ranges[0];
  if (range.minAddr === undefined || (range.maxAddr !== undefined && range.maxAddr !== range.minAddr) || range.basePort !== undefined) return 0;
  const address = ipv4TextNumber(range.minAddr);
  if (address < 0 || (range.minPort === undefined) !== (range.maxPort === undefined)) return 0;
  ints[at + R_NAT_ADDRESS] = address | 0;
  ints[at + R_NAT_MIN_PORT] = range.minPort ?? -1;
  ints[at + R_NAT_MAX_PORT] = range.maxPort ?? -1;
  return TARGET_DNAT_ONE;
}

/** A port range option (`--sport`/`--dport`) as the tcp and udp modules' options hold it. */
type PortOption = { readonly value: { readonly from: number; readonly to: number }; readonly negated: boolean } | undefined;

/** Whether a port option is absent or a range of ports a record can hold. */
function portRange(option: PortOption): boolean {
  return option === undefined || (Number.isInteger(option.value.from) && Number.isInteger(option.value.to) && option.value.from >= 0 && option.value.to <= 0xffff);
}

/** Writes a port option's range at `at` (-1, -1 when absent); returns whether it is negated. */
function readPorts(option: PortOption, ints: Int32Array, at: number): boolean {
  ints[at] = option === undefined ? -1 : option.value.from;
  ints[at + 1] = option === undefined ? -1 : option.value.to;
  return option !== undefined && option.negated;
}

/** Writes an IPv4 net's base and mask at `at`; returns its kind (NET_IPV4 or NET_OTHER). */
function readNet(sel: Negatable<IpNet>, ints: Int32Array, at: number): number {
  const base = ipv4TextNumber(sel.value.address);
  const mask = ipv4TextNumber(sel.value.mask);
  if (base < 0 || mask < 0) {
    ints[at] = 0;
    ints[at + 1] = 0;
    return NET_OTHER;
  }
  ints[at] = base | 0;
  ints[at + 1] = mask | 0;
  return NET_IPV4;
}

/** Records by table: one entry per table, kept beside it rather than in the plain-data AST. */
const recordsByTable = new WeakMap<Table, RuleRecords>();

export function registerRecords(table: Table, records: RuleRecords): void {
  recordsByTable.set(table, records);
}

/** The table's records, made empty for a table no parse recorded. */
export function recordsOf(table: Table): RuleRecords {
  let records = recordsByTable.get(table);
  if (records === undefined) recordsByTable.set(table, (records = new RuleRecords(null)));
  return records;
}
