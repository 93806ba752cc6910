/**
 * Asking the kernel: the lab's namespaces, a ruleset loaded unchanged into the router with
 * iptables-restore, one crafted packet injected, and the kernel's answer read from three
 * witnesses: the nft trace (`xtables-monitor --trace`: every matched rule and applied policy, in
 * order), the rule counters (`iptables-save -c`, a cross-check of the trace), and where the agent
 * captured the packet (verdict, path, egress, addresses after NAT).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Netns } from '../../../bench/netns.js';
import { buildLab, LAB, leaf, must, nextHopMac, run, type Leaf } from './lab.js';
import type { Answer, LabCase, StepRef } from './model.js';
import type { PathKind } from '../../../src/eval/types.js';

const AGENT = fileURLToPath(new URL('./agent.py', import.meta.url));
const BUILTIN = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);
const IP_TABLES = ['raw', 'mangle', 'nat', 'filter', 'security'];

interface Capture {
  readonly where: Leaf['name'] | 'router';
  readonly src: string;
  readonly dst: string;
  readonly sport?: number;
  readonly dport?: number;
}

interface TraceEvent {
  readonly table: string;
  readonly chain: string;
  readonly handle: number | null;
  readonly verdict: string;
  readonly text: string;
}

export interface KernelAnswer extends Answer {
  /** Rules whose counters moved differently from what the trace shows (should be empty). */
  readonly counterMismatches: readonly string[];
  /** The raw trace lines of the case, for the report and the fixture. */
  readonly trace: readonly string[];
}

/** Lines of a child's stdout as they come, kept in order. */
class LineStream {
  readonly lines: string[] = [];
  private waiters: (() => void)[] = [];
  constructor(child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (l) => {
      this.lines.push(l);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  next(from: number, timeoutMs: number): Promise<string | null> {
    if (this.lines.length > from) return Promise.resolve(this.lines[from]);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.lines[from] ?? null), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(this.lines[from] ?? null);
      });
    });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function parseCounters(saved: string): Map<string, number> {
  const counts = new Map<string, number>();
  const position = new Map<string, number>();
  let table = '';
  for (const line of saved.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const m = /^\[(\d+):\d+\] -A (\S+)/.exec(line);
    if (!m) continue;
    const key = `${table}/${m[2]}`;
    const n = (position.get(key) ?? 0) + 1;
    position.set(key, n);
    counts.set(`${key}/${n}`, Number(m[1]));
  }
  return counts;
}

export class KernelLab {
  private handles = new Map<string, number>();
  private ipid = 1000;

  private constructor(
    private readonly router: Netns,
    private readonly leaves: readonly Netns[],
    private readonly agent: ChildProcessWithoutNullStreams,
    private readonly agentOut: LineStream,
    private readonly monitor: ChildProcessWithoutNullStreams,
    private readonly trace: LineStream,
  ) {}

