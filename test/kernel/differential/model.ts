/**
 * A differential case (a packet injected into the lab, in a conntrack state), the answer both
 * sides give in one shape, and their comparison. Root-free: the fixture replay uses it too.
 */
import { parseRuleset } from '../../../src/ast/parse.js';
import { evaluatePacket } from '../../../src/eval/evaluate.js';
import type { CtDirection, HostModel, Packet, PathKind, TcpFlag, Trace } from '../../../src/eval/types.js';
import type { Ruleset } from '../../../src/ast/types.js';
import { leaf, type Origin } from './lab.js';

export type LabState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID';

/** The header fields the agent writes. ICMP errors quote the flow they answer (`quote`). */
export interface WirePacket {
  readonly src: string;
  readonly dst: string;
  readonly proto: 1 | 6 | 17;
  readonly sport?: number;
  readonly dport?: number;
  readonly tcpFlags?: readonly TcpFlag[];
  readonly icmpType?: number;
  readonly icmpCode?: number;
  readonly quote?: { readonly src: string; readonly dst: string; readonly proto: 6 | 17; readonly sport: number; readonly dport: number };
  readonly ttl?: number;
}

export interface LabCase {
  readonly origin: Origin;
  readonly packet: WirePacket;
  /**
   * The conntrack state the lab prepares: ESTABLISHED inserts the entry (`conntrack -I`) in the
   * direction `ctDir` says; RELATED inserts the quoted flow; INVALID is a TCP packet conntrack
   * refuses (SYN+FIN). UNTRACKED is no lab state: the ruleset's raw NOTRACK makes it.
   */
  readonly state: LabState;
  readonly ctDir: CtDirection;
}

/** Bytes of layer 4 the agent writes for each kind of packet (agent.py's `transport`). */
export function ipLength(p: WirePacket): number {
  if (p.proto === 6) return 20 + 20;
  if (p.proto === 17) return 20 + 8 + 'netfate'.length;
  if (p.quote) return 20 + 8 + 20 + 8;
  return 20 + 8 + 'netfate'.length;
}

/** The same packet as netfate's Packet: arrival interface and bridge port from the lab. */
export function netfatePacket(c: LabCase): Packet {
  const from = c.origin === 'router' ? null : leaf(c.origin);
  const p = c.packet;
  return {
    family: 4,
    in: from ? from.routerIface : null,
    ...(from && from.routerPort !== from.routerIface ? { physdevIn: from.routerPort } : {}),
    src: p.src,
    dst: p.dst,
    proto: p.proto,
    ...(p.sport !== undefined ? { sport: p.sport } : {}),
    ...(p.dport !== undefined ? { dport: p.dport } : {}),
    ...(p.tcpFlags ? { tcpFlags: p.tcpFlags } : {}),
    ...(p.proto === 1 ? { icmpType: p.icmpType ?? 8, icmpCode: p.icmpCode ?? 0 } : {}),
    state: c.state,
    ctDir: c.ctDir,
    mark: 0,
    length: ipLength(p),
    ttl: p.ttl ?? 64,
  };
}

export interface StepRef {
  readonly table: string;
  readonly chain: string;
  /** 1-based rule position; null for the chain's policy. */
  readonly rule: number | null;
}

export type AnswerVerdict = 'ACCEPT' | 'DROP' | 'REJECT' | 'QUEUE' | 'UNDECIDED';

/** What happened to the packet, as either side tells it. */
export interface Answer {
  readonly verdict: AnswerVerdict;
  /** Where the verdict was given; null when the kernel dropped it outside iptables (routing). */
  readonly path: PathKind | null;
  /** Router interface it left by (delivered packets only; `lo` for this host's own). */
  readonly egress: string | null;
  /** The packet as it arrived (delivered packets only). */
  readonly final: { readonly src: string; readonly dst: string; readonly sport?: number; readonly dport?: number } | null;
  /** The rules that matched and the policies that applied, in order. */
  readonly steps: readonly StepRef[];
}

export function netfateAnswer(rulesetText: string, host: HostModel, c: LabCase): Answer {
  return answerOf(netfateTrace(rulesetText, host, c).trace);
}

export function netfateTrace(rulesetText: string, host: HostModel, c: LabCase): { ruleset: Ruleset; trace: Trace } {
  const { ruleset } = parseRuleset(rulesetText);
  return { ruleset, trace: evaluatePacket(ruleset, netfatePacket(c), { host }) };
}

export function answerOf(t: Trace): Answer {
  const delivered = t.verdict === 'ACCEPT';
  return {
    verdict: t.verdict,
    path: t.path,
    egress: delivered ? (t.path === 'input' ? null : t.egress) : null,
    final: delivered
      ? { src: t.packet.src, dst: t.packet.dst, ...(t.packet.sport !== undefined ? { sport: t.packet.sport } : {}), ...(t.packet.dport !== undefined ? { dport: t.packet.dport } : {}) }
      : null,
    steps: t.steps.filter((s) => s.match !== 'no').map((s) => ({ table: s.table, chain: s.chain, rule: s.rule })),
  };
}

const stepText = (s: StepRef): string => `${s.table}/${s.chain}/${s.rule === null ? 'policy' : s.rule}`;

/** Every way the two answers differ (empty when they agree). */
export function differences(kernel: Answer, netfate: Answer): string[] {
  const out: string[] = [];
  if (kernel.verdict !== netfate.verdict) out.push(`verdict: kernel ${kernel.verdict}, netfate ${netfate.verdict}`);
  // The kernel's path is unknown when it dropped the packet outside iptables; then only the verdict counts.
  if (kernel.path !== null && kernel.path !== netfate.path) out.push(`path: kernel ${kernel.path}, netfate ${netfate.path}`);
  if (kernel.verdict === 'ACCEPT' && netfate.verdict === 'ACCEPT') {
    if (kernel.egress !== netfate.egress) out.push(`egress: kernel ${kernel.egress}, netfate ${netfate.egress}`);
    const k = JSON.stringify(kernel.final);
    const n = JSON.stringify(netfate.final);
    if (k !== n) out.push(`packet after NAT: kernel ${k}, netfate ${n}`);
  }
  const ks = kernel.steps.map(stepText).join(' ');
  const ns = netfate.steps.map(stepText).join(' ');
  if (ks !== ns) out.push(`matched rules: kernel [${ks}], netfate [${ns}]`);
  return out;
}
