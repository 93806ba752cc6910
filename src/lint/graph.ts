/**
 * The jump graph of one table: which rules jump or go to which chain, which builtin chains
 * (hooks) reach each chain, and helpers every rule needs to read a rule's shape. Computed once per
 * table and shared by the rules (a WeakMap keyed by the immutable AST node).
 */
import type { Chain, Rule, Ruleset, SourceSpan, Table } from '../ast/types.js';
import { isCommentMatch } from '../ast/modules/match/comment.js';
import { isAnyNet } from '../net/address.js';

export interface JumpEdge {
  readonly from: Chain;
  readonly rule: Rule;
  readonly to: Chain;
}

export interface TableGraph {
  readonly table: Table;
  readonly chains: ReadonlyMap<string, Chain>;
  /** Each chain's position in `table.chains`, by name (for walks on typed arrays). */
  readonly positions: ReadonlyMap<string, number>;
  /** Jumps and gotos into each chain, in input order (made when first read: few rules ask). */
  readonly callers: ReadonlyMap<string, readonly JumpEdge[]>;
  /** Chains some rule jumps or goes to. */
  readonly jumpedTo: ReadonlySet<string>;
  /** Builtin chains from which each chain is reachable (a builtin chain reaches itself). */
  readonly hooksReaching: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * The chains each chain jumps or goes to, in rule order, by the chain's name (chains with none
   * are absent). By name, not by chain object: the names are the strings the parser shares with
   * the jumps, which a map finds by identity, and a map of forty thousand objects was slower.
   */
  readonly targets: ReadonlyMap<string, readonly Chain[]>;
  /**
   * Rules whose target is an extension (LOG, DNAT, REJECT, …), with their chains, in table order:
   * the rules that look only at those read this list instead of every rule of the table.
   */
  readonly extensionTargets: readonly ChainRule[];
  /** Jumps and gotos to a chain without rules, in table order. */
  readonly jumpsToEmpty: readonly JumpEdge[];
}

export interface ChainRule {
  readonly chain: Chain;
  readonly rule: Rule;
}

const graphs = new WeakMap<Table, TableGraph>();

export function tableGraph(table: Table): TableGraph {
  let g = graphs.get(table);
  if (!g) {
    g = buildGraph(table);
    graphs.set(table, g);
  }
  return g;
}

/** The chain a rule jumps or goes to, when it names a chain of this table. */
export function jumpTarget(rule: Rule, chains: ReadonlyMap<string, Chain>): Chain | undefined {
  const t = rule.target;
  if (!t || t.kind !== 'chain') return undefined;
  return chains.get(t.name);
}

function buildGraph(table: Table): TableGraph {
  const chains = new Map<string, Chain>();
  const position = new Map<string, number>();
  const empty = new Uint8Array(table.chains.length);
  table.chains.forEach((c, i) => {
    chains.set(c.name, c);
    position.set(c.name, i);
    if (c.rules.length === 0) empty[i] = 1;
  });
  const jumpedTo = new Set<string>();
  /** Each chain's jump targets, in rule order, for the walks below. */
  const targets = new Map<string, Chain[]>();
  /** The same by position (user chains only: the walk does not go on into builtin chains). */
  const userSuccessors: (number[] | undefined)[] = new Array(table.chains.length);
  const extensionTargets: ChainRule[] = [];
  const jumpsToEmpty: JumpEdge[] = [];
  // The one pass over every rule that the graph needs, which also collects what several rules
  // look for: a kube-proxy table has a hundred thousand rules, and each pass over them costs.
  table.chains.forEach((from, i) => {
    const out: Chain[] = [];
    const next: number[] = [];
    for (const rule of from.rules) {
      const t = rule.target;
      if (t !== null && t.kind === 'extension') {
        extensionTargets.push({ chain: from, rule });
        continue;
      }
      const to = jumpTarget(rule, chains);
      if (!to) continue;
      out.push(to);
      jumpedTo.add(to.name);
      const j = position.get(to.name)!;
      if (!to.builtin) next.push(j);
      if (empty[j] === 1) jumpsToEmpty.push({ from, rule, to });
    }
    // Copied to their length: a list that grew by push has room for 17 (about 150 bytes), and a
    // kube-proxy table keeps one for each of its hundred thousand chains with jumps.
    if (out.length) targets.set(from.name, out.slice());
    if (next.length) userSuccessors[i] = next.slice();
  });
  let callers: Map<string, JumpEdge[]> | null = null;
  const callersOf = (): Map<string, JumpEdge[]> => {
    if (callers) return callers;
    callers = new Map();
    for (const from of table.chains) {
      for (const rule of from.rules) {
        const to = jumpTarget(rule, chains);
        if (!to) continue;
        const list = callers.get(to.name);
        if (list) list.push({ from, rule, to });
        else callers.set(to.name, [{ from, rule, to }]);
      }
    }
    return callers;
  };
  // Which builtin chains reach each chain, as a bit per builtin; the sets are shared by the
  // chains with the same bits (a kube-proxy table has forty thousand chains and a few sets).
  const builtins = table.chains.filter((c) => c.builtin);
  const reach = new Int32Array(table.chains.length);
  builtins.forEach((start, bit) => {
    // Iterative walk: a loop in the graph (which the kernel refuses) must not hang the linter.
    const stack = [position.get(start.name)!];
    while (stack.length) {
      const i = stack.pop()!;
      if (reach[i] & (1 << bit)) continue;
      reach[i] |= 1 << bit;
      const next = userSuccessors[i];
      if (next) for (const j of next) stack.push(j);
    }
  });
  const setsByBits = new Map<number, ReadonlySet<string>>();
  const hooksReaching = new Map<string, ReadonlySet<string>>();
  // In table order, as before (the order the walks first reached them is not used).
  table.chains.forEach((c, i) => {
    const bits = reach[i];
    if (bits === 0) return;
    let set = setsByBits.get(bits);
    if (!set) setsByBits.set(bits, (set = new Set(builtins.filter((_, bit) => bits & (1 << bit)).map((b) => b.name))));
    hooksReaching.set(c.name, set);
  });
  return {
    table,
    chains,
    positions: position,
    get callers() {
      return callersOf();
    },
    jumpedTo,
    hooksReaching,
    targets,
    extensionTargets,
    jumpsToEmpty,
  };
}

