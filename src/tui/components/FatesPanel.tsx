/** Every fate an UNDECIDED trace can have, each with the undecided matches that lead to it. */
import { Box, Text } from 'ink';
import type { Outcome, Verdict } from '../../eval/types.js';
import { clip, wrapLines } from '../layout.js';
import { formatOutcome } from './VerdictPanel.js';

export interface FatesPanelProps {
  readonly verdict: Verdict;
  readonly outcomes?: readonly Outcome[];
  readonly height: number;
  readonly width: number;
}

export function fatesLines({ verdict, outcomes }: Pick<FatesPanelProps, 'verdict' | 'outcomes'>, width: number, height: number): string[] {
  const lines = [clip('possible fates (f or Esc to close)', width)];
  if (!outcomes || outcomes.length === 0) {
    lines.push(clip(`only one: ${verdict} (no undecided match on this path)`, width));
    return lines;
  }
  // Each fate gets an equal share of the rows, at least one, so every verdict stays in view.
  const share = Math.max(1, Math.floor((height - 1) / outcomes.length));
  for (const o of outcomes) {
    if (lines.length >= height) break;
    lines.push(...wrapLines(`- ${formatOutcome(o)}`, width, Math.min(share, height - lines.length)));
  }
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
