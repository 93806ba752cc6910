/**
 * A table's chains by name, made once per table: the evaluator resolves jumps with it and the
 * host guess walks from POSTROUTING with it. A deferred parse has them by name already (a map of
 * a kube-proxy table's forty thousand chains was a tenth of a trace's time).
 */
import type { Chain, Table } from '../ast/types.js';
import { chainNamed } from '../ast/deferred.js';

export type ChainsByName = (name: string) => Chain | undefined;

const byTable = new WeakMap<Table, ChainsByName>();

export function chainsByName(table: Table): ChainsByName {
  let lookup = byTable.get(table);
  if (!lookup) {
    lookup = chainNamed(table) ?? mapped(table);
    byTable.set(table, lookup);
  }
  return lookup;
}

/** How many chains at the start of a table are looked at by name before a map of all is made. */
const FIRST_CHAINS = 8;

/**
 * A lookup that makes its map of every chain only when a name is not among the table's first
 * chains: a walk asks by name for builtin chains, which a parse puts first, and a kube-proxy
 * table's hundred thousand chain names cost a batch tens of milliseconds to map. The first
 * chain of a name is the one found, by the map too.
 */
function mapped(table: Table): ChainsByName {
  let byName: Map<string, Chain> | null = null;
  const chains = table.chains;
  return (name) => {
    if (byName === null) {
      const first = Math.min(chains.length, FIRST_CHAINS);
      for (let i = 0; i < first; i++) if (chains[i].name === name) return chains[i];
      byName = new Map();
      for (const c of chains) if (!byName.has(c.name)) byName.set(c.name, c);
    }
    return byName.get(name);
  };
}
