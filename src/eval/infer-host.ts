/**
 * A host model guessed from the ruleset and the packet, for when the user gives none (`--host`).
 * Every guess is returned as an assumption, so the trace says what it took for granted:
 *  - Docker-style `-s NET ! -o BRIDGE -j MASQUERADE` rules name a bridge and its subnet; the
 *    bridge gets the subnet's first address (what Docker gives docker0 and br-*).
 *  - `-o IFACE -j MASQUERADE` names the uplink: the default route goes out of it.
 *  - A packet that arrives on the uplink for an address in no known subnet is taken to be for
 *    this host (the question users ask then is "is this port open on my host?").
 */
import type { Chain, Family, IpNet, Ruleset, Table } from '../ast/types.js';
import type { HostInterface, HostModel, HostRoute, Packet } from './types.js';
import { isMasqueradeTarget } from '../ast/modules/target/MASQUERADE.js';
import { addressBytes, bytesToText, inPrefix, ipv4TextNumber, parseCidr } from '../net/ip.js';
import { hostWithInterface, hostWithIpv4Address, NO_SYSCTL, routedHost, shareInterface, type RoutedHost } from './host.js';
import { chainsByName } from './chains-by-name.js';
import { R_JUMP, RECORD_WIDTH, recordsOf } from '../ast/rule-records.js';

function firstHost(net: IpNet): string | null {
  const bytes = addressBytes(net.address);
  if (!bytes || net.prefix === null || net.prefix >= (bytes.length === 4 ? 31 : 127)) return null;
  const next = [...bytes];
  next[next.length - 1] += 1;
  return bytesToText(next);
}

interface MasqueradeHints {
  /** Bridge name -> its subnet, from `-s NET ! -o BRIDGE -j MASQUERADE`. */
  readonly bridges: ReadonlyMap<string, IpNet>;
  /** `-o IFACE -j MASQUERADE` interfaces, in rule order. */
  readonly uplinks: readonly string[];
  /**
   * The bridges as interfaces of the guessed host, with the assumption each makes: the same
   * objects for every packet (host routing keeps what it parsed of an interface with it).
   */
  readonly bridgeInterfaces: readonly { readonly iface: HostInterface; readonly assumption: string }[];
  /** The bridges' subnets, parsed. */
  readonly bridgeNets: readonly { readonly bytes: readonly number[]; readonly prefix: number }[];
  /** The default-route assumption, by uplink name (the same few for every packet). */
  readonly defaultRouteAssumptions: Map<string, string>;
  /**
   * The guessed host but for the uplink's address, by uplink name, with its routing: a packet's
   * host is this one and the uplink (see hostWithInterface).
   */
  readonly baseHosts: Map<string, RoutedHost>;
}

/**
 * What the nat MASQUERADE rules say, per ruleset and family: found by a walk over every nat
 * rule, which a batch of packets (`--packets`) would otherwise repeat for each packet.
 */
const hintsByRuleset = new WeakMap<Ruleset, Map<Family, MasqueradeHints>>();

function masqueradeHints(ruleset: Ruleset, family: Family): MasqueradeHints {
  let byFamily = hintsByRuleset.get(ruleset);
  if (!byFamily) hintsByRuleset.set(ruleset, (byFamily = new Map()));
  let hints = byFamily.get(family);
  if (!hints) {
    hints = scanMasquerade(ruleset, family);
    byFamily.set(family, hints);
  }
  return hints;
}

function scanMasquerade(ruleset: Ruleset, family: Family): MasqueradeHints {
  const bridges = new Map<string, IpNet>();
  const uplinks: string[] = [];
  for (const table of ruleset.tables) {
    if (table.family !== family || table.name !== 'nat') continue;
    // MASQUERADE acts only at POSTROUTING (the kernel refuses it in chains other hooks reach), so
    // only chains POSTROUTING reaches are read: a kube-proxy nat table has forty thousand others.
    // The reached chains, not the table's: this runs once, on a batch's first packet, where a
    // loop over every chain of a kube-proxy table is not optimised.
    for (const chain of chainsReachedFrom(table, 'POSTROUTING')) {
      for (const rule of chain.rules) {
        if (!isMasqueradeTarget(rule.target)) continue;
        const out = rule.core.outInterface;
        const src = rule.core.source;
        if (out && out.negated && !out.value.wildcard && src && !src.negated && src.value.prefix !== null && src.value.prefix > 0) {
          if (!bridges.has(out.value.name)) bridges.set(out.value.name, src.value);
        } else if (out && !out.negated && !out.value.wildcard && !uplinks.includes(out.value.name)) {
          uplinks.push(out.value.name);
        }
      }
    }
  }
  const bridgeInterfaces: { iface: HostInterface; assumption: string }[] = [];
  for (const [name, net] of bridges) {
    const gateway = firstHost(net);
    if (!gateway) continue;
    const iface: HostInterface = { name, addresses: [`${gateway}/${net.prefix}`], bridge: true };
    shareInterface(iface);
    bridgeInterfaces.push({
      iface,
      assumption: `${name} is a bridge with ${gateway}/${net.prefix} (from the MASQUERADE rule for ${net.address}/${net.prefix})`,
    });
  }
  const bridgeNets = bridgeInterfaces.flatMap((b) => b.iface.addresses.map(parseCidr).filter((c) => c !== null));
  return { bridges, uplinks, bridgeInterfaces, bridgeNets, defaultRouteAssumptions: new Map(), baseHosts: new Map() };
}

