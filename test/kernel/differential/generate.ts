/**
 * Seeded generation of realistic rulesets and of packets that walk them.
 *
 * Rule values are drawn from the same pools as packet fields (the lab's addresses, a handful of
 * ports, its interfaces, two marks), so most rules are near misses or hits and paths are long.
 * Every user chain belongs to one builtin chain (its hook), so targets and `-i`/`-o` are only
 * used where the kernel accepts them; jumps go only to later user chains (no loops).
 *
 * The ruleset is kept structured (GenRuleset) so the shrinker can drop rules, chains and tables.
 */
import { LAB, addressOf, type Origin } from './lab.js';
import type { LabCase, WirePacket } from './model.js';
import type { TcpFlag } from '../../../src/eval/types.js';

/** mulberry32: small, fast, and the same sequence everywhere for a seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  some<T>(xs: readonly T[], max: number): T[] {
    const pool = [...xs];
    const out: T[] = [];
    const n = this.int(1, Math.min(max, pool.length));
    while (out.length < n) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]);
    return out;
  }
}

export interface GenChain {
  readonly name: string;
  /** Builtin chains have a policy; user chains `-`. */
  policy: 'ACCEPT' | 'DROP' | '-';
  /** The builtin chain whose hook this chain runs in (itself for builtins). */
  readonly hook: string;
  rules: string[];
}

export interface GenTable {
  readonly name: string;
  chains: GenChain[];
}

export type GenRuleset = GenTable[];

export function rulesetText(rs: GenRuleset): string {
  const out: string[] = [];
  for (const t of rs) {
    out.push(`*${t.name}`);
    for (const c of t.chains) out.push(`:${c.name} ${c.policy} [0:0]`);
    for (const c of t.chains) for (const r of c.rules) out.push(`-A ${c.name} ${r}`);
    out.push('COMMIT');
  }
  return out.join('\n') + '\n';
}

const ROUTER_ADDRS = LAB.routerInterfaces.map((i) => addressOf(i.address));
const LEAF_ADDRS = LAB.leaves.flatMap((l) => [addressOf(l.address), ...l.alsoBehind]);
const ADDRS = [...ROUTER_ADDRS, ...LEAF_ADDRS];
const NETS = [...new Set(LAB.routerInterfaces.map((i) => `${networkOf(i.address)}`))];
const PORTS = [22, 53, 80, 443, 8080];
const IFACES = ['eth0', 'eth1', 'docker0', 'lo', 'eth+', 'docker+'];
const STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];
const MARKS = ['0x1', '0x2'];

