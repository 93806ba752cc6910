/**
 * The netfate AST: one typed, readonly, plain-data tree for every input format
 * (iptables-save, iptables -S, iptables -L listings and terminal transcripts of them).
 *
 * Ruleset -> Table -> Chain -> Rule -> (core selectors, Match[], Target).
 * Every node carries the span of the text it came from, so findings and traces can point at the
 * input line.
 */
import type { DeferredRules } from './deferred.js';

/** A place in one input file. `line` and `column` are 1-based; `offset` is 0-based, in UTF-16 units. */
export interface SourceSpan {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  readonly length: number;
}

export type Family = 4 | 6;

/** How the text was written: `iptables-save`, `iptables -S` (spec), or an `iptables -L` listing. */
export type InputFormat = 'save' | 'spec' | 'listing';

export type BuiltinTableName = 'filter' | 'nat' | 'mangle' | 'raw' | 'security';
export type BuiltinHook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** `[packets:bytes]`; listings with K/M/G/T suffixes give approximate values (`exact: false`). */
export interface Counters {
  readonly packets: number;
  readonly bytes: number;
  readonly exact: boolean;
}

/** A value that `!` may invert: `! -s 10.0.0.0/8`, `! --dport 22`. */
export interface Negatable<T> {
  readonly value: T;
  readonly negated: boolean;
}

/** An address with its mask, as iptables stores it: address already masked. */
export interface IpNet {
  readonly family: Family;
  /** Canonical text of the (masked) network address, e.g. `10.0.0.0`, `2001:db8::`. */
  readonly address: string;
  /** Prefix length when the mask is contiguous, else null (`-s 10.0.0.0/255.0.255.0`). */
  readonly prefix: number | null;
  /** Canonical text of the mask, e.g. `255.0.0.0`. */
  readonly mask: string;
}

/**
 * An interface name as `-i`/`-o` take it: a trailing `+` is a wildcard prefix match
 * (`br-+` matches every `br-…`; `+` alone matches every interface).
 */
export interface InterfaceName {
  readonly name: string;
  readonly wildcard: boolean;
}

/** The protocol selector of `-p`: a number (0 = all) and the name iptables-save prints. */
export interface Protocol {
  readonly number: number;
  readonly name: string;
}

/** Selectors that are part of every rule, not of a `-m` module. */
export interface CoreSelectors {
  readonly source?: Negatable<IpNet>;
  readonly destination?: Negatable<IpNet>;
  readonly inInterface?: Negatable<InterfaceName>;
  readonly outInterface?: Negatable<InterfaceName>;
  readonly protocol?: Negatable<Protocol>;
  /** `-f` / `! -f` (IPv4 only): second and further fragments. */
  readonly fragment?: Negatable<true>;
  /**
   * `-s`/`-d` given as a host name, which iptables resolves when loading the rule; netfate does not
   * resolve names, so the address is unknown (the evaluator answers "may").
   */
  readonly sourceName?: Negatable<string>;
  readonly destinationName?: Negatable<string>;
}

/** One option of an extension as the user wrote it (after prefix expansion of its name). */
export interface RawOption {
  /** Canonical long name without dashes, e.g. `dport`. */
  readonly name: string;
  /** The spelling in the input, e.g. `--destination-port`. */
  readonly spelling: string;
  readonly negated: boolean;
  readonly args: readonly string[];
  readonly span: SourceSpan;
}

/**
 * A `-m NAME` match (or one loaded implicitly by `-p tcp --dport …`).
 * `options` is the module's typed option record when `known`; for a module netfate does not
 * know, `known` is false, `options` is empty and `args` keeps the text so it prints back verbatim.
 */
export interface Match<O = unknown> {
  readonly type: 'Match';
  readonly module: string;
  readonly known: boolean;
  readonly options: O;
  /** The option tokens as written (names expanded), in input order; used for verbatim output. */
  readonly raw: readonly RawOption[];
  /** For unknown modules: every token that followed `-m NAME`. */
  readonly args: readonly string[];
  readonly span: SourceSpan;
}

/** What `-j` / `-g` names. */
export type TargetKind =
  /** ACCEPT, DROP, RETURN, QUEUE: verdicts built into the kernel. */
  | 'standard'
  /** A user-defined chain. */
  | 'chain'
  /** A target extension (LOG, DNAT, REJECT, …). */
  | 'extension';

