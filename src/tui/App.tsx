/**
 * The Ink root of `netfate step`: holds the reducer state, turns key presses into actions, and lays
 * the screen out from the precomputed trace. Only the rows in view are built on each render.
 */
import { useEffect, useMemo, useReducer, useState } from 'react';
import { Box, useApp, useInput, useStdout } from 'ink';
import type { Chain, Ruleset } from '../ast/types.js';
import type { Packet, Trace, TraceStep } from '../eval/types.js';
import { ChainLookup, buildTraceModel, callStack, packetAt, type TraceModel } from './model.js';
import { atEnd, initialState, stepReducer, type StepAction, type StepState } from './state.js';
import { windowAround } from './layout.js';
import { StepBar } from './components/StepBar.js';
import { CallStack, type CallStackEntry } from './components/CallStack.js';
import { PacketPanel } from './components/PacketPanel.js';
import { ChainView } from './components/ChainView.js';
import type { RuleRowProps } from './components/RuleRow.js';
import { RuleDetail, ruleDetailLines } from './components/RuleDetail.js';
import { VerdictPanel, verdictLines } from './components/VerdictPanel.js';
import { FatesPanel } from './components/FatesPanel.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { KeyHints } from './components/KeyHints.js';

export interface AppProps {
  readonly ruleset: Ruleset;
  readonly trace: Trace;
  /** The packet as given (the trace's own `packet` is the packet at the end). */
  readonly packet: Packet;
  /** file -> input text, to quote a policy's declaration line. */
  readonly texts: ReadonlyMap<string, string>;
  /** Fixed terminal size (tests); otherwise the terminal's, following resizes. */
  readonly width?: number;
  readonly height?: number;
}

const DEFAULT_WIDTH = 80;
const DEFAULT_HEIGHT = 24;
/** Rows the rule under test may wrap to before it is cut. */
const RULE_TEXT_LINES = 3;
const VERDICT_LINES = 6;

/** Maps a key press to an action; null for keys the UI does not use. */
export function actionForKey(input: string, key: { rightArrow?: boolean; leftArrow?: boolean; escape?: boolean; home?: boolean; end?: boolean }): StepAction | null {
  if (key.rightArrow) return { type: 'next' };
  if (key.leftArrow) return { type: 'prev' };
  if (key.escape) return { type: 'close-overlay' };
  if (key.home) return { type: 'first' };
  if (key.end) return { type: 'end' };
  switch (input) {
    case 'n':
    case 'i':
    case ' ':
      return { type: 'next' };
    case 'p':
      return { type: 'prev' };
    case 'N':
    case ']':
      return { type: 'next-matched' };
    case 'P':
    case '[':
      return { type: 'prev-matched' };
    case 's':
      return { type: 'step-over' };
    case 'o':
      return { type: 'step-out' };
    case 'g':
      return { type: 'first' };
    case 'e':
      return { type: 'end' };
    case 'f':
      return { type: 'toggle-fates' };
    case '?':
    case 'h':
      return { type: 'toggle-help' };
    default:
      return null;
  }
}

function useTerminalSize(fixedWidth?: number, fixedHeight?: number): { width: number; height: number } {
  const { stdout } = useStdout();
  const [, setResizes] = useState(0);
  useEffect(() => {
    if (fixedWidth !== undefined && fixedHeight !== undefined) return;
    // A resize only needs a new render: the size is read from stdout on every render.
    const onResize = () => setResizes((n) => n + 1);
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixedWidth, fixedHeight]);
  return { width: fixedWidth ?? (stdout.columns || DEFAULT_WIDTH), height: fixedHeight ?? (stdout.rows || DEFAULT_HEIGHT) };
}

