import { describe, expect, it } from 'vitest';
import { buildTraceModel, callStack, packetAt, type TraceModel } from '../../src/tui/model.js';
import { atEnd, initialState, stepReducer, type StepAction, type StepState } from '../../src/tui/state.js';
import type { Trace, TraceStep } from '../../src/eval/types.js';
import { fixture, PACKET } from './fixture.js';

const { trace } = fixture();
const model = buildTraceModel(trace);

/** Index of the step that tested `table chain` rule `rule` (null: the policy). */
function at(table: string, chain: string, rule: number | null): number {
  const i = trace.steps.findIndex((s) => s.table === table && s.chain === chain && s.rule === rule);
  if (i < 0) throw new Error(`no step for ${table} ${chain} ${rule}`);
  return i;
}

function run(m: TraceModel, from: number, ...actions: StepAction['type'][]): StepState {
  let state: StepState = { ...initialState(), index: from };
  for (const type of actions) state = stepReducer(m, state, { type } as StepAction);
  return state;
}

function where(i: number): string {
  const s = trace.steps[i];
  return `${s.table}:${s.chain}#${s.rule ?? 'policy'}`;
}

describe('the fixture trace', () => {
  it('walks a jump, a goto out of the jumped-to chain, and an undecided match', () => {
    // Guards the tests below: they rely on this shape of the walk.
    expect(trace.steps[at('filter', 'INPUT', 2)].target).toBe('jump:ssh');
    expect(trace.steps[at('filter', 'ssh', 2)].target).toBe('goto:admins');
    expect(trace.steps[at('filter', 'INPUT', 3)].match).toBe('may');
    expect(trace.verdict).toBe('UNDECIDED');
    expect(trace.outcomes?.map((o) => o.verdict).sort()).toEqual(['ACCEPT', 'DROP']);
  });
});

describe('stepReducer', () => {
  const last = trace.steps.length - 1;

  it('starts at the first step', () => {
    expect(initialState()).toEqual({ index: 0, overlay: 'none', branch: null });
  });

  it('next and prev move one step and stop at either end', () => {
    expect(run(model, 0, 'next').index).toBe(1);
    expect(run(model, 0, 'next', 'next', 'prev').index).toBe(1);
    expect(run(model, 0, 'prev').index).toBe(0);
    expect(run(model, last, 'next').index).toBe(last);
  });

  it('end goes to the last step, where the verdict is; first goes back', () => {
    const end = run(model, 0, 'end');
    expect(end.index).toBe(last);
    expect(atEnd(model, end)).toBe(true);
    expect(atEnd(model, run(model, 0))).toBe(false);
    expect(run(model, last, 'first').index).toBe(0);
  });

  it('next-matched skips rules that did not match; prev-matched goes back over them', () => {
    const noMatch = at('filter', 'INPUT', 1);
    expect(trace.steps[noMatch].match).toBe('no');
    expect(where(run(model, noMatch, 'next-matched').index)).toBe('filter:INPUT#2');
    // From the LOG rule in admins: admins #1 and ssh #1 did not match, ssh #2 (the goto) did.
    expect(where(run(model, at('filter', 'admins', 2), 'prev-matched').index)).toBe('filter:ssh#2');
    expect(where(run(model, at('filter', 'ssh', 1), 'next-matched').index)).toBe('filter:ssh#2');
  });

  it('next-matched counts a "may" match as matched', () => {
    expect(where(run(model, at('filter', 'admins', 2), 'next-matched').index)).toBe('filter:INPUT#3');
  });

  it('step-over on a jump lands after the jumped-to chain returns, past a goto inside it', () => {
    // ssh goes to admins; admins returns to INPUT, after the rule that jumped to ssh.
    expect(where(run(model, at('filter', 'INPUT', 2), 'step-over').index)).toBe('filter:INPUT#3');
  });

  it('step-over on a goto lands where the chain that was left would have returned', () => {
    expect(where(run(model, at('filter', 'ssh', 2), 'step-over').index)).toBe('filter:INPUT#3');
  });

  it('step-over on a jump at the end of a table goes to the next table', () => {
    const after = run(model, at('nat', 'PREROUTING', 1), 'step-over').index;
    expect(trace.steps[after].depth).toBe(0);
    expect(after).toBeGreaterThan(at('nat', 'web', 1));
  });

  it('step-over on a rule that is not a jump is next', () => {
    const i = at('filter', 'INPUT', 1);
    expect(run(model, i, 'step-over').index).toBe(i + 1);
  });

  it('step-out leaves the current chain', () => {
    expect(where(run(model, at('filter', 'admins', 1), 'step-out').index)).toBe('filter:INPUT#3');
    // In a builtin chain: on to the next table of the walk.
    const next = run(model, at('filter', 'INPUT', 1), 'step-out').index;
    expect(trace.steps[next].table).not.toBe('filter');
  });

  it('help and fates overlays toggle; moving closes help but keeps the fates open', () => {
    const help = run(model, 0, 'toggle-help');
    expect(help.overlay).toBe('help');
    expect(run(model, 0, 'toggle-help', 'toggle-help').overlay).toBe('none');
    expect(run(model, 0, 'toggle-help', 'next')).toEqual({ index: 1, overlay: 'none', branch: null });
    expect(run(model, 0, 'toggle-fates', 'next')).toEqual({ index: 1, overlay: 'fates', branch: null });
    expect(run(model, 0, 'toggle-fates', 'close-overlay').overlay).toBe('none');
  });

  it('pick-fate follows a fate from the fates panel only, from its first step', () => {
    const fates = trace.outcomes ?? [];
    expect(fates.length).toBeGreaterThan(1);
    const inPanel: StepState = { index: 3, overlay: 'fates', branch: null };
    expect(stepReducer(model, inPanel, { type: 'pick-fate', fate: 1 })).toEqual({ index: 0, overlay: 'none', branch: 1 });
    expect(stepReducer(model, { ...inPanel, branch: 1 }, { type: 'pick-fate', fate: null })).toEqual({ index: 0, overlay: 'none', branch: null });
    // Outside the panel, or a fate that does not exist: nothing happens.
    expect(stepReducer(model, { ...inPanel, overlay: 'none' }, { type: 'pick-fate', fate: 1 })).toEqual({ ...inPanel, overlay: 'none' });
    expect(stepReducer(model, inPanel, { type: 'pick-fate', fate: fates.length })).toEqual(inPanel);
  });

  it('a trace without steps stays at 0 and is at its end', () => {
    const empty = buildTraceModel({ ...trace, steps: [] });
    for (const type of ['next', 'prev', 'end', 'next-matched', 'prev-matched', 'step-over', 'step-out'] as const) {
      expect(run(empty, 0, type).index).toBe(0);
    }
    expect(atEnd(empty, initialState())).toBe(true);
  });
});