  static async start(): Promise<KernelLab> {
    const router = Netns.create('diff-router');
    const leaves: Netns[] = [];
    let agent: ChildProcessWithoutNullStreams | undefined;
    let monitor: ChildProcessWithoutNullStreams | undefined;
    try {
      const names = {} as Record<Leaf['name'], string>;
      for (const l of LAB.leaves) {
        const ns = Netns.create(`diff-${l.name}`);
        leaves.push(ns);
        names[l.name] = ns.name;
      }
      buildLab({ router: router.name, leaves: names });
      const config = { router: router.name, leaves: LAB.leaves.map((l) => ({ name: l.name, netns: names[l.name], iface: l.iface, mac: l.mac })) };
      agent = spawn('python3', [AGENT, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
      const agentOut = new LineStream(agent);
      const agentErr: string[] = [];
      agent.stderr.on('data', (d: Buffer) => agentErr.push(d.toString()));
      const ready = await agentOut.next(0, 10_000);
      if (ready === null) throw new Error(`packet agent did not start: ${agentErr.join('')}`);
      // stdbuf: xtables-monitor writes through stdio, block-buffered on a pipe.
      monitor = spawn('ip', ['netns', 'exec', router.name, 'stdbuf', '-oL', 'xtables-monitor', '--trace'], { stdio: ['pipe', 'pipe', 'pipe'] });
      const trace = new LineStream(monitor);
      const lab = new KernelLab(router, leaves, agent, agentOut, monitor, trace);
      await lab.waitForMonitor();
      return lab;
    } catch (e) {
      agent?.kill();
      monitor?.kill();
      for (const ns of [router, ...leaves]) ns.dispose();
      throw e;
    }
  }

  /** The monitor subscribes asynchronously: probe until a traced packet shows up. */
  private async waitForMonitor(): Promise<void> {
    this.load('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n');
    for (let attempt = 0; attempt < 50; attempt++) {
      const seen = this.trace.lines.length;
      await this.inject({ origin: 'client', packet: { src: '198.51.100.2', dst: '203.0.113.2', proto: 17, sport: 9, dport: 9 }, state: 'NEW', ctDir: 'ORIGINAL' }, this.ipid++);
      await sleep(50);
      if (this.trace.lines.length > seen) return;
    }
    throw new Error('xtables-monitor --trace shows no events');
  }

  private inRouter(argv: readonly string[], input?: string): string {
    return must(['ip', 'netns', 'exec', this.router.name, ...argv], input);
  }

  /**
   * Replaces whatever iptables tables the router has with `text` (iptables-restore only flushes
   * the tables it names). Returns the kernel's refusal, or null when it loaded.
   */
  load(text: string): string | null {
    const wipe = IP_TABLES.map((t) => `add table ip ${t}\ndelete table ip ${t}\n`).join('');
    this.inRouter(['nft', '-f', '-'], wipe);
    const r = this.router.restore(4, text);
    if (r.status !== 0) return (r.stderr || r.stdout).trim();
    // Trace events name rules by nft handle; the rule's position in its chain is its index there.
    this.handles.clear();
    const listing = JSON.parse(this.inRouter(['nft', '-j', '-a', 'list', 'ruleset'])) as { nftables: Record<string, { family: string; table: string; chain: string; handle: number }>[] };
    const position = new Map<string, number>();
    for (const item of listing.nftables) {
      const rule = item.rule;
      if (!rule || rule.family !== 'ip') continue;
      const key = `${rule.table}/${rule.chain}`;
      const n = (position.get(key) ?? 0) + 1;
      position.set(key, n);
      this.handles.set(`${key}/${rule.handle}`, n);
    }
    return null;
  }

  private async inject(c: LabCase, ipid: number, window = 30): Promise<Capture[]> {
    const from = c.origin === 'router' ? null : leaf(c.origin);
    const request = {
      op: 'send',
      origin: c.origin,
      dstMac: from ? nextHopMac(from, c.packet.dst) : undefined,
      packet: { ...c.packet, ipid },
      window,
    };
    const at = this.agentOut.lines.length;
    this.agent.stdin.write(JSON.stringify(request) + '\n');
    const line = await this.agentOut.next(at, 10_000);
    if (line === null) throw new Error('packet agent did not answer');
    const answer = JSON.parse(line) as { captures?: Capture[]; error?: string };
    if (answer.error) throw new Error(`packet agent: ${answer.error}`);
    return answer.captures ?? [];
  }

  /** Conntrack entries a case needs before its packet (none survive from earlier cases). */
  private prepareConntrack(c: LabCase): void {
    this.inRouter(['conntrack', '-F']);
    const p = c.packet;
    let flow: { src: string; dst: string; proto: number; sport: number; dport: number } | null = null;
    if (c.state === 'ESTABLISHED') {
      if (p.sport === undefined || p.dport === undefined) throw new Error('ESTABLISHED cases need ports (tcp or udp)');
      flow = c.ctDir === 'ORIGINAL'
        ? { src: p.src, dst: p.dst, proto: p.proto, sport: p.sport, dport: p.dport }
        : { src: p.dst, dst: p.src, proto: p.proto, sport: p.dport, dport: p.sport };
    } else if (c.state === 'RELATED') {
      if (!p.quote) throw new Error('RELATED cases are ICMP errors quoting a flow');
      flow = p.quote;
    }
    if (!flow) return;
    const args = ['conntrack', '-I', '-p', flow.proto === 6 ? 'tcp' : 'udp', '-s', flow.src, '-d', flow.dst, '--sport', String(flow.sport), '--dport', String(flow.dport), '--timeout', '120', '-u', 'SEEN_REPLY'];
    if (flow.proto === 6) args.push('--state', 'ESTABLISHED');
    this.inRouter(args);
  }

  private counters(): Map<string, number> {
    const r = this.router.save(4, { counters: true });
    if (r.status !== 0) throw new Error(`iptables-save -c: ${r.stderr}`);
    return parseCounters(r.stdout);
  }

  async ask(c: LabCase): Promise<KernelAnswer> {
    this.prepareConntrack(c);
    const before = this.counters();
    const ipid = this.ipid;
    this.ipid = this.ipid >= 60000 ? 1000 : this.ipid + 1;
    const traceStart = this.trace.lines.length;
    const captures = await this.inject(c, ipid);
    await sleep(2);
    const after = this.counters();
    const lines = this.trace.lines.slice(traceStart);
    return this.interpret(c, ipid, captures, lines, before, after);
  }

  private interpret(c: LabCase, ipid: number, captures: Capture[], lines: string[], before: Map<string, number>, after: Map<string, number>): KernelAnswer {
    const traceIpid = new Map<string, number>();
    const ours: TraceEvent[] = [];
    const ruleHits = new Map<string, number>();
    const ourLines: string[] = [];
    for (const line of lines) {
      const packet = /^PACKET: \d+ (\S+) .*\bID=(\d+)/.exec(line);
      if (packet) {
        traceIpid.set(packet[1], Number(packet[2]));
        if (Number(packet[2]) === ipid) ourLines.push(line);
        continue;
      }
      const m = /^\s*TRACE: \d+ (\S+) ([^:\s]+):([^:\s]+):(rule|policy|return):?(\S*)\s*(.*)$/.exec(line);
      if (!m) continue;
      const [, id, table, chain, kind, rest, text] = m;
      if (table === 'netfate_trace' || kind === 'return') continue;
      let ev: TraceEvent;
      if (kind === 'rule') {
        const hm = /^0x([0-9a-f]+):(.*)$/.exec(rest);
        if (!hm) continue;
        const handle = parseInt(hm[1], 16);
        const pos = this.handles.get(`${table}/${chain}/${handle}`);
        const key = `${table}/${chain}/${pos ?? `handle${handle}`}`;
        ruleHits.set(key, (ruleHits.get(key) ?? 0) + 1);
        ev = { table, chain, handle: pos ?? null, verdict: hm[2], text };
      } else {
        ev = { table, chain, handle: null, verdict: rest, text: '' };
      }
      if (traceIpid.get(id) === ipid) {
        ours.push(ev);
        ourLines.push(line);
      }
    }
    const counterMismatches: string[] = [];
    for (const key of new Set([...after.keys(), ...ruleHits.keys()])) {
      const moved = (after.get(key) ?? 0) - (before.get(key) ?? 0);
      const traced = ruleHits.get(key) ?? 0;
      if (moved !== traced) counterMismatches.push(`${key}: counter +${moved}, trace ${traced}`);
    }

    const steps: StepRef[] = ours.map((e) => ({ table: e.table, chain: e.chain, rule: e.handle }));
    const local = c.origin === 'router';
    let base = '';
    let dropAt: { base: string; reject: boolean } | null = null;
    for (const e of ours) {
      if (BUILTIN.has(e.chain)) base = e.chain;
      if (e.verdict.startsWith('DROP')) {
        dropAt = { base, reject: / -j REJECT\b/.test(e.text) };
        break;
      }
    }
    const pathOf = (hook: string): PathKind | null => {
      if (local) return 'output';
      if (hook === 'PREROUTING') return 'prerouting';
      if (hook === 'INPUT') return 'input';
      if (hook === 'FORWARD' || hook === 'POSTROUTING') return 'forward';
      return null;
    };
    if (dropAt) {
      return { verdict: dropAt.reject ? 'REJECT' : 'DROP', path: pathOf(dropAt.base), egress: null, final: null, steps: steps.slice(0, ours.findIndex((e) => e.verdict.startsWith('DROP')) + 1), counterMismatches, trace: ourLines };
    }
    const arrived = captures[0];
    if (!arrived) {
      // Dropped outside iptables (no route, martian, …): the verdict is all we know.
      return { verdict: 'DROP', path: null, egress: null, final: null, steps, counterMismatches, trace: ourLines };
    }
    const where = arrived.where;
    const path: PathKind = local ? 'output' : where === 'router' ? 'input' : 'forward';
    const egress = where === 'router' ? (local ? 'lo' : null) : leaf(where).routerIface;
    const final = {
      src: arrived.src,
      dst: arrived.dst,
      ...(arrived.sport !== undefined ? { sport: arrived.sport } : {}),
      ...(arrived.dport !== undefined ? { dport: arrived.dport } : {}),
    };
    return { verdict: 'ACCEPT', path, egress, final, steps, counterMismatches, trace: ourLines };
  }

  dispose(): void {
    this.agent.stdin.end();
    this.agent.kill();
    this.monitor.kill();
    for (const ns of [this.router, ...this.leaves]) ns.dispose();
  }
}

export { run };
