/**
 * Rules read on demand. A trace visits a few chains of a kube-proxy ruleset's forty thousand, so
 * `parseRuleset(text, { deferRules: true })` reads the file's structure (tables, chains, which
 * line appends to which chain) and leaves each chain's `-A` lines unread until its `rules` are
 * first asked for. Reading a chain runs the very code an eager parse runs on the same lines, so
 * the rules and diagnostics are the same; only when they are made differs.
 */
import type { Chain, Diagnostic, Rule, Table } from './types.js';

/** What a parse with deferred rules still owes, and what reading chains since has found. */
export interface DeferredRules {
  /** `-A` lines of chains whose rules were never asked for. */
  unreadLines(): number;
  /** Diagnostics of the lines read after the parse returned (the chains asked for since). */
  diagnostics(): readonly Diagnostic[];
  /** Reads every chain still unread (the ruleset is then the one an eager parse gives). */
  readAll(): void;
}

/**
 * What a parse with deferRules tells of a table's unread chains, by chain name. Kept beside the
 * table rather than on each chain: a kube-proxy table has forty thousand chains, and anything
 * per chain object showed in the time of the whole parse.
 */
export interface PendingTable {
  /** How many `-A` lines of the chain are unread; undefined once it is read (or when none ever were). */
  lines(chain: string): number | undefined;
  /**
   * Reads the chain's next line (its rules join readSoFar, numbered); false when every line is
   * read.
   */
  readLine(chain: string): boolean;
  /** The chain's rules read so far. */
  readSoFar(chain: string): readonly Rule[];
  /** The table's chain of that name. */
  chain(name: string): Chain | undefined;
}

/**
 * A chain read a line at a time, as far as a walk needs: a packet to a service in the middle of
 * a kube-proxy KUBE-SERVICES chain never looks at the rules after its own.
 */
export interface GrowingRules {
  /** The rules read so far (the same array, growing). */
  readonly rules: readonly Rule[];
  /** Reads the next line (one or more rules); false when there is none. */
  more(): boolean;
}

/** The chain as a GrowingRules while it has unread lines; undefined once read (use `chain.rules`). */
export function growingRules(table: Table, chain: Chain): GrowingRules | undefined {
  const pending = pendingByTable.get(table);
  if (pending === undefined || pending.lines(chain.name) === undefined) return undefined;
  const name = chain.name;
  return { rules: pending.readSoFar(name), more: () => pending.readLine(name) };
}

const pendingByTable = new WeakMap<Table, PendingTable>();

export function registerPending(table: Table, pending: PendingTable): void {
  pendingByTable.set(table, pending);
}

/** The table's chains by name, when a deferred parse made it (it has them by name already). */
export function chainNamed(table: Table): ((name: string) => Chain | undefined) | undefined {
  const pending = pendingByTable.get(table);
  return pending && ((name) => pending.chain(name));
}

/** How many `-A` lines of a table's chain are unread; undefined once it is read (or when none ever were). */
export function unreadLinesOf(table: Table, chain: Chain): number | undefined {
  return pendingByTable.get(table)?.lines(chain.name);
}

/** Where a deferred chain keeps the reader of its lines until its rules are read. */
const READ_RULES = Symbol('readRules');

type DeferredChainObject = { [READ_RULES]: ((chain: string) => Chain['rules']) | null; readonly name: string };

/**
 * A chain whose `rules` property reads its lines when first read, then holds them as a plain
 * value. The property has its usual place among the keys, so JSON output is the same. One shared
 * getter, the reader in a hidden property: a getter written in an object literal would put each
 * of a kube-proxy table's forty thousand chains in V8's slow dictionary mode, with a closure each.
 */
export function deferredChain(fields: Omit<Chain, 'rules'>, read: (chain: string) => Chain['rules']): Chain {
  const chain = {
    type: fields.type,
    name: fields.name,
    builtin: fields.builtin,
    policy: fields.policy,
    counters: fields.counters,
    references: fields.references,
  } as { -readonly [K in keyof Chain]: Chain[K] };
  Object.defineProperty(chain, READ_RULES, { value: read, writable: true });
  Object.defineProperty(chain, 'rules', { get: readChainRules, enumerable: true, configurable: true });
  chain.span = fields.span;
  return chain;
}

function readChainRules(this: DeferredChainObject): Chain['rules'] {
  const rules = this[READ_RULES]!(this.name);
  Object.defineProperty(this, 'rules', { value: rules, enumerable: true, writable: false, configurable: false });
  this[READ_RULES] = null;
  return rules;
}
