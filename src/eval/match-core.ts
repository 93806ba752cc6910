/**
 * The selectors every rule has (`-s -d -i -o -p -f`), decided as the kernel's ip_packet_match
 * does. Interfaces the input could not state (a listing without `-v`) are "may".
 */
import type { CoreSelectors, InterfaceName, IpNet, LostSelector, Rule, Table } from '../ast/types.js';
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

const NO: CoreResult = Object.freeze({ result: 'no' });
const YES: CoreResult = Object.freeze({ result: 'yes', because: undefined });

/**
 * Straight-line on purpose: it runs for every rule a packet passes (thousands per packet in a
 * kube-proxy KUBE-SERVICES chain), so it allocates nothing for a rule that does not match.
 * The order of the checks decides which reason a "may" gives, so it must stay as it is.
 */
export function matchCore(rule: Rule, table: Table, p: EvalPacket): CoreResult {
  const c: CoreSelectors = rule.core;
  // A listing without -v hides interfaces: every rule may have had one.
  const hidden = table.listing !== undefined && !table.listing.verbose;
  if (rule.lost !== undefined || hidden || c.sourceName !== undefined || c.destinationName !== undefined) {
    // Host names (`-d ntp.example.net`) are resolved by iptables when loading; netfate does not
    // resolve them, so the address they stand for is unknown.
    const lost: LostSelector[] = [...(rule.lost ?? [])];
    if (c.sourceName) lost.push('source');
    if (c.destinationName) lost.push('destination');
    return matchCoreWithUnknowns(c, lost, hidden, p);
  }
  // The common case (save input): nothing unknown, so only a "may" from an address matters.
  const src = net(p.src, c.source);
  if (src === 'no') return NO;
  const dst = net(p.dst, c.destination);
  if (dst === 'no') return NO;
  if (protocol(c, p) === 'no') return NO;
  // netfate's packets are whole datagrams or first fragments: `-f` never matches them.
  if (c.fragment && !c.fragment.negated) return NO;
  if (iface(p.inIface, c.inInterface) === 'no') return NO;
  if (iface(p.outIface, c.outInterface) === 'no') return NO;
  if (src === 'yes' && dst === 'yes') return YES;
  return { result: 'may', because: src === 'may' ? 'source cannot be decided' : 'destination cannot be decided' };
}

function matchCoreWithUnknowns(c: CoreSelectors, lost: readonly LostSelector[], hidden: boolean, p: EvalPacket): CoreResult {
  let result: Tristate = 'yes';
  let because: string | undefined;
  const consider = (r: Tristate, what: string, unknown: boolean): boolean => {
    if (r === 'no') return false;
    if (unknown || r === 'may') {
      result = 'may';
      because ??= unknown ? `${what} not shown by the input` : `${what} cannot be decided`;
    }
    return true;
  };
  if (!consider(net(p.src, c.source), 'source', lost.includes('source'))) return NO;
  if (!consider(net(p.dst, c.destination), 'destination', lost.includes('destination'))) return NO;
  if (!consider(protocol(c, p), 'protocol', lost.includes('protocol'))) return NO;
  if (!consider(c.fragment ? (c.fragment.negated ? 'yes' : 'no') : 'yes', 'fragment', false)) return NO;
  if (!consider(iface(p.inIface, c.inInterface), 'in-interface', hidden || lost.includes('inInterface'))) return NO;
  if (!consider(iface(p.outIface, c.outInterface), 'out-interface', hidden || lost.includes('outInterface'))) return NO;
  return { result, because };
}

function protocol(c: CoreSelectors, p: EvalPacket): Tristate {
  if (!c.protocol) return 'yes';
  const num = c.protocol.value.number;
  if (num === 0) return c.protocol.negated ? 'no' : 'yes';
  return (p.proto === num) !== c.protocol.negated ? 'yes' : 'no';
}
