/**
 * The selectors every rule has (`-s -d -i -o -p -f`), decided as the kernel's ip_packet_match
 * does. Interfaces the input could not state (a listing without `-v`) are "may".
 */
import type { CoreSelectors, InterfaceName, IpNet, Rule, Table } from '../ast/types.js';
import type { Tristate } from './types.js';
import type { EvalPacket } from './state.js';
import { addressBytes, inNet } from '../net/ip.js';

/** `-i eth+` compares the prefix; `-i +` matches any name, even none. */
export function interfaceMatches(pattern: InterfaceName, name: string): boolean {
  if (pattern.wildcard) return name.startsWith(pattern.name);
  return name === pattern.name;
}

function net(addr: string, sel: { value: IpNet; negated: boolean } | undefined): Tristate {
  if (!sel) return 'yes';
  const bytes = addressBytes(addr);
  if (!bytes) return 'may';
  return inNet(bytes, sel.value) !== sel.negated ? 'yes' : 'no';
}

function iface(name: string, sel: { value: InterfaceName; negated: boolean } | undefined): Tristate {
  if (!sel) return 'yes';
  return interfaceMatches(sel.value, name) !== sel.negated ? 'yes' : 'no';
}

export function and(a: Tristate, b: Tristate): Tristate {
  if (a === 'no' || b === 'no') return 'no';
  if (a === 'may' || b === 'may') return 'may';
  return 'yes';
}

export interface CoreResult {
  readonly result: Tristate;
  readonly because?: string;
}

export function matchCore(rule: Rule, table: Table, p: EvalPacket): CoreResult {
  const c: CoreSelectors = rule.core;
  const lost = new Set(rule.lost ?? []);
  // A listing without -v hides interfaces: every rule may have had one.
  const hidden = table.listing !== undefined && !table.listing.verbose;
  const checks: [() => Tristate, string, boolean][] = [
    [() => net(p.src, c.source), 'source', lost.has('source')],
    [() => net(p.dst, c.destination), 'destination', lost.has('destination')],
    [() => protocol(c, p), 'protocol', lost.has('protocol')],
    // netfate's packets are whole datagrams or first fragments: `-f` never matches them.
    [() => (c.fragment ? (c.fragment.negated ? 'yes' : 'no') : 'yes'), 'fragment', false],
    [() => iface(p.inIface, c.inInterface), 'in-interface', hidden || lost.has('inInterface')],
    [() => iface(p.outIface, c.outInterface), 'out-interface', hidden || lost.has('outInterface')],
  ];
  let result: Tristate = 'yes';
  let because: string | undefined;
  for (const [check, what, unknown] of checks) {
    const r = check();
    if (r === 'no') return { result: 'no' };
    if (unknown || r === 'may') {
      result = 'may';
      because ??= unknown ? `${what} not shown by the input` : `${what} cannot be decided`;
    }
  }
  return { result, because };
}

function protocol(c: CoreSelectors, p: EvalPacket): Tristate {
  if (!c.protocol) return 'yes';
  const num = c.protocol.value.number;
  if (num === 0) return c.protocol.negated ? 'no' : 'yes';
  return (p.proto === num) !== c.protocol.negated ? 'yes' : 'no';
}