export interface Target<O = unknown> {
  readonly type: 'Target';
  readonly name: string;
  readonly kind: TargetKind;
  /** `-g` instead of `-j`. */
  readonly goto: boolean;
  readonly known: boolean;
  readonly options: O;
  readonly raw: readonly RawOption[];
  readonly args: readonly string[];
  readonly span: SourceSpan;
}

export interface Rule {
  readonly type: 'Rule';
  /** Chain the rule is in. */
  readonly chain: string;
  /** 1-based position in its chain, as `--line-numbers` shows it. */
  readonly number: number;
  readonly counters: Counters | null;
  readonly core: CoreSelectors;
  readonly matches: readonly Match[];
  /** Null when the rule has no target (it only counts). */
  readonly target: Target | null;
  /** The source text of the whole rule line (for listings: the row). */
  readonly text: string;
  readonly span: SourceSpan;
  /**
   * Listings only: selectors the row could not state exactly (`source`/`destination` shown as a
   * host name, …). The evaluator treats them as unknown ("may"), never as "any".
   */
  readonly lost?: readonly LostSelector[];
  /**
   * Text netfate could not read into selectors, kept verbatim: a listing's trailing match text, or
   * (with `invalid`) the arguments of a rule iptables would refuse.
   */
  readonly unparsed?: string;
  /** iptables would refuse this rule (the error is in the diagnostics); `unparsed` holds its arguments. */
  readonly invalid?: boolean;
}

export type LostSelector = 'source' | 'destination' | 'inInterface' | 'outInterface' | 'protocol' | 'matches' | 'target';

export type Policy = 'ACCEPT' | 'DROP';

export interface Chain {
  readonly type: 'Chain';
  readonly name: string;
  readonly builtin: boolean;
  /** Builtin chains: the policy (listings may not say: null). User chains: null. */
  readonly policy: Policy | null;
  readonly counters: Counters | null;
  /** `(N references)` of a listing's user chain header. */
  readonly references: number | null;
  readonly rules: readonly Rule[];
  /** The declaration (`:NAME POLICY [p:b]`, `-N NAME`, `Chain NAME (...)`). */
  readonly span: SourceSpan;
}

export interface Table {
  readonly type: 'Table';
  readonly name: string;
  readonly family: Family;
  readonly format: InputFormat;
  /** File name as given to the parser (`-` for stdin). */
  readonly file: string;
  readonly chains: readonly Chain[];
  /** Listings only: the flags the listing was printed with (what it can and cannot say). */
  readonly listing?: ListingFlags;
  /** The `*table` line, the prompt line naming it, or the first chain header of a listing. */
  readonly span: SourceSpan;
}

/** `iptables -L` flags, as far as the listing shows them. */
export interface ListingFlags {
  /** `-v`: counters and interfaces are shown (without it, interfaces are unknown). */
  readonly verbose: boolean;
  /** `-n`: addresses and ports are numeric (without it, names may stand for them). */
  readonly numeric: boolean;
  /** `-x`: exact counters (without it, K/M/G suffixes round them). */
  readonly exact: boolean;
  readonly lineNumbers: boolean;
}

/** What a parse found wrong or lossy. Errors make the input unusable; warnings do not. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly file: string;
  readonly span: SourceSpan;
}

export interface Ruleset {
  readonly type: 'Ruleset';
  readonly tables: readonly Table[];
}

export interface ParseResult {
  readonly ruleset: Ruleset;
  readonly diagnostics: readonly Diagnostic[];
  /** Parsed with `deferRules`: the chains not read yet, and what reading them since found. */
  readonly deferred?: DeferredRules;
}

export const BUILTIN_CHAINS: Readonly<Record<BuiltinTableName, readonly BuiltinHook[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export function isBuiltinTable(name: string): name is BuiltinTableName {
  return Object.prototype.hasOwnProperty.call(BUILTIN_CHAINS, name);
}

export function isBuiltinChain(table: string, chain: string): boolean {
  return isBuiltinTable(table) && (BUILTIN_CHAINS[table] as readonly string[]).includes(chain);
}
