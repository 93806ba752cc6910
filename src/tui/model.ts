/**
 * What the step UI derives once from a finished trace, so that every key press is a cheap lookup
 * and a trace of 30,000 steps never has to be walked again while the user moves through it:
 * which chain invocation (frame) each step belongs to, the call stack, and the packet at each step.
 */
import type { Chain, Family, Ruleset } from '../ast/types.js';
import type { CtState, Packet, Trace, TraceStep } from '../eval/types.js';
import { protocolName } from '../net/protocols.js';

/** One invocation of a chain: the builtin chain of a hook and table, or a chain jumped or gone to. */
export interface Frame {
  readonly id: number;
  readonly hook: string;
  readonly table: string;
  readonly chain: string;
  readonly file: string | undefined;
  readonly depth: number;
  /** The step whose target entered this frame (`jump:`/`goto:`); null for a builtin chain. */
  readonly enteredBy: number | null;
  readonly via: 'jump' | 'goto' | null;
  /** The frame a RETURN (or the end of this chain) goes back to; null at the builtin chain. */
  readonly parent: Frame | null;
  /** For a goto: the frame it left (never returned to, but part of how the packet got here). */
  readonly gotoFrom: Frame | null;
  /** rule number -> index of the step that tested it in this invocation. */
  readonly ruleSteps: Map<number, number>;
  /** Index of the policy step when this invocation ended in the policy. */
  policyStep: number | null;
}

export interface TraceModel {
  readonly trace: Trace;
  readonly steps: readonly TraceStep[];
  /** The frame of each step. */
  readonly frameOf: readonly Frame[];
  /** Hook and table changes start a new segment; depth 0 again. */
  readonly segmentOf: Int32Array;
  /** For each step, the latest step at or before it that rewrote the packet, or -1. */
  readonly lastRewrite: Int32Array;
}

function segmentKey(s: TraceStep): string {
  return `${s.hook}\u0000${s.table}\u0000${s.file ?? ''}`;
}

/** `jump:NAME` / `goto:NAME` of a step that took the jump (a rule that did not match does not). */
export function jumpOf(step: TraceStep): { via: 'jump' | 'goto'; chain: string } | null {
  if (step.match === 'no' || !step.target) return null;
  const m = /^(jump|goto):(.*)$/s.exec(step.target);
  return m ? { via: m[1] as 'jump' | 'goto', chain: m[2] } : null;
}

export function buildTraceModel(trace: Trace): TraceModel {
  const steps = trace.steps;
  const frameOf: Frame[] = new Array(steps.length);
  const segmentOf = new Int32Array(steps.length);
  const lastRewrite = new Int32Array(steps.length);
  let nextId = 0;
  let segment = -1;
  let top: Frame | null = null;
  const newFrame = (s: TraceStep, chain: string, depth: number, enteredBy: number | null, via: Frame['via'], parent: Frame | null, gotoFrom: Frame | null = null): Frame => ({
    id: nextId++, hook: s.hook, table: s.table, chain, file: s.file, depth, enteredBy, via, parent, gotoFrom, ruleSteps: new Map(), policyStep: null,
  });
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    const prev = i > 0 ? steps[i - 1] : null;
    if (!prev || segmentKey(prev) !== segmentKey(s)) {
      segment++;
      top = null;
    } else if (top) {
      const jump = jumpOf(prev);
      if (jump?.via === 'jump') top = newFrame(s, jump.chain, top.depth + 1, i - 1, 'jump', top);
      // A goto replaces the current chain: its RETURN goes back to the caller of the chain it left.
      else if (jump?.via === 'goto') top = newFrame(s, jump.chain, top.depth, i - 1, 'goto', top.parent, top);
    }
    // The end of a chain (or RETURN) goes back up: the step's depth says how far.
    while (top && top.depth > s.depth) top = top.parent;
    if (!top || top.chain !== s.chain || top.depth !== s.depth) {
      // The builtin chain's policy after a goto from it, or a chain this walk did not see entered.
      const parent: Frame | null = top && top.depth === s.depth ? top.parent : top;
      top = newFrame(s, s.chain, s.depth, null, null, parent);
    }
    if (s.rule === null) top.policyStep = i;
    else top.ruleSteps.set(s.rule, i);
    frameOf[i] = top;
    segmentOf[i] = segment;
    lastRewrite[i] = s.packet ? i : i > 0 ? lastRewrite[i - 1] : -1;
  }
  return { trace, steps, frameOf, segmentOf, lastRewrite };
}

