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

function mapped(table: Table): ChainsByName {
  const byName = new Map<string, Chain>();
  for (const c of table.chains) byName.set(c.name, c);
  return (name) => byName.get(name);
}
