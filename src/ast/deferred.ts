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
  /** Whether one of its unread lines contains `word` (a cheap test before reading a chain to look for something). */
  mentions(word: string): boolean;
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
const pendingByTable = new WeakMap<Table, (chain: string) => PendingChain | undefined>();

/** Tells where a table's unread chains are: `lookup` gives a chain's PendingChain until it is read. */
export function registerPending(table: Table, lookup: (chain: string) => PendingChain | undefined): void {
  pendingByTable.set(table, lookup);
}

/** The unread part of a table's chain; undefined once its rules are read (or when they never were deferred). */
export function pendingOf(table: Table, chain: Chain): PendingChain | undefined {
  return pendingByTable.get(table)?.(chain.name);
}

/**
 * Whether a table's chain may hold `word` somewhere: a read chain always may (the caller looks
 * at its rules), an unread one only when one of its lines contains the word.
 */
export function chainMayMention(table: Table, chain: Chain, word: string): boolean {
  const pending = pendingOf(table, chain);
  return pending === undefined || pending.mentions(word);
}

/**
 * A chain whose `rules` property reads its lines when first read, then holds them as a plain
 * value. The property has its usual place among the keys, so JSON output is the same.
 */
export function deferredChain(fields: Omit<Chain, 'rules'>, read: () => Chain['rules']): Chain {
  return {
    type: fields.type,
    name: fields.name,
    builtin: fields.builtin,
    policy: fields.policy,
    counters: fields.counters,
    references: fields.references,
    get rules(): Chain['rules'] {
      const rules = read();
      Object.defineProperty(this, 'rules', { value: rules, enumerable: true, writable: false, configurable: false });
      return rules;
    },
    span: fields.span,
  };
}

/** Sorted offsets of every occurrence of `word` in `text`. */
export function occurrences(text: string, word: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length)) at.push(i);
  return at;
}

/** Whether some value of the ascending list lies in [from, to). */
export function anyWithin(sorted: readonly number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] < to;
}
