/**
 * Recognises Docker's iptables layout in a ruleset, per address family, and reads out what the
 * Docker rules need: the era (which decides where Docker puts its rules), the bridges with their
 * subnets, and the published ports (nat DOCKER DNAT rules).
 *
 * Eras, by the chains each one creates (see the fingerprints in the design notes):
 *  - 17.06–18.04: a single DOCKER-ISOLATION chain;
 *  - 18.05–27.x: DOCKER-ISOLATION-STAGE-1/2, per-bridge rules directly in FORWARD;
 *  - 28.0.0: FORWARD rules that use the ipset docker-ext-bridges-v4/v6;
 *  - 28.0.1–28.x: DOCKER-FORWARD, DOCKER-CT, DOCKER-BRIDGE (ISOLATION chains still there);
 *  - 29.x (iptables backend): DOCKER-INTERNAL, no ISOLATION chains;
 *  - 29.x after moving to the nftables backend: only DOCKER-USER and its FORWARD jump are left.
 */
import type { Chain, IpNet, Negatable, Rule, Ruleset, Table } from '../ast/types.js';
import type { NumRange } from '../ast/modules/match/packet-util.js';
import { isSetMatch } from '../ast/modules/match/set.js';
import { isTcpMatch } from '../ast/modules/match/tcp.js';
import { isUdpMatch } from '../ast/modules/match/udp.js';
import { isDnatTarget } from '../ast/modules/target/DNAT.js';
import { isMasqueradeTarget } from '../ast/modules/target/MASQUERADE.js';
import { isSnatTarget } from '../ast/modules/target/SNAT.js';
import { families, tablesOf } from './graph.js';

export type DockerEra = '17.06-18.04' | '18.05-27' | '28.0.0' | '28.0.1-28' | '29' | '29-nftables' | 'unknown';

export const ERA_LABELS: Readonly<Record<DockerEra, string>> = {
  '17.06-18.04': 'Docker up to 18.04 (single DOCKER-ISOLATION chain)',
  '18.05-27': 'Docker 18.05–27.x',
  '28.0.0': 'Docker 28.0.0',
  '28.0.1-28': 'Docker 28.x',
  '29': 'Docker 29.x (iptables backend)',
  '29-nftables': 'Docker 29.x (nftables backend, iptables leftovers)',
  unknown: 'Docker (layout not recognised)',
};

export interface DockerBridge {
  readonly name: string;
  /** From the MASQUERADE/SNAT rule or the internal-network drops. */
  readonly subnet?: IpNet;
  readonly internal: boolean;
  /** `routed` gateway mode: no NAT by design. */
  readonly routed: boolean;
  /** The first rule that shows the bridge (for findings about it). */
  readonly evidence: { readonly table: Table; readonly chain: Chain; readonly rule: Rule };
}

export interface PublishedPort {
  readonly table: Table;
  readonly chain: Chain;
  readonly rule: Rule;
  readonly protocol: number;
  readonly protocolName: string;
  readonly hostPort: NumRange;
  /** `-d` of the DNAT rule: the host address the port is bound to; absent for 0.0.0.0 / ::. */
  readonly hostAddress?: Negatable<IpNet>;
  readonly toAddress?: string;
  readonly toPort?: NumRange;
  /** From `! -i BRIDGE` (the "skip DNAT for the container's own bridge" part of the rule). */
  readonly bridge?: string;
}

export interface DockerLayout {
  readonly family: 4 | 6;
  readonly era: DockerEra;
  readonly filter?: Table;
  readonly nat?: Table;
  readonly raw?: Table;
  readonly bridges: ReadonlyMap<string, DockerBridge>;
  readonly published: readonly PublishedPort[];
}

const DOCKER_CHAIN = /^DOCKER(-(USER|FORWARD|CT|BRIDGE|INTERNAL|INGRESS|ISOLATION(-STAGE-[12])?))?$/;

/** A chain Docker creates (its name is Docker's). */
export function isDockerChain(name: string): boolean {
  return DOCKER_CHAIN.test(name);
}

const cache = new WeakMap<Ruleset, DockerLayout[]>();

/** One layout per address family whose tables hold Docker chains. */
export function dockerLayouts(ruleset: Ruleset): DockerLayout[] {
  let out = cache.get(ruleset);
  if (!out) {
    out = families(ruleset).map((f) => readLayout(ruleset, f)).filter((l): l is DockerLayout => l !== null);
    cache.set(ruleset, out);
  }
  return out;
}

function has(table: Table | undefined, name: string): boolean {
  return !!table?.chains.some((c) => c.name === name);
}

export function chainOf(table: Table | undefined, name: string): Chain | undefined {
  return table?.chains.find((c) => c.name === name);
}

export function detectEra(filter: Table | undefined, nat: Table | undefined): DockerEra {
  if (has(filter, 'DOCKER-INTERNAL') || (has(filter, 'DOCKER-FORWARD') && !has(filter, 'DOCKER-ISOLATION-STAGE-1'))) return '29';
  if (has(filter, 'DOCKER-FORWARD')) return '28.0.1-28';
  const forward = chainOf(filter, 'FORWARD');
  if (forward?.rules.some((r) => r.matches.some((m) => isSetMatch(m) && m.options.name.startsWith('docker-ext-bridges')))) return '28.0.0';
  if (has(filter, 'DOCKER-ISOLATION-STAGE-1')) return '18.05-27';
  if (has(filter, 'DOCKER-ISOLATION')) return '17.06-18.04';
  if (has(filter, 'DOCKER-USER') && !has(filter, 'DOCKER') && !has(nat, 'DOCKER')) return '29-nftables';
  return 'unknown';
}