function networkOf(cidr: string): string {
  const [addr, len] = cidr.split('/');
  const n = Number(len);
  const v = addr.split('.').reduce((a, o) => (a << 8) | Number(o), 0) >>> 0;
  const masked = n === 0 ? 0 : (v & (~0 << (32 - n))) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (masked >>> s) & 255).join('.')}/${n}`;
}

const TABLE_CHAINS: Record<string, readonly string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

const inHooks = new Set(['PREROUTING', 'INPUT', 'FORWARD']);
const outHooks = new Set(['FORWARD', 'OUTPUT', 'POSTROUTING']);

function addrSelector(rng: Rng): string {
  if (rng.chance(0.3)) return rng.pick(NETS);
  return rng.pick(ADDRS);
}

function neg(rng: Rng): string {
  return rng.chance(0.2) ? '! ' : '';
}

/** Match text for one rule; `proto` is the protocol it commits to, when it needs one. */
function matches(rng: Rng, table: string, hook: string, needPorts: boolean): string {
  const parts: string[] = [];
  let proto: string | null = null;
  if (needPorts || rng.chance(0.55)) proto = needPorts ? rng.pick(['tcp', 'udp']) : rng.pick(['tcp', 'udp', 'icmp']);
  if (rng.chance(0.3)) parts.push(`${neg(rng)}-s ${addrSelector(rng)}`);
  if (rng.chance(0.35)) parts.push(`${neg(rng)}-d ${addrSelector(rng)}`);
  if (inHooks.has(hook) && rng.chance(0.3)) parts.push(`${neg(rng)}-i ${rng.pick(IFACES)}`);
  if (outHooks.has(hook) && rng.chance(0.3)) parts.push(`${neg(rng)}-o ${rng.pick(IFACES)}`);
  if (proto) {
    parts.push(`${rng.chance(0.1) && !needPorts ? '! ' : ''}-p ${proto}`);
    if (parts[parts.length - 1].startsWith('!')) proto = null;
  }
  if (proto === 'tcp' || proto === 'udp') {
    const m = `-m ${proto}`;
    if (rng.chance(0.5)) parts.push(`${m} ${rng.chance(0.15) ? '! ' : ''}--dport ${rng.pick(PORTS)}`);
    else if (rng.chance(0.3)) parts.push(`${m} --sport ${rng.chance(0.5) ? rng.pick(PORTS) : '1024:65535'}`);
    else if (rng.chance(0.4)) parts.push(`-m multiport --${rng.pick(['dports', 'sports', 'ports'])} ${rng.some(PORTS, 3).join(',')}`);
    if (proto === 'tcp' && rng.chance(0.25)) {
      parts.push(rng.chance(0.5) ? `-m tcp ${rng.chance(0.3) ? '! ' : ''}--syn` : `-m tcp --tcp-flags ${rng.pick(['SYN,ACK SYN', 'SYN,FIN SYN,FIN', 'ALL ACK', 'ACK ACK'])}`);
    }
  } else if (proto === 'icmp' && rng.chance(0.6)) {
    parts.push(`-m icmp ${rng.chance(0.15) ? '! ' : ''}--icmp-type ${rng.pick(['echo-request', 'destination-unreachable', 'port-unreachable', '8', 'any'])}`);
  }
  if (rng.chance(0.25)) {
    const states = rng.some(STATES, 3).join(',');
    parts.push(rng.chance(0.5) ? `-m conntrack ${neg(rng)}--ctstate ${states}` : `-m state ${neg(rng)}--state ${states}`);
  }
  if (rng.chance(0.12)) parts.push(`-m conntrack --ctdir ${rng.pick(['ORIGINAL', 'REPLY'])}`);
  if (rng.chance(0.15)) parts.push(`-m addrtype ${neg(rng)}--${rng.pick(['src', 'dst'])}-type ${rng.pick(['LOCAL', 'UNICAST', 'BROADCAST'])}`);
  if (rng.chance(0.12)) parts.push(`-m mark ${neg(rng)}--mark ${rng.pick(MARKS)}`);
  if (rng.chance(0.1)) {
    const ends = rng.some(LEAF_ADDRS.filter((a) => a.startsWith('203.')), 2).sort();
    parts.push(`-m iprange ${neg(rng)}--${rng.pick(['src', 'dst'])}-range ${ends[0]}-${ends[ends.length - 1]}`);
  }
  if (rng.chance(0.1)) parts.push(`-m comment --comment "generated rule"`);
  void table;
  return parts.join(' ');
}

/** A rule for `chain` of `table`; `later` are user chains it may jump or go to. */
function rule(rng: Rng, table: string, chain: GenChain, later: readonly GenChain[]): string {
  const hook = chain.hook;
  const options: (() => string)[] = [];
  const plain = (target: string) => () => `${matches(rng, table, hook, false)} -j ${target}`.trim();
  options.push(plain('ACCEPT'), plain('RETURN'), () => matches(rng, table, hook, false) || '-m comment --comment "count only"');
  options.push(plain(`LOG --log-prefix "netfate "`));
  if (table !== 'nat') options.push(plain('DROP'), plain('DROP'));
  if (table === 'filter') options.push(plain('REJECT'), plain('REJECT --reject-with icmp-port-unreachable'));
  if (table === 'mangle') options.push(() => `${matches(rng, table, hook, false)} -j MARK --set-mark ${rng.pick(MARKS)}`.trim());
  if (table === 'raw') options.push(plain('NOTRACK'), plain('CT --notrack'));
  if (table === 'nat') {
    if (hook === 'PREROUTING' || hook === 'OUTPUT') {
      const to = () => `${rng.pick(LEAF_ADDRS.concat(ROUTER_ADDRS))}`;
      options.push(() => `${matches(rng, table, hook, false)} -j DNAT --to-destination ${to()}`.trim());
      options.push(() => `${matches(rng, table, hook, true)} -j DNAT --to-destination ${to()}:${rng.pick(PORTS)}`);
      options.push(() => `${matches(rng, table, hook, true)} -j REDIRECT --to-ports ${rng.pick(PORTS)}`);
    } else {
      options.push(() => `${matches(rng, table, hook, false)} -j SNAT --to-source ${rng.pick(ROUTER_ADDRS)}`.trim());
      if (hook === 'POSTROUTING') options.push(plain('MASQUERADE'), plain('MASQUERADE'));
    }
  }
  if (later.length) {
    options.push(() => `${matches(rng, table, hook, false)} -j ${rng.pick(later).name}`.trim());
    options.push(() => `${matches(rng, table, hook, false)} -j ${rng.pick(later).name}`.trim());
    options.push(() => `${matches(rng, table, hook, false)} -g ${rng.pick(later).name}`.trim());
  }
  return rng.pick(options)();
}

export function generateRuleset(rng: Rng): GenRuleset {
  const tables: GenRuleset = [];
  for (const name of ['raw', 'mangle', 'nat', 'filter']) {
    if (!rng.chance(name === 'filter' ? 0.9 : 0.6)) continue;
    const builtins: GenChain[] = TABLE_CHAINS[name].map((c) => ({
      name: c,
      hook: c,
      policy: name === 'filter' ? (rng.chance(0.4) ? 'DROP' : 'ACCEPT') : name === 'mangle' && rng.chance(0.1) ? 'DROP' : 'ACCEPT',
      rules: [],
    }));
    const users: GenChain[] = [];
    const userCount = rng.int(0, 3);
    for (let i = 0; i < userCount; i++) users.push({ name: `U${i}_${name.toUpperCase()}`, hook: rng.pick(builtins).hook, policy: '-', rules: [] });
    // User chains first (from the last): a chain may reach only later chains of its own hook.
    for (let i = users.length - 1; i >= 0; i--) {
      const later = users.slice(i + 1).filter((u) => u.hook === users[i].hook);
      const n = rng.int(1, 4);
      for (let k = 0; k < n; k++) users[i].rules.push(rule(rng, name, users[i], later));
    }
    for (const b of builtins) {
      const reachable = users.filter((u) => u.hook === b.hook);
      const n = rng.int(0, 5);
      for (let k = 0; k < n; k++) b.rules.push(rule(rng, name, b, reachable));
    }
    tables.push({ name, chains: [...builtins, ...users] });
  }
  return tables;
}

const EPHEMERAL = [40000, 45000, 50000];

/** A packet from a random origin in a random conntrack state, with fields from the pools. */
export function generateCase(rng: Rng): LabCase {
  const origin: Origin = rng.pick(['client', 'client', 'server', 'server', 'ctr1', 'ctr2', 'router', 'router']);
  const own = origin === 'router' ? ROUTER_ADDRS : (() => {
    const l = LAB.leaves.find((x) => x.name === origin)!;
    return [addressOf(l.address), ...l.alsoBehind];
  })();
  const src = rng.pick(own);
  const others = ADDRS.filter((a) => !own.includes(a) || origin === 'router');
  // The router may send to itself (over lo); leaves send anywhere but their own link's addresses.
  const dst = rng.pick(origin === 'router' ? ADDRS : others.filter((a) => !(origin === 'client' && a.startsWith('198.51.100.') && a !== '198.51.100.1') && !(origin === 'server' && a.startsWith('203.0.113.') && a !== '203.0.113.1')));
  const stateRoll = rng.next();
  const state = stateRoll < 0.55 ? 'NEW' : stateRoll < 0.75 ? 'ESTABLISHED' : stateRoll < 0.87 ? 'RELATED' : 'INVALID';
  const sport = rng.chance(0.6) ? rng.pick(EPHEMERAL) : rng.pick(PORTS);
  const dport = rng.pick(PORTS);
  if (state === 'RELATED') {
    // An ICMP error travelling back to the flow's sender, quoting the flow.
    const packet: WirePacket = { src, dst, proto: 1, icmpType: 3, icmpCode: rng.pick([1, 3]), quote: { src: dst, dst: src, proto: rng.pick([6, 17] as const), sport, dport } };
    return { origin, packet, state, ctDir: 'REPLY' };
  }
  if (state === 'INVALID') {
    return { origin, packet: { src, dst, proto: 6, sport, dport, tcpFlags: ['SYN', 'FIN'] }, state, ctDir: 'ORIGINAL' };
  }
  const proto = state === 'ESTABLISHED' ? rng.pick([6, 17] as const) : rng.pick([6, 6, 17, 1] as const);
  const ctDir = state === 'ESTABLISHED' && rng.chance(0.5) ? 'REPLY' : 'ORIGINAL';
  if (proto === 1) return { origin, packet: { src, dst, proto, icmpType: 8, icmpCode: 0 }, state, ctDir };
  const tcpFlags: TcpFlag[] | undefined = proto === 6 ? (state === 'NEW' ? (rng.chance(0.85) ? ['SYN'] : ['ACK']) : ['ACK']) : undefined;
  return { origin, packet: { src, dst, proto, sport, dport, ...(tcpFlags ? { tcpFlags } : {}) }, state, ctDir };
}
