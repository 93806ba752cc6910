/**
 * Every extension netfate knows, by the name that loads it. A name not found here is kept
 * verbatim in the AST (`known: false`) and printed back as written.
 */
import type { ExtensionDef } from './extension.js';
import { PACKET_MATCHES } from './group-packet.js';
import { STATE_MATCHES } from './group-state.js';
import { TARGETS } from './group-targets.js';
import type { Family } from '../types.js';

const matches = new Map<string, ExtensionDef[]>();
const targets = new Map<string, ExtensionDef[]>();

function register(defs: readonly ExtensionDef[]): void {
  for (const def of defs) {
    const map = def.kind === 'match' ? matches : targets;
    for (const name of [def.name, ...(def.aliases ?? [])]) {
      const list = map.get(name) ?? [];
      list.push(def);
      map.set(name, list);
    }
  }
}

register(PACKET_MATCHES);
register(STATE_MATCHES);
register(TARGETS);

function pick(list: ExtensionDef[] | undefined, family: Family): ExtensionDef | undefined {
  return list?.find((d) => d.family === undefined || d.family === family);
}

export function findMatch(name: string, family: Family): ExtensionDef | undefined {
  return pick(matches.get(name), family);
}

export function findTarget(name: string, family: Family): ExtensionDef | undefined {
  return pick(targets.get(name), family);
}

/** Whether some family has this extension (to tell "unknown" from "not for IPv6"). */
export function extensionExists(kind: 'match' | 'target', name: string): boolean {
  return (kind === 'match' ? matches : targets).has(name);
}