/**
 * The frames from the builtin chain down to the step's chain. A chain left by a goto is listed
 * before the chain it went to (its parent is the same), so the stack reads the way the packet went.
 */
export function callStack(model: TraceModel, index: number): Frame[] {
  const frames: Frame[] = [];
  for (let f: Frame | null = model.frameOf[index] ?? null; f; f = f.gotoFrom ?? f.parent) frames.push(f);
  return frames.reverse();
}

/** The packet fields the step UI shows. */
export interface PacketNow {
  readonly proto: string;
  readonly src: string;
  readonly sport?: number;
  readonly dst: string;
  readonly dport?: number;
  readonly in: string | null;
  readonly state: CtState;
  readonly mark: number;
  readonly tcpFlags?: readonly string[];
  readonly reply: boolean;
}

export type PacketField = 'src' | 'sport' | 'dst' | 'dport' | 'state' | 'mark';
const REWRITABLE: readonly PacketField[] = ['src', 'sport', 'dst', 'dport', 'state', 'mark'];

function initialPacket(p: Packet): PacketNow {
  return {
    proto: protocolName(p.proto, p.family), src: p.src, sport: p.sport, dst: p.dst, dport: p.dport, in: p.in,
    state: p.state, mark: p.mark, tcpFlags: p.tcpFlags, reply: p.ctDir === 'REPLY',
  };
}

function packetAfter(model: TraceModel, initial: PacketNow, index: number): PacketNow {
  const at = index >= 0 && index < model.steps.length ? model.lastRewrite[index] : -1;
  const view = at >= 0 ? model.steps[at].packet : undefined;
  if (!view) return initial;
  return {
    ...initial,
    proto: view.proto, src: view.src, dst: view.dst, sport: view.sport, dport: view.dport,
    state: view.state ?? initial.state, mark: view.mark ?? initial.mark,
  };
}

/** The packet as it is after step `index`, and which fields that very step rewrote. */
export function packetAt(model: TraceModel, packet: Packet, index: number): { packet: PacketNow; changed: ReadonlySet<PacketField> } {
  const initial = initialPacket(packet);
  const now = packetAfter(model, initial, index);
  const changed = new Set<PacketField>();
  if (model.steps[index]?.packet) {
    const before = packetAfter(model, initial, index - 1);
    for (const f of REWRITABLE) if (before[f] !== now[f]) changed.add(f);
  }
  return { packet: now, changed };
}

/** Finds the AST chain a step ran in: by file and table when the step names a file, else by family. */
export class ChainLookup {
  private readonly byKey = new Map<string, Chain>();

  constructor(ruleset: Ruleset, family: Family) {
    // Tables of the packet's family first, so a name both families share resolves to the right one.
    const tables = [...ruleset.tables].sort((a, b) => Number(b.family === family) - Number(a.family === family));
    for (const t of tables) {
      for (const c of t.chains) {
        const withFile = `${t.file}\u0000${t.name}\u0000${c.name}`;
        const withoutFile = `\u0000${t.name}\u0000${c.name}`;
        if (!this.byKey.has(withFile)) this.byKey.set(withFile, c);
        if (!this.byKey.has(withoutFile)) this.byKey.set(withoutFile, c);
      }
    }
  }

  find(table: string, chain: string, file: string | undefined): Chain | undefined {
    return (file !== undefined ? this.byKey.get(`${file}\u0000${table}\u0000${chain}`) : undefined) ?? this.byKey.get(`\u0000${table}\u0000${chain}`);
  }
}
