/**
 * Generates the iptables-save text of a Kubernetes node whose kube-proxy runs in iptables mode,
 * for N services: the shape of the largest rulesets people feed to netfate, used by the bench
 * (`npm run bench`) and, small, by the kernel suite.
 *
 * Per service (ClusterIP, optionally NodePort), as kube-proxy writes it:
 *   nat    KUBE-SERVICES  -d CLUSTER-IP/32 -p tcp -m comment "ns/svc:port cluster IP" --dport P -j KUBE-SVC-…
 *   nat    KUBE-SVC-…     masquerade traffic from outside the pod network, then one jump per
 *                         endpoint, spread with `-m statistic --mode random --probability 1/k`
 *   nat    KUBE-SEP-…     mark hairpin traffic for masquerade, then DNAT to the endpoint
 *   nat    KUBE-NODEPORTS -> KUBE-EXT-… (masquerade, then KUBE-SVC-…) for NodePort services
 *   filter KUBE-SERVICES / KUBE-EXTERNAL-SERVICES REJECT for services without endpoints
 * That is about 11 rules per service. The output is iptables-save's canonical text (nft backend:
 * tables filter then nat, builtin chains then user chains sorted, rules grouped by chain), so that
 * restoring it and saving again gives it back; the kernel suite checks this.
 *
 * Deterministic: the same (services, seed) gives the same text.
 * CLI: `node dist/rulesets/gen/kube-proxy.js SERVICES [SEED] > file.save`
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface KubeProxyOptions {
  readonly services: number;
  readonly seed?: number;
  /** First line comment, as iptables-save writes it; omit for none. */
  readonly header?: string;
}

/** mulberry32: a small PRNG whose sequence is fixed by its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** kube-proxy's chain names: prefix + the first 16 base32 characters of a SHA-256 of what the chain is for. */
function chainName(prefix: string, ...parts: string[]): string {
  return prefix + base32(createHash('sha256').update(parts.join('')).digest()).slice(0, 16);
}

function ipv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * The probability as iptables-save prints it: the kernel keeps it as a 31-bit fraction, and
 * libxt_statistic prints that back with 11 decimals (1/3 becomes 0.33333333349).
 */
function savedProbability(p: number): string {
  const fixed = Math.round(p * 0x80000000);
  return (fixed / 0x80000000).toFixed(11);
}

const SERVICE_CLUSTER_BASE = (10 << 24) | (96 << 16); // 10.96.0.0/12
const POD_NETWORK = '10.244.0.0/16';
const POD_BASE = (10 << 24) | (244 << 16);
const PORTS: readonly { name: string; port: number; target: number; protocol: 'tcp' | 'udp' }[] = [
  { name: 'http', port: 80, target: 8080, protocol: 'tcp' },
  { name: 'https', port: 443, target: 8443, protocol: 'tcp' },
  { name: 'grpc', port: 9090, target: 9090, protocol: 'tcp' },
  { name: 'metrics', port: 9100, target: 9100, protocol: 'tcp' },
  { name: 'dns', port: 53, target: 53, protocol: 'udp' },
  { name: 'redis', port: 6379, target: 6379, protocol: 'tcp' },
  { name: 'postgres', port: 5432, target: 5432, protocol: 'tcp' },
];

const MASQ_MARK = '0x4000/0x4000';

/** Rules by chain; chains print in the order iptables-save lists them. */
class TableText {
  private readonly rules = new Map<string, string[]>();

  constructor(
    readonly name: string,
    private readonly builtins: readonly string[],
  ) {
    for (const b of builtins) this.rules.set(b, []);
  }

  chain(name: string): void {
    if (!this.rules.has(name)) this.rules.set(name, []);
  }

  add(chain: string, body: string): void {
    this.chain(chain);
    this.rules.get(chain)!.push(`-A ${chain} ${body}`);
  }

  text(): string {
    const users = [...this.rules.keys()].filter((c) => !this.builtins.includes(c)).sort();
    const lines = [`*${this.name}`];
    for (const b of this.builtins) lines.push(`:${b} ACCEPT [0:0]`);
    for (const u of users) lines.push(`:${u} - [0:0]`);
    for (const c of [...this.builtins, ...users]) lines.push(...this.rules.get(c)!);
    lines.push('COMMIT');
    return lines.join('\n') + '\n';
  }
}