/** The input line a step points at (a policy's chain declaration, or a rule the AST lacks). */
function sourceLine(texts: ReadonlyMap<string, string>, step: TraceStep): string | null {
  if (step.line === null || step.file === undefined) return null;
  const text = texts.get(step.file);
  if (text === undefined) return null;
  // Only the one line is cut out: splitting a large input on every key press would be wasted work.
  let start = 0;
  for (let n = 1; n < step.line; n++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return null;
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '').trim();
}

function ruleOf(chain: Chain | undefined, number: number | null) {
  if (!chain || number === null) return undefined;
  return chain.rules[rowOfRule(chain.rules, number)];
}

/** The row of a rule in its chain: rule numbers are positions, so look there first. */
function rowOfRule(rules: Chain['rules'], number: number | null): number {
  if (number === null) return rules.length;
  if (rules[number - 1]?.number === number) return number - 1;
  return Math.max(0, rules.findIndex((r) => r.number === number));
}

function stepText(chain: Chain | undefined, step: TraceStep, texts: ReadonlyMap<string, string>): string {
  const rule = ruleOf(chain, step.rule);
  if (rule) return rule.text;
  return sourceLine(texts, step) ?? (step.rule === null ? `${step.chain} ${(step.target ?? '').replace('policy:', 'policy ')}` : `rule ${step.rule}`);
}

function stackEntries(model: TraceModel, index: number): CallStackEntry[] {
  return callStack(model, index).map((f) => ({
    table: f.table,
    chain: f.chain,
    via: f.via,
    fromRule: f.enteredBy !== null ? model.steps[f.enteredBy].rule : null,
  }));
}

/** The rows of the chain view in the window around the step under test. */
function chainRows(model: TraceModel, index: number, chain: Chain | undefined, step: TraceStep, height: number) {
  const rules = chain?.rules ?? [];
  const hasPolicyRow = chain ? chain.builtin : step.rule === null;
  const totalRows = rules.length + (hasPolicyRow ? 1 : 0);
  const currentRow = rowOfRule(rules, step.rule);
  const { start, end } = windowAround(totalRows, currentRow, height);
  const frame = model.frameOf[index];
  const numberWidth = Math.max(1, String(rules.length).length);
  const rows: Omit<RuleRowProps, 'width'>[] = [];
  for (let row = start; row < end; row++) {
    if (row === rules.length) {
      const tested = frame.policyStep !== null && frame.policyStep <= index;
      rows.push({ number: null, numberWidth, text: `policy ${chain?.policy ?? (step.target ?? '').replace('policy:', '')}`, match: tested ? 'yes' : null, current: row === currentRow });
      continue;
    }
    const rule = rules[row];
    const at = frame.ruleSteps.get(rule.number);
    rows.push({ number: rule.number, numberWidth, text: rule.text, match: at !== undefined && at <= index ? model.steps[at].match : null, current: row === currentRow });
  }
  return { totalRows, start, rows };
}

/**
 * The trace as one of its fates saw it: the steps taken when each undecided (`may`) match went
 * the way that fate needs. Null picks the trace as evaluated (every `may` matched).
 */
export function traceOfBranch(trace: Trace, branch: number | null): Trace {
  const o = branch === null ? undefined : trace.outcomes?.[branch];
  if (!o || !o.steps) return trace;
  return {
    ...trace,
    verdict: o.verdict,
    path: o.path ?? trace.path,
    egress: o.egress ?? trace.egress,
    packet: o.packet ?? trace.packet,
    steps: o.steps,
    summary: `fate ${branch! + 1} of ${trace.outcomes!.length}: ${o.verdict}${o.probability !== null ? ` (${(o.probability * 100).toFixed(1)}%)` : ''} because ${o.because}`,
  };
}

