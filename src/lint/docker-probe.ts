/**
 * Probe packets for the Docker rules: the traffic Docker is there to carry (a container's outbound
 * connection, a client reaching a published port), so a rule can ask the evaluator what happens to
 * it instead of guessing from rule text. Also `matchAtForward`: whether one rule would match a
 * packet if it were the first thing filter FORWARD tested, which answers "would this rule see the
 * packet" independently of the rules in front of it.
 */
import type { Chain, IpNet, Rule, Ruleset, Table } from '../ast/types.js';
import { isDnatTarget } from '../ast/modules/target/DNAT.js';
import { evaluatePacket } from '../eval/evaluate.js';
import type { Packet, Tristate } from '../eval/types.js';
import { addressBytes, bytesToText, inNet } from '../net/ip.js';
import type { DockerBridge, DockerLayout } from './docker-era.js';
import { chainOf } from './docker-era.js';
import { remoteAddress, type DockerHost } from './docker-host.js';

/** The address `offset` above a network's base address (offset 2: Docker's first container). */
export function hostInNet(net: IpNet, offset: number): string | null {
  const bytes = addressBytes(net.address);
  if (!bytes) return null;
  const next = [...bytes];
  let carry = offset;
  for (let i = next.length - 1; i >= 0 && carry > 0; i--) {
    const sum = next[i] + carry;
    next[i] = sum & 0xff;
    carry = sum >> 8;
  }
  return bytesToText(next);
}

/**
 * An address of a container on the bridge: a DNAT target or a filter DOCKER `-d C -o BRIDGE`
 * destination inside the bridge's subnet when the ruleset names one, else the first address
 * Docker hands out (.2 of the subnet).
 */
export function containerAddress(layout: DockerLayout, bridge: DockerBridge): string | null {
  const hostPrefix = layout.family === 4 ? 32 : 128;
  // Filter DOCKER `-d C/32 -o BRIDGE … -j ACCEPT` ties C to this bridge even without a known subnet.
  const onBridge: string[] = [];
  for (const r of chainOf(layout.filter, 'DOCKER')?.rules ?? []) {
    const out = r.core.outInterface;
    const dst = r.core.destination;
    if (out && !out.negated && !out.value.wildcard && out.value.name === bridge.name && dst && !dst.negated && dst.value.prefix === hostPrefix) {
      onBridge.push(dst.value.address);
    }
  }
  if (!bridge.subnet) return onBridge[0] ?? null;
  const subnet = bridge.subnet;
  const dnatTargets = (chainOf(layout.nat, 'DOCKER')?.rules ?? []).flatMap((r) =>
    isDnatTarget(r.target) && r.target.options.ranges[0]?.minAddr ? [r.target.options.ranges[0].minAddr] : [],
  );
  for (const addr of [...onBridge, ...dnatTargets]) {
    const bytes = addressBytes(addr);
    if (bytes && inNet(bytes, subnet)) return addr;
  }
  return subnet.prefix !== null && subnet.prefix <= hostPrefix - 2 ? hostInNet(subnet, 2) : null;
}

/** A new TCP connection a container on `bridge` opens to a remote server's port 443. */
export function outboundPacket(layout: DockerLayout, bridge: string, container: string): Packet {
  return {
    family: layout.family,
    in: bridge,
    src: container,
    dst: remoteAddress(layout.family),
    proto: 6,
    sport: 40000,
    dport: 443,
    tcpFlags: ['SYN'],
    state: 'NEW',
    ctDir: 'ORIGINAL',
    mark: 0,
    length: 60,
    ttl: 64,
  };
}

/** Text for messages: `tcp 172.17.0.2:40000 -> 203.0.113.7:443 in docker0`. */
export function describePacket(p: Packet): string {
  const proto = p.proto === 6 ? 'tcp' : p.proto === 17 ? 'udp' : `proto ${p.proto}`;
  const at = (a: string, port?: number) => (port === undefined ? a : p.family === 6 ? `[${a}]:${port}` : `${a}:${port}`);
  return `${proto} ${at(p.src, p.sport)} -> ${at(p.dst, p.dport)}${p.state !== 'NEW' ? ` (${p.state})` : ''}${p.in ? ` in ${p.in}` : ''}`;
}

/**
 * Whether `rule` would match `packet` when it reaches filter FORWARD (after nat PREROUTING, so
 * after DNAT): the ruleset with its FORWARD chain reduced to that one rule, traced. Null when the
 * packet does not reach FORWARD at all.
 */
export function matchAtForward(ruleset: Ruleset, filter: Table, rule: Rule, packet: Packet, dh: DockerHost): Tristate | null {
  const forward = chainOf(filter, 'FORWARD');
  if (!forward) return null;
  const probeChain: Chain = { ...forward, policy: 'ACCEPT', rules: [rule] };
  const probeTable: Table = { ...filter, chains: filter.chains.map((c) => (c === forward ? probeChain : c)) };
  const variant: Ruleset = { ...ruleset, tables: ruleset.tables.map((t) => (t === filter ? probeTable : t)) };
  const trace = evaluatePacket(variant, packet, { host: dh.host });
  const step = trace.steps.find((s) => s.hook === 'FORWARD' && s.table === 'filter' && s.line === rule.span.line && s.depth === 0);
  return step ? step.match : null;
}