describe('call stack', () => {
  it('lists the chains jumped through, and the chain a goto left', () => {
    const stack = callStack(model, at('filter', 'admins', 1)).map((f) => `${f.chain}${f.via ? `(${f.via} from #${trace.steps[f.enteredBy!].rule})` : ''}`);
    expect(stack).toEqual(['INPUT', 'ssh(jump from #2)', 'admins(goto from #2)']);
  });

  it('is back to the builtin chain after the return', () => {
    expect(callStack(model, at('filter', 'INPUT', 3)).map((f) => f.chain)).toEqual(['INPUT']);
  });

  it('remembers which step tested each rule in one invocation of a chain', () => {
    const frame = model.frameOf[at('filter', 'INPUT', 3)];
    expect(frame.ruleSteps.get(1)).toBe(at('filter', 'INPUT', 1));
    expect(frame.ruleSteps.get(2)).toBe(at('filter', 'INPUT', 2));
    // The jump's callee and the builtin chain are different invocations.
    expect(model.frameOf[at('filter', 'ssh', 1)]).not.toBe(frame);
  });
});

describe('packet at a step', () => {
  // The model only reads `step.packet`: a hand-made trace pins down the rewrite bookkeeping
  // whatever targets the evaluator models.
  const base: Omit<TraceStep, 'rule' | 'match' | 'target'> = { hook: 'PREROUTING', table: 'nat', chain: 'PREROUTING', line: 1, depth: 0 };
  const rewritten: Trace = {
    ...trace,
    steps: [
      { ...base, rule: 1, match: 'no', target: null },
      { ...base, rule: 2, match: 'yes', target: 'DNAT', packet: { src: PACKET.src, dst: '10.0.0.5', proto: 'tcp', sport: 40000, dport: 80, mark: 0 } },
      { ...base, rule: null, match: 'yes', target: 'policy:ACCEPT' },
    ],
  };
  const m = buildTraceModel(rewritten);

  it('is the packet as given before any rewrite', () => {
    const { packet, changed } = packetAt(m, PACKET, 0);
    expect(packet).toMatchObject({ dst: '192.0.2.2', dport: 8080, proto: 'tcp', in: 'eth0', state: 'NEW', mark: 0 });
    expect(changed.size).toBe(0);
  });

  it('names the fields the step rewrote, at that step only', () => {
    const { packet, changed } = packetAt(m, PACKET, 1);
    expect(packet).toMatchObject({ dst: '10.0.0.5', dport: 80, src: PACKET.src });
    expect([...changed].sort()).toEqual(['dport', 'dst']);
    const later = packetAt(m, PACKET, 2);
    expect(later.packet.dst).toBe('10.0.0.5');
    expect(later.changed.size).toBe(0);
  });

  it('is the same on the real trace whether or not a target rewrote it', () => {
    const lastStep = trace.steps.length - 1;
    const { packet } = packetAt(model, PACKET, lastStep);
    const final = trace.packet;
    expect({ src: packet.src, dst: packet.dst, dport: packet.dport }).toEqual({ src: final.src, dst: final.dst, dport: final.dport });
  });
});