export function App({ ruleset, trace: evaluated, packet, texts, width: fixedWidth, height: fixedHeight }: AppProps) {
  // The reducer picks which fate's path is shown (state.branch); each path gets its own model.
  const models = useMemo(() => new Map<number | null, TraceModel>(), [evaluated]);
  const modelOf = (branch: number | null): TraceModel => {
    let m = models.get(branch);
    if (!m) {
      m = buildTraceModel(traceOfBranch(evaluated, branch));
      models.set(branch, m);
    }
    return m;
  };
  const chains = useMemo(() => new ChainLookup(ruleset, packet.family), [ruleset, packet.family]);
  const [state, dispatch] = useReducer((s: StepState, a: StepAction) => stepReducer(modelOf(s.branch), s, a), undefined, initialState);
  const branch = state.branch;
  const model = modelOf(branch);
  const trace = model.trace;
  const { exit } = useApp();
  const { width, height } = useTerminalSize(fixedWidth, fixedHeight);

  useInput((input, key) => {
    const special = actionForKey('', key);
    if (special) {
      dispatch(special);
      return;
    }
    if (key.ctrl || key.meta) return;
    // A held key or fast typing arrives as one chunk ("nnn"): each character is a key press.
    for (const ch of input) {
      if (ch === 'q') {
        exit();
        return;
      }
      // In the fates panel, 1-9 follow that fate's path and 0 goes back to the trace as evaluated.
      if (/^[0-9]$/.test(ch)) {
        dispatch({ type: 'pick-fate', fate: ch === '0' ? null : Number(ch) - 1 });
        continue;
      }
      const action = actionForKey(ch, {});
      if (action) dispatch(action);
    }
  });

  const step: TraceStep | undefined = model.steps[state.index];
  const ended = atEnd(model, state);
  const chain = step ? chains.find(step.table, step.chain, step.file) : undefined;
  const { packet: now, changed } = packetAt(model, packet, state.index);

  // Fixed rows: step bar, call stack, two packet rows, chain header, key hints; one spare row
  // keeps the screen below the terminal's height so it redraws in place.
  const fixedRows = 1 + 1 + 2 + 1 + 1 + 1;
  const detail = step
    ? { rule: step.rule, line: step.line, text: stepText(chain, step, texts), match: step.match, target: step.target, note: step.note, hasFates: (trace.outcomes?.length ?? 0) > 0 }
    : null;
  const detailRows = detail ? ruleDetailLines(detail, width, RULE_TEXT_LINES).text.length + 1 : 0;
  const verdictRows = ended ? verdictLines(trace, width, VERDICT_LINES).length : 0;
  const bodyRows = Math.max(1, height - fixedRows);
  const listRows = Math.max(1, bodyRows - detailRows - verdictRows);

  let body;
  if (state.overlay === 'help') body = <HelpOverlay height={bodyRows + 1} width={width} />;
  else if (state.overlay === 'fates') body = <FatesPanel verdict={evaluated.verdict} outcomes={evaluated.outcomes} chosen={branch} height={bodyRows + 1} width={width} />;
  else {
    const view = step ? chainRows(model, state.index, chain, step, listRows) : null;
    body = (
      <>
        {step && view && <ChainView table={step.table} chain={step.chain} totalRows={view.totalRows} start={view.start} rows={view.rows} width={width} />}
        {detail && <RuleDetail {...detail} maxTextLines={RULE_TEXT_LINES} width={width} />}
        {ended && <VerdictPanel verdict={trace.verdict} path={trace.path} egress={trace.egress} summary={trace.summary} outcomes={trace.outcomes} maxLines={VERDICT_LINES} width={width} />}
      </>
    );
  }

  return (
    <Box flexDirection="column" width={width}>
      <StepBar
        position={model.steps.length ? state.index + 1 : 0}
        total={model.steps.length}
        hook={step?.hook ?? null}
        table={step?.table ?? null}
        chain={step?.chain ?? null}
        rule={step?.rule ?? null}
        line={step?.line ?? null}
        width={width}
      />
      <CallStack entries={step ? stackEntries(model, state.index) : []} width={width} />
      <PacketPanel packet={now} changed={changed} width={width} />
      {body}
      <KeyHints width={width} />
    </Box>
  );
}
