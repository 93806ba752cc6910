/**
 * A cycle in the jump/goto graph of a table. The kernel refuses the whole table (libiptc "Loop
 * found in table", ELOOP), so nothing of it is loaded.
 */
import type { Chain } from '../../../ast/types.js';
import type { LintRule } from '../../rule.js';
import { jumpTarget, tableGraph, type JumpEdge } from '../../graph.js';

/**
 * The chains that may be on a cycle: what is left after removing, again and again, every chain
 * no remaining chain jumps to (Kahn). Nearly always none, and then the search below has nothing
 * to do; a kube-proxy table has forty thousand chains and no loop.
 */
function chainsLeftByKahn(chains: readonly Chain[], targets: ReadonlyMap<string, readonly Chain[]>, position: ReadonlyMap<string, number>): Chain[] {
  // On chain positions in typed arrays: maps of forty thousand chains, asked per jump, were the
  // most of this rule's time.
  const incoming = new Int32Array(chains.length);
  const successors: (number[] | undefined)[] = new Array(chains.length);
  for (let i = 0; i < chains.length; i++) {
    const out = targets.get(chains[i].name);
    if (!out) continue;
    const next: number[] = [];
    for (const to of out) {
      const j = position.get(to.name);
      if (j === undefined) continue;
      next.push(j);
      incoming[j]++;
    }
    successors[i] = next;
  }
  const free: number[] = [];
  for (let i = 0; i < chains.length; i++) if (incoming[i] === 0) free.push(i);
  while (free.length) {
    const next = successors[free.pop()!];
    if (next) for (const j of next) if (--incoming[j] === 0) free.push(j);
  }
  return chains.filter((_, i) => incoming[i] > 0);
}

/** Strongly connected components (Tarjan, iterative) of the user-chain graph. */
function cycles(all: readonly Chain[], targets: ReadonlyMap<string, readonly Chain[]>, positions: ReadonlyMap<string, number>): Chain[][] {
  const chains = chainsLeftByKahn(all, targets, positions);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: Chain[] = [];
  const out: Chain[][] = [];
  let counter = 0;
  const successors = (c: Chain): readonly Chain[] => targets.get(c.name) ?? [];
  for (const root of chains) {
    if (index.has(root.name)) continue;
    const work: { chain: Chain; next: readonly Chain[]; i: number }[] = [];
    const enter = (c: Chain): void => {
      index.set(c.name, counter);
      low.set(c.name, counter++);
      stack.push(c);
      onStack.add(c.name);
      work.push({ chain: c, next: successors(c), i: 0 });
    };
    enter(root);
    while (work.length) {
      const top = work[work.length - 1];
      if (top.i < top.next.length) {
        const w = top.next[top.i++];
        if (!index.has(w.name)) enter(w);
        else if (onStack.has(w.name)) low.set(top.chain.name, Math.min(low.get(top.chain.name)!, index.get(w.name)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.chain.name, Math.min(low.get(parent.chain.name)!, low.get(top.chain.name)!));
      if (low.get(top.chain.name) === index.get(top.chain.name)) {
        const scc: Chain[] = [];
        let c: Chain;
        do {
          c = stack.pop()!;
          onStack.delete(c.name);
          scc.push(c);
        } while (c !== top.chain);
        const selfLoop = scc.length === 1 && successors(scc[0]).includes(scc[0]);
        if (scc.length > 1 || selfLoop) out.push(scc);
      }
    }
  }
  return out;
}

/** A path of chain names from `from` back to `to` inside the component, for the message. */
function pathWithin(from: Chain, to: Chain, members: ReadonlySet<string>, byName: ReadonlyMap<string, Chain>): string[] {
  const prev = new Map<string, string>();
  const queue = [from.name];
  const seen = new Set(queue);
  while (queue.length) {
    const name = queue.shift()!;
    if (name === to.name) break;
    for (const r of byName.get(name)!.rules) {
      const next = jumpTarget(r, byName);
      if (!next || !members.has(next.name) || seen.has(next.name)) continue;
      seen.add(next.name);
      prev.set(next.name, name);
      queue.push(next.name);
    }
  }
  const path = [to.name];
  while (path[0] !== from.name && prev.has(path[0])) path.unshift(prev.get(path[0])!);
  return path;
}

export const rule: LintRule = {
  meta: {
    id: 'ipt/chain-loop',
    severity: 'error',
    description: 'Jumps and gotos form a loop; the kernel refuses the table.',
    docs: 'docs/rules/ipt/chain-loop.md',
    messages: {
      loop: 'jump loop {{path}}: the kernel refuses the {{table}} table ("Loop found in table", ELOOP)',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      const g = tableGraph(table);
      for (const scc of cycles(table.chains, g.targets, g.positions)) {
        const members = new Set(scc.map((c) => c.name));
        // Report once per loop, at the first jump (in input order) that stays inside it.
        const edges: JumpEdge[] = scc.flatMap((c) => (g.callers.get(c.name) ?? []).filter((e) => members.has(e.from.name)));
        edges.sort((a, b) => a.rule.span.offset - b.rule.span.offset);
        const first = edges[0];
        if (!first) continue;
        const path = [first.from.name, ...pathWithin(first.to, first.from, members, g.chains)];
        context.report({
          messageId: 'loop',
          data: { path: path.join(' -> '), table: table.name },
          table,
          chain: first.from,
          rule: first.rule,
        });
      }
    }
  },
};