/** Tables of one family, by name. */
export function tablesOf(ruleset: Ruleset, family: 4 | 6): Map<string, Table> {
  const out = new Map<string, Table>();
  for (const t of ruleset.tables) if (t.family === family && !out.has(t.name)) out.set(t.name, t);
  return out;
}

export function families(ruleset: Ruleset): (4 | 6)[] {
  return [...new Set(ruleset.tables.map((t) => t.family))].sort();
}

/** The rule was read in full: no lost selectors, no unparsed text, not refused. */
export function isComplete(rule: Rule): boolean {
  return !rule.invalid && rule.unparsed === undefined && !(rule.lost && rule.lost.length);
}

/**
 * A rule that matches every packet: no selector other than "any" (`-p all`, `0.0.0.0/0`, `-i +`)
 * and no match other than comments.
 */
export function isUnconditional(rule: Rule): boolean {
  if (!isComplete(rule)) return false;
  const c = rule.core;
  if (c.fragment || c.sourceName || c.destinationName) return false;
  if (c.source && !(isAnyNet(c.source.value) && !c.source.negated)) return false;
  if (c.destination && !(isAnyNet(c.destination.value) && !c.destination.negated)) return false;
  for (const i of [c.inInterface, c.outInterface]) {
    if (i && !(i.value.wildcard && i.value.name === '' && !i.negated)) return false;
  }
  if (c.protocol && !(c.protocol.value.number === 0 && !c.protocol.negated)) return false;
  return rule.matches.every((m) => isCommentMatch(m));
}

const NAT_TERMINAL = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP']);

/**
 * Whether a matching rule ends the traversal of its chain: a verdict, RETURN, a goto, or a NAT
 * mapping in the nat table. A jump (`-j CHAIN`) may come back, so it is not terminal.
 */
export function isTerminal(rule: Rule, table: Table): boolean {
  const t = rule.target;
  if (!t) return false;
  if (t.goto) return true;
  if (t.kind === 'standard') return true;
  if (t.kind !== 'extension' || !t.known) return false;
  if (t.name === 'REJECT') return true;
  if (t.name === 'NFQUEUE') return !t.raw.some((o) => o.name === 'queue-bypass');
  if (t.name === 'SYNPROXY' || t.name === 'TPROXY') return true;
  return table.name === 'nat' && NAT_TERMINAL.has(t.name);
}

/** The target as the user reads it, for messages: `-j DROP`, `-g LOG_DROP`, `-j DNAT --to-destination …`. */
export function targetText(rule: Rule): string {
  const t = rule.target;
  if (!t) return 'no target';
  const m = /(?:^|\s)(-[jg]|--jump|--goto)\s.*$/.exec(rule.text);
  return m ? m[0].trim() : `${t.goto ? '-g' : '-j'} ${t.name}`;
}

/** A short place name for messages: `FORWARD rule 3 (line 12)`. */
export function ruleRef(rule: Rule): string {
  return `${rule.chain} rule ${rule.number} (line ${rule.span.line})`;
}

/**
 * Where a core selector is written in the rule (`! -s 0.0.0.0/0`, `-o eth0`), with its `!`, so a
 * finding about the selector points at it rather than at the start of the rule. Falls back to the
 * rule's own place when the text does not spell the option (listing rows).
 */
export function selectorSpan(rule: Rule, spellings: readonly string[]): Pick<SourceSpan, 'line' | 'column'> {
  const m = new RegExp(`(^|\\s)((?:!\\s+)?(?:${spellings.join('|')}))(?=\\s)`).exec(rule.text);
  if (!m) return rule.span;
  return { line: rule.span.line, column: rule.span.column + m.index + m[1].length };
}
