/**
 * Rules read on demand. A trace visits a few chains of a kube-proxy ruleset's forty thousand, so
 * `parseRuleset(text, { deferRules: true })` reads the file's structure (tables, chains, which
 * line appends to which chain) and leaves each chain's `-A` lines unread until its `rules` are
 * first asked for. Reading a chain runs the very code an eager parse runs on the same lines, so
 * the rules and diagnostics are the same; only when they are made differs.
 */
import type { Chain, Diagnostic, Table } from './types.js';

/** A chain whose rules are not read yet. */
export interface PendingChain {
  /** Its `-A` lines not read yet. */
  readonly lines: number;
}

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
 * The unread chains of each table, by name. Kept beside the table rather than on each chain: a
 * kube-proxy table has forty thousand chains, and anything per chain object showed in the time
 * of the whole parse.
 */
/** What a parse with deferRules tells of a table's unread chains, by chain name. */
export interface PendingTable {
  /** How many `-A` lines of the chain are unread; undefined once it is read (or when none ever were). */
  lines(chain: string): number | undefined;
}

const pendingByTable = new WeakMap<Table, PendingTable>();

export function registerPending(table: Table, pending: PendingTable): void {
  pendingByTable.set(table, pending);
}

/** The unread part of a table's chain; undefined once its rules are read (or when they never were deferred). */
export function pendingOf(table: Table, chain: Chain): PendingChain | undefined {
  const pending = pendingByTable.get(table);
  const lines = pending?.lines(chain.name);
  if (pending === undefined || lines === undefined) return undefined;
  return { lines };
}

/**
 * A chain whose `rules` property reads its lines when first read, then holds them as a plain
 * value. The property has its usual place among the keys, so JSON output is the same.
 */
export function deferredChain(fields: Omit<Chain, 'rules'>, read: (chain: string) => Chain['rules']): Chain {
  const name = fields.name;
  return {
    type: fields.type,
    name: fields.name,
    builtin: fields.builtin,
    policy: fields.policy,
    counters: fields.counters,
    references: fields.references,
    get rules(): Chain['rules'] {
      const rules = read(name);
      Object.defineProperty(this, 'rules', { value: rules, enumerable: true, writable: false, configurable: false });
      return rules;
    },
    span: fields.span,
  };
}