/**
 * The builtin chain and every chain its rules jump or go to, directly or not, in the table's
 * order. Jumps the parse resolved (the rule records) are followed by index: looking every name
 * up would map all of a kube-proxy table's chains.
 */
function chainsReachedFrom(table: Table, builtin: string): Chain[] {
  const named = chainsByName(table);
  const records = recordsOf(table);
  const reached = new Map<Chain, number>();
  const start = named(builtin);
  const work = start ? [start] : [];
  for (let chain = work.pop(); chain; chain = work.pop()) {
    if (reached.has(chain)) continue;
    const k = table.chains.indexOf(chain);
    reached.set(chain, k);
    const recorded = k < 0 || records.byChain === null ? undefined : records.byChain[k];
    const aligned = recorded !== undefined && recorded.length === chain.rules.length;
    chain.rules.forEach((rule, i) => {
      if (rule.target?.kind !== 'chain') return;
      const jump = aligned ? records.ints[recorded.at(i) * RECORD_WIDTH + R_JUMP] : -1;
      const next = jump >= 0 ? table.chains[jump] : named(rule.target.name);
      if (next && !reached.has(next)) work.push(next);
    });
  }
  return [...reached].sort((a, b) => a[1] - b[1]).map(([chain]) => chain);
}

/** Whether the address is in one of the bridges' subnets (a function, not a closure made per packet). */
function inKnownSubnet(hints: MasqueradeHints, addr: readonly number[] | null): boolean {
  if (addr === null) return false;
  for (const c of hints.bridgeNets) if (inPrefix(addr, c.bytes, c.prefix)) return true;
  return false;
}

/**
 * The guessed host for the packet; what it takes for granted is added to `assumptions` (the
 * evaluation's own set: a list per packet, copied into it, was made for every packet of a batch).
 */
export function inferHost(ruleset: Ruleset, packet: Packet, assumptions: Set<string>): HostModel {
  const hints = masqueradeHints(ruleset, packet.family);
  const { bridges, uplinks, bridgeInterfaces } = hints;
  for (const b of bridgeInterfaces) assumptions.add(b.assumption);
  const uplink = uplinks[0] ?? (packet.in && !bridges.has(packet.in) && packet.in !== 'lo' ? packet.in : 'eth0');
  // A plain IPv4 destination is read as a number (and its bytes only when there are bridges).
  const dst = ipv4TextNumber(packet.dst);
  const dstBytes = dst >= 0 && hints.bridgeNets.length === 0 ? null : addressBytes(packet.dst);
  const loopback = dst >= 0 ? dst >>> 24 === 127 : dstBytes !== null && dstBytes.length === 4 && dstBytes[0] === 127;
  const dstIsOurs = packet.in !== null && !bridges.has(packet.in) && (dst >= 0 || dstBytes !== null) && !loopback && !inKnownSubnet(hints, dstBytes);
  if (dstIsOurs) assumptions.add(`${packet.dst} is an address of this host (no host model says otherwise)`);
  const srcIsOurs = packet.in === null && !inKnownSubnet(hints, addressBytes(packet.src)) && packet.src !== '127.0.0.1' && packet.src !== '::1';
  if (srcIsOurs) assumptions.add(`${packet.src}, the sender, is an address of this host`);
  let routeAssumption = hints.defaultRouteAssumptions.get(uplink);
  if (routeAssumption === undefined) {
    routeAssumption = `the default route goes out of ${uplink}${uplinks.length ? ' (the MASQUERADE rule\'s -o)' : ''}`;
    hints.defaultRouteAssumptions.set(uplink, routeAssumption);
  }
  assumptions.add(routeAssumption);
  let base = hints.baseHosts.get(uplink);
  if (base === undefined) {
    // The bridges, and the default route out of the uplink; the uplink itself is added per packet.
    const routes: HostRoute[] = [{ dst: 'default', dev: uplink }];
    base = routedHost({ interfaces: bridgeInterfaces.map((b) => b.iface), routes, sysctl: NO_SYSCTL });
    hints.baseHosts.set(uplink, base);
  }
  // A plain IPv4 destination (or none added) needs no address written out and read back.
  if (packet.in !== null && dst >= 0) return hostWithIpv4Address(base, uplink, dstIsOurs ? packet.dst : null, dst);
  const uplinkAddresses: string[] = [];
  if (dstIsOurs) uplinkAddresses.push(`${packet.dst}/${dstBytes!.length === 4 ? 32 : 128}`);
  if (srcIsOurs) uplinkAddresses.push(`${packet.src}/${packet.family === 4 ? 32 : 128}`);
  return hostWithInterface(base, { name: uplink, addresses: uplinkAddresses });
}
