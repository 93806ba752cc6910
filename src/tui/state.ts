/**
 * The step UI's state and every move a key can make, as a pure reducer over a precomputed trace:
 * the UI only dispatches actions, so the whole navigation is testable without a terminal.
 */
import type { TraceModel } from './model.js';
import { jumpOf } from './model.js';

export type Overlay = 'none' | 'help' | 'fates';

export interface StepState {
  /** The step under test, 0-based; 0 for a trace without steps. */
  readonly index: number;
  readonly overlay: Overlay;
  /** The fate whose path is shown (an index into the trace's outcomes); null: the trace as evaluated. */
  readonly branch: number | null;
}

export type StepAction =
  | { readonly type: 'next' }
  | { readonly type: 'prev' }
  | { readonly type: 'first' }
  | { readonly type: 'end' }
  /** The next (previous) step whose rule matched or may match, or a policy. */
  | { readonly type: 'next-matched' }
  | { readonly type: 'prev-matched' }
  /** On a jump: to the step after the jumped-to chain returns. Elsewhere: next. */
  | { readonly type: 'step-over' }
  /** To the step after the current chain returns (the next table when in a builtin chain). */
  | { readonly type: 'step-out' }
  | { readonly type: 'toggle-help' }
  | { readonly type: 'toggle-fates' }
  | { readonly type: 'close-overlay' }
  /** In the fates panel: follow that fate's path from its first step (null: back to the trace as evaluated). */
  | { readonly type: 'pick-fate'; readonly fate: number | null };

export function initialState(): StepState {
  return { index: 0, overlay: 'none', branch: null };
}

export function lastIndex(model: TraceModel): number {
  return Math.max(0, model.steps.length - 1);
}

export function atEnd(model: TraceModel, state: StepState): boolean {
  return state.index >= lastIndex(model);
}

/** The first step after `from` for which `done` holds; the last step when none does. */
function forwardUntil(model: TraceModel, from: number, done: (i: number) => boolean): number {
  for (let i = from + 1; i < model.steps.length; i++) if (done(i)) return i;
  return lastIndex(model);
}

function stepOver(model: TraceModel, index: number): number {
  const step = model.steps[index];
  const jump = step ? jumpOf(step) : null;
  if (!jump) return Math.min(index + 1, lastIndex(model));
  const segment = model.segmentOf[index];
  const leftCall = (i: number): boolean => {
    const s = model.steps[i];
    if (model.segmentOf[i] !== segment) return true;
    // A jumped-to chain runs one level deeper: back at this depth means it returned.
    if (jump.via === 'jump') return s.depth <= step.depth;
    // A goto'd chain runs at this depth and returns to this chain's caller (the policy at depth 0).
    return s.depth < step.depth || (step.depth === 0 && s.rule === null);
  };
  return forwardUntil(model, index, leftCall);
}

function stepOut(model: TraceModel, index: number): number {
  const step = model.steps[index];
  if (!step) return index;
  const frame = model.frameOf[index];
  const segment = model.segmentOf[index];
  return forwardUntil(model, index, (i) => model.segmentOf[i] !== segment || model.steps[i].depth < step.depth || (step.depth === 0 && model.frameOf[i] !== frame && model.steps[i].rule === null));
}

function isMatched(model: TraceModel, i: number): boolean {
  return model.steps[i].match !== 'no';
}

export function stepReducer(model: TraceModel, state: StepState, action: StepAction): StepState {
  const last = lastIndex(model);
  const move = (index: number): StepState => ({ ...state, index: Math.max(0, Math.min(index, last)), overlay: state.overlay === 'help' ? 'none' : state.overlay });
  switch (action.type) {
    case 'next':
      return move(state.index + 1);
    case 'prev':
      return move(state.index - 1);
    case 'first':
      return move(0);
    case 'end':
      return move(last);
    case 'next-matched':
      return move(forwardUntil(model, state.index, (i) => isMatched(model, i)));
    case 'prev-matched': {
      for (let i = state.index - 1; i >= 0; i--) if (isMatched(model, i)) return move(i);
      return move(0);
    }
    case 'step-over':
      return move(stepOver(model, state.index));
    case 'step-out':
      return move(stepOut(model, state.index));
    case 'toggle-help':
      return { ...state, overlay: state.overlay === 'help' ? 'none' : 'help' };
    case 'toggle-fates':
      return { ...state, overlay: state.overlay === 'fates' ? 'none' : 'fates' };
    case 'close-overlay':
      return { ...state, overlay: 'none' };
    case 'pick-fate': {
      // Only from the fates panel, where the numbers are shown next to the fates.
      if (state.overlay !== 'fates') return state;
      const fates = model.trace.outcomes ?? [];
      if (action.fate !== null && (action.fate >= fates.length || !fates[action.fate].steps)) return state;
      return { index: 0, overlay: 'none', branch: action.fate };
    }
  }
}