function readLayout(ruleset: Ruleset, family: 4 | 6): DockerLayout | null {
  const tables = tablesOf(ruleset, family);
  const filter = tables.get('filter');
  const nat = tables.get('nat');
  const raw = tables.get('raw');
  const present = [filter, nat].some((t) => t?.chains.some((c) => isDockerChain(c.name)));
  if (!present) return null;
  return { family, era: detectEra(filter, nat), filter, nat, raw, bridges: readBridges(filter, nat), published: readPublished(nat) };
}

function plainName(sel: Negatable<{ name: string; wildcard: boolean }> | undefined): string | undefined {
  return sel && !sel.value.wildcard && sel.value.name ? sel.value.name : undefined;
}

function readBridges(filter: Table | undefined, nat: Table | undefined): Map<string, DockerBridge> {
  type Draft = { -readonly [K in keyof DockerBridge]: DockerBridge[K] };
  const drafts = new Map<string, Draft>();
  const note = (name: string, table: Table, chain: Chain, rule: Rule): Draft => {
    let d = drafts.get(name);
    if (!d) {
      d = { name, internal: false, routed: false, evidence: { table, chain, rule } };
      drafts.set(name, d);
    }
    return d;
  };
  if (filter) {
    for (const chain of filter.chains) {
      for (const rule of chain.rules) {
        const t = rule.target?.name;
        const inIf = rule.core.inInterface;
        const outIf = rule.core.outInterface;
        const out = outIf && !outIf.negated ? plainName(outIf) : undefined;
        const inName = inIf && !inIf.negated ? plainName(inIf) : undefined;
        // ≤27 FORWARD -o br -j DOCKER; 28+ DOCKER-BRIDGE -o br -j DOCKER; DOCKER-CT -o br … ACCEPT.
        if (out && t === 'DOCKER' && (chain.name === 'FORWARD' || chain.name === 'DOCKER-BRIDGE')) note(out, filter, chain, rule);
        if (out && chain.name === 'DOCKER-CT') note(out, filter, chain, rule);
        if (inName && chain.name === 'DOCKER-FORWARD' && t === 'ACCEPT') note(inName, filter, chain, rule);
        // Internal networks: `! -s P -o br -j DROP` (ISO-1 up to 28, DOCKER-INTERNAL in 29).
        if ((chain.name === 'DOCKER-INTERNAL' || chain.name === 'DOCKER-ISOLATION-STAGE-1') && t === 'DROP') {
          const br = out ?? inName;
          const subnet = rule.core.source?.negated ? rule.core.source.value : rule.core.destination?.negated ? rule.core.destination.value : undefined;
          if (br && subnet) {
            const d = note(br, filter, chain, rule);
            d.internal = true;
            d.subnet ??= subnet;
          }
        }
        // routed gateway mode: ISO-1 `-o br -j RETURN`, DOCKER `-o br -p icmp -j ACCEPT`.
        if (out && chain.name === 'DOCKER-ISOLATION-STAGE-1' && t === 'RETURN' && !inIf) note(out, filter, chain, rule).routed = true;
        if (out && chain.name === 'DOCKER' && t === 'ACCEPT' && !inIf && rule.core.protocol?.value.number === 1) note(out, filter, chain, rule).routed = true;
      }
    }
  }
  const postrouting = chainOf(nat, 'POSTROUTING');
  for (const rule of postrouting?.rules ?? []) {
    const outIf = rule.core.outInterface;
    const src = rule.core.source;
    if (!outIf?.negated || !src || src.negated || !(isMasqueradeTarget(rule.target) || isSnatTarget(rule.target))) continue;
    const name = plainName(outIf);
    const d = name ? drafts.get(name) : undefined;
    if (d) d.subnet ??= src.value;
  }
  return drafts;
}

function readPublished(nat: Table | undefined): PublishedPort[] {
  const chain = chainOf(nat, 'DOCKER');
  if (!nat || !chain) return [];
  const out: PublishedPort[] = [];
  for (const rule of chain.rules) {
    if (!isDnatTarget(rule.target) || !rule.core.protocol || rule.core.protocol.negated) continue;
    let hostPort: NumRange | undefined;
    for (const m of rule.matches) {
      if ((isTcpMatch(m) || isUdpMatch(m)) && m.options.dport && !m.options.dport.negated) hostPort = m.options.dport.value;
    }
    if (!hostPort) continue;
    const range = rule.target.options.ranges[0];
    const inIf = rule.core.inInterface;
    out.push({
      table: nat,
      chain,
      rule,
      protocol: rule.core.protocol.value.number,
      protocolName: rule.core.protocol.value.name,
      hostPort,
      hostAddress: rule.core.destination,
      toAddress: range?.minAddr,
      toPort: range?.minPort !== undefined ? { from: range.minPort, to: range.maxPort ?? range.minPort } : undefined,
      bridge: inIf?.negated ? plainName(inIf) : undefined,
    });
  }
  return out;
}