export function generateKubeProxy(options: KubeProxyOptions): string {
  const random = prng(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const filter = new TableText('filter', ['INPUT', 'FORWARD', 'OUTPUT']);
  const nat = new TableText('nat', ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']);

  // Fixed rules kube-proxy installs whatever the services.
  filter.add('INPUT', '-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL');
  filter.add('INPUT', '-m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS');
  filter.add('INPUT', '-m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES');
  filter.add('INPUT', '-j KUBE-FIREWALL');
  filter.add('FORWARD', '-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL');
  filter.add('FORWARD', '-m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD');
  filter.add('FORWARD', '-m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  filter.add('FORWARD', '-m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES');
  filter.add('OUTPUT', '-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL');
  filter.add('OUTPUT', '-m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  filter.add('OUTPUT', '-j KUBE-FIREWALL');
  filter.add('KUBE-FIREWALL', '! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP');
  filter.add('KUBE-FORWARD', '-m conntrack --ctstate INVALID -j DROP');
  filter.add('KUBE-FORWARD', `-m comment --comment "kubernetes forwarding rules" -m mark --mark ${MASQ_MARK} -j ACCEPT`);
  filter.add('KUBE-FORWARD', '-m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
  for (const c of ['KUBE-EXTERNAL-SERVICES', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL', 'KUBE-SERVICES', 'KUBE-KUBELET-CANARY', 'KUBE-PROXY-CANARY']) filter.chain(c);

  nat.add('PREROUTING', '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  nat.add('OUTPUT', '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  nat.add('POSTROUTING', '-m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING');
  // kube-proxy writes `-j MARK --or-mark 0x4000`; iptables-save prints MARK's saved form.
  nat.add('KUBE-MARK-MASQ', `-j MARK --set-xmark ${MASQ_MARK}`);
  nat.add('KUBE-POSTROUTING', `-m mark ! --mark ${MASQ_MARK} -j RETURN`);
  nat.add('KUBE-POSTROUTING', '-j MARK --set-xmark 0x4000/0x0');
  nat.add('KUBE-POSTROUTING', '-m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully');
  for (const c of ['KUBE-NODEPORTS', 'KUBE-SERVICES', 'KUBE-KUBELET-CANARY', 'KUBE-PROXY-CANARY']) nat.chain(c);

  let nextPod = 2;
  let nextNodePort = 30000;
  for (let i = 0; i < options.services; i++) {
    const namespace = `ns-${Math.floor(i / 25)}`;
    const port = pick(PORTS);
    const svc = `${namespace}/svc-${i}:${port.name}`;
    const clusterIp = ipv4(SERVICE_CLUSTER_BASE + 1 + i);
    const proto = `-p ${port.protocol}`;
    const dport = `-m ${port.protocol} --dport ${port.port}`;
    const endpointCount = random() < 0.05 ? 0 : 1 + Math.floor(random() * 5);
    // NodePorts come from 30000-32767, as in a default cluster; past that, services get none.
    const wantsNodePort = random() < 0.25;
    const nodePort = wantsNodePort && nextNodePort <= 32767 ? nextNodePort++ : null;

    if (endpointCount === 0) {
      filter.add('KUBE-SERVICES', `-d ${clusterIp}/32 ${proto} -m comment --comment "${svc} has no endpoints" ${dport} -j REJECT --reject-with icmp-port-unreachable`);
      if (nodePort !== null) {
        filter.add(
          'KUBE-EXTERNAL-SERVICES',
          `${proto} -m comment --comment "${svc} has no endpoints" -m addrtype --dst-type LOCAL -m ${port.protocol} --dport ${nodePort} -j REJECT --reject-with icmp-port-unreachable`,
        );
      }
      continue;
    }

    const svcChain = chainName('KUBE-SVC-', svc, port.protocol);
    nat.add('KUBE-SERVICES', `-d ${clusterIp}/32 ${proto} -m comment --comment "${svc} cluster IP" ${dport} -j ${svcChain}`);
    nat.add(svcChain, `! -s ${POD_NETWORK} -d ${clusterIp}/32 ${proto} -m comment --comment "${svc} cluster IP" ${dport} -j KUBE-MARK-MASQ`);
    for (let e = 0; e < endpointCount; e++) {
      const podIp = ipv4(POD_BASE + nextPod++);
      const endpoint = `${podIp}:${port.target}`;
      const sepChain = chainName('KUBE-SEP-', svc, port.protocol, endpoint);
      const left = endpointCount - e;
      const spread = left > 1 ? ` -m statistic --mode random --probability ${savedProbability(1 / left)}` : '';
      nat.add(svcChain, `-m comment --comment "${svc} -> ${endpoint}"${spread} -j ${sepChain}`);
      nat.add(sepChain, `-s ${podIp}/32 -m comment --comment "${svc}" -j KUBE-MARK-MASQ`);
      nat.add(sepChain, `${proto} -m comment --comment "${svc}" -m ${port.protocol} -j DNAT --to-destination ${endpoint}`);
    }
    if (nodePort !== null) {
      const extChain = chainName('KUBE-EXT-', svc, port.protocol);
      nat.add('KUBE-NODEPORTS', `${proto} -m comment --comment "${svc}" -m ${port.protocol} --dport ${nodePort} -j ${extChain}`);
      nat.add(extChain, `-m comment --comment "masquerade traffic for ${svc} external destinations" -j KUBE-MARK-MASQ`);
      nat.add(extChain, `-j ${svcChain}`);
    }
  }
  // kube-proxy keeps this one last: it catches every NodePort after the ClusterIP rules.
  nat.add('KUBE-SERVICES', '-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');

  const header = options.header ? `# ${options.header}\n` : '';
  return header + filter.text() + nat.text();
}

function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const services = Number(process.argv[2] ?? '100');
  const seed = Number(process.argv[3] ?? '1');
  if (!Number.isInteger(services) || services < 0 || !Number.isInteger(seed)) {
    process.stderr.write('usage: kube-proxy.js SERVICES [SEED]\n');
    process.exit(2);
  }
  process.stdout.write(generateKubeProxy({ services, seed, header: `Generated by netfate rulesets/gen/kube-proxy ${services} services, seed ${seed}` }));
}
