/**
 * The lab: client -- router -- server, and a bridge on the router with two "containers".
 *
 * One definition (LAB) is the single source of truth: the namespaces and links are built from
 * it, and so is the host model netfate gets for the router. Addresses exist only inside the
 * namespaces made here (documentation and private ranges), and no traffic leaves them: the
 * agent writes frames straight onto lab veths and the leaves drop everything they would send.
 *
 * This file has no root-only side effects at import: the fixture replay test imports LAB and
 * hostModel() without root.
 */
import { spawnSync } from 'node:child_process';
import type { HostModel } from '../../../src/eval/types.js';

/** A namespace at the end of one router link: where packets come from and arrive. */
export interface Leaf {
  readonly name: 'client' | 'server' | 'ctr1' | 'ctr2';
  /** The leaf's own interface (inside the leaf) and its MAC. */
  readonly iface: string;
  readonly mac: string;
  readonly address: string;
  /** The router interface the leaf's packets arrive on (the bridge, for containers). */
  readonly routerIface: string;
  /** The router's end of the veth: the bridge port for containers. */
  readonly routerPort: string;
  readonly routerPortMac: string;
  /** Further addresses the router believes are behind this link (static neighbours, same MAC). */
  readonly alsoBehind: readonly string[];
}

export interface RouterInterface {
  readonly name: string;
  readonly mac: string;
  readonly address: string;
  readonly bridge?: boolean;
}

export const LAB = {
  routerInterfaces: [
    { name: 'eth0', mac: '02:00:5e:00:01:01', address: '198.51.100.1/24' },
    { name: 'eth1', mac: '02:00:5e:00:02:01', address: '203.0.113.1/24' },
    { name: 'docker0', mac: '02:00:5e:00:03:01', address: '172.17.0.1/16', bridge: true },
  ] as readonly RouterInterface[],
  leaves: [
    { name: 'client', iface: 'eth0', mac: '02:00:5e:00:01:02', address: '198.51.100.2/24', routerIface: 'eth0', routerPort: 'eth0', routerPortMac: '02:00:5e:00:01:01', alsoBehind: ['198.51.100.3'] },
    { name: 'server', iface: 'eth0', mac: '02:00:5e:00:02:02', address: '203.0.113.2/24', routerIface: 'eth1', routerPort: 'eth1', routerPortMac: '02:00:5e:00:02:01', alsoBehind: ['203.0.113.3'] },
    { name: 'ctr1', iface: 'eth0', mac: '02:00:5e:00:03:02', address: '172.17.0.2/16', routerIface: 'docker0', routerPort: 'vethc1', routerPortMac: '02:00:5e:00:03:12', alsoBehind: [] },
    { name: 'ctr2', iface: 'eth0', mac: '02:00:5e:00:03:03', address: '172.17.0.3/16', routerIface: 'docker0', routerPort: 'vethc2', routerPortMac: '02:00:5e:00:03:13', alsoBehind: [] },
  ] as readonly Leaf[],
  /** Router sysctls the lab sets; rp_filter off so spoofed-looking sources are not a variable. */
  sysctl: {
    'net.ipv4.ip_forward': 1,
    'net.ipv4.conf.all.rp_filter': 0,
    'net.ipv4.conf.default.rp_filter': 0,
    'net.bridge.bridge-nf-call-iptables': 1,
  } as Readonly<Record<string, number>>,
} as const;

export type Origin = Leaf['name'] | 'router';

export function leaf(name: Leaf['name']): Leaf {
  const l = LAB.leaves.find((x) => x.name === name);
  if (!l) throw new Error(`no leaf ${name}`);
  return l;
}

export const addressOf = (cidr: string): string => cidr.split('/')[0];

/** The router as netfate's host model sees it, derived from LAB. */
export function hostModel(): HostModel {
  // In the order buildLab creates the devices (bridges first, then one veth per leaf): the
  // kernel's ifindex order, which decides e.g. the source address MASQUERADE picks on lo.
  const bridges = LAB.routerInterfaces.filter((i) => i.bridge);
  const byPort = LAB.leaves.map((l) => {
    const routed = LAB.routerInterfaces.find((i) => !i.bridge && i.name === l.routerPort);
    return routed ? { name: routed.name, addresses: [routed.address] } : { name: l.routerPort, addresses: [], master: l.routerIface };
  });
  return {
    interfaces: [
      ...bridges.map((i) => ({ name: i.name, addresses: [i.address], bridge: true })),
      ...byPort.filter((p, idx) => byPort.findIndex((q) => q.name === p.name) === idx),
    ],
    routes: [],
    sysctl: { ...LAB.sysctl },
  };
}

/** The MAC a leaf's frame is addressed to: the peer container when bridged, else the router. */
export function nextHopMac(from: Leaf, dst: string): string {
  const peer = LAB.leaves.find((l) => l !== from && l.routerIface === from.routerIface && addressOf(l.address) === dst);
  if (peer && from.routerPort !== from.routerIface) return peer.mac;
  return LAB.routerInterfaces.find((i) => i.name === from.routerIface)!.mac;
}

