/** Every fate an UNDECIDED trace can have, each with the undecided matches that lead to it. */
import { Box, Text } from 'ink';
import type { Outcome, Verdict } from '../../eval/types.js';
import { clip, wrapLines } from '../layout.js';
import { formatOutcome } from './VerdictPanel.js';

export interface FatesPanelProps {
  readonly verdict: Verdict;
  readonly outcomes?: readonly Outcome[];
  /** The fate whose path is on screen; null for the trace as evaluated. */
  readonly chosen?: number | null;
  readonly height: number;
  readonly width: number;
}

export function fatesLines({ verdict, outcomes, chosen = null }: Pick<FatesPanelProps, 'verdict' | 'outcomes' | 'chosen'>, width: number, height: number): string[] {
  const pickable = (outcomes ?? []).some((o) => o.steps);
  const lines = [clip(pickable ? 'possible fates: 1-9 follow one, 0 the trace as evaluated (f or Esc to close)' : 'possible fates (f or Esc to close)', width)];
  if (!outcomes || outcomes.length === 0) {
    lines.push(clip(`only one: ${verdict} (no undecided match on this path)`, width));
    return lines;
  }
  // Each fate gets an equal share of the rows, at least one, so every verdict stays in view.
  const share = Math.max(1, Math.floor((height - 1) / outcomes.length));
  outcomes.forEach((o, i) => {
    if (lines.length >= height) return;
    const mark = chosen === i ? '>' : ' ';
    const key = i < 9 ? `${i + 1}` : '-';
    lines.push(...wrapLines(`${mark}${key} ${formatOutcome(o)}`, width, Math.min(share, height - lines.length)));
  });
  return lines.slice(0, height);
}

export function FatesPanel(props: FatesPanelProps) {
  return (
    <Box flexDirection="column">
      {fatesLines(props, props.width, props.height).map((l, i) => (
        <Text key={i} wrap="truncate-end" bold={i === 0} color={i === 0 ? 'yellow' : undefined}>
          {l}
        </Text>
      ))}
    </Box>
  );
}