// ---------------------------------------------------------------------------------------------
// Building it (root only).

export interface RunOutput {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(argv: readonly string[], input?: string): RunOutput {
  const r = spawnSync(argv[0], argv.slice(1), { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function must(argv: readonly string[], input?: string): string {
  const r = run(argv, input);
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** What the differential suite needs beyond bench/netns.ts's check, or null when all is there. */
export function labUnavailableReason(): string | null {
  for (const [tool, pkg] of [
    ['nft', 'nftables'],
    ['xtables-monitor', 'iptables'],
    ['conntrack', 'conntrack'],
    ['python3', 'python3'],
    ['stdbuf', 'coreutils'],
    ['bridge', 'iproute2'],
    ['sysctl', 'procps'],
  ] as const) {
    if (spawnSync(tool, ['--version']).error) return `\`${tool}\` not found (apt package ${pkg})`;
  }
  return null;
}

export interface LabNamespaces {
  readonly router: string;
  readonly leaves: Readonly<Record<Leaf['name'], string>>;
}

/** nft tables the lab adds: tracing in the router (before raw, at -350), silence in the leaves. */
const TRACE_TABLE = `table inet netfate_trace {
  chain pre { type filter hook prerouting priority -350; meta nftrace set 1; }
  chain out { type filter hook output priority -350; meta nftrace set 1; }
}
`;
/** Leaves only receive: their stacks would answer (RST, port unreachable) and add noise to the trace. */
const QUIET_TABLE = `table inet netfate_quiet {
  chain out { type filter hook output priority 0; policy drop; }
}
`;

/** Builds the lab's links, addresses, neighbours and sysctls in namespaces that already exist. */
export function buildLab(ns: LabNamespaces): void {
  const inRouter = (argv: readonly string[], input?: string): string => must(['ip', 'netns', 'exec', ns.router, ...argv], input);
  inRouter(['ip', 'link', 'set', 'lo', 'up']);
  for (const i of LAB.routerInterfaces.filter((x) => x.bridge)) {
    inRouter(['ip', 'link', 'add', i.name, 'address', i.mac, 'type', 'bridge']);
  }
  for (const l of LAB.leaves) {
    const leafNs = ns.leaves[l.name];
    inRouter(['ip', 'link', 'add', l.routerPort, 'address', l.routerPortMac, 'type', 'veth', 'peer', 'name', l.iface, 'address', l.mac, 'netns', leafNs]);
    if (l.routerPort !== l.routerIface) inRouter(['ip', 'link', 'set', l.routerPort, 'master', l.routerIface]);
    must(['ip', 'netns', 'exec', leafNs, 'ip', 'addr', 'add', l.address, 'dev', l.iface]);
    must(['ip', 'netns', 'exec', leafNs, 'ip', 'link', 'set', l.iface, 'up']);
    must(['ip', 'netns', 'exec', leafNs, 'ip', 'link', 'set', 'lo', 'up']);
    must(['ip', 'netns', 'exec', leafNs, 'nft', '-f', '-'], QUIET_TABLE);
  }
  for (const i of LAB.routerInterfaces) {
    inRouter(['ip', 'addr', 'add', i.address, 'dev', i.name]);
    inRouter(['ip', 'link', 'set', i.name, 'up']);
  }
  for (const l of LAB.leaves) {
    if (l.routerPort !== l.routerIface) {
      inRouter(['ip', 'link', 'set', l.routerPort, 'up']);
      // A static entry: the bridge must not flood a container's frames to the other container.
      inRouter(['bridge', 'fdb', 'replace', l.mac, 'dev', l.routerPort, 'master', 'static']);
    }
    // Static neighbours: no ARP, and addresses "behind" a leaf reach it without it owning them.
    for (const addr of [addressOf(l.address), ...l.alsoBehind]) {
      inRouter(['ip', 'neigh', 'replace', addr, 'lladdr', l.mac, 'dev', l.routerIface, 'nud', 'permanent']);
    }
  }
  const ifaceNames = [...LAB.routerInterfaces.map((i) => i.name), ...LAB.leaves.map((l) => l.routerPort)];
  const settings: [string, string][] = Object.entries(LAB.sysctl).map(([k, v]) => [k, String(v)]);
  for (const name of new Set(ifaceNames)) settings.push([`net.ipv4.conf.${name}.rp_filter`, '0']);
  // The router's own echo replies would only add noise; netfate is not asked about them.
  settings.push(['net.ipv4.icmp_echo_ignore_all', '1']);
  for (const [k, v] of settings) {
    const r = run(['ip', 'netns', 'exec', ns.router, 'sysctl', '-q', '-w', `${k}=${v}`]);
    if (r.status !== 0) {
      if (k.startsWith('net.bridge.')) throw new Error(`br_netfilter is not available (cannot set ${k}); try \`modprobe br_netfilter\`: ${r.stderr.trim()}`);
      throw new Error(`sysctl ${k}=${v}: ${r.stderr.trim()}`);
    }
  }
  inRouter(['nft', '-f', '-'], TRACE_TABLE);
}
