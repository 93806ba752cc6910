/** The end of the walk: the verdict, the one-sentence summary and, when undecided, the possible fates. */
import { Box, Text } from 'ink';
import { inert } from '../../cli/inert.js';
import type { Outcome, Trace } from '../../eval/types.js';
import { clip, wrapLines } from '../layout.js';

export interface VerdictPanelProps {
  readonly verdict: Trace['verdict'];
  readonly path: Trace['path'];
  readonly egress: string | null;
  readonly summary: string;
  readonly outcomes?: readonly Outcome[];
  readonly maxLines: number;
  readonly width: number;
}

export function formatOutcome(o: Outcome): string {
  const chance = o.probability !== null ? ` (${(o.probability * 100).toFixed(1)}%)` : '';
  return `${o.verdict}${chance}: ${inert(o.because)}`;
}

export function verdictLines(p: Omit<VerdictPanelProps, 'width' | 'maxLines'>, width: number, maxLines: number): string[] {
  const lines = [clip(`verdict: ${p.verdict}  (path ${p.path}${p.egress ? `, out ${inert(p.egress)}` : ''})`, width)];
  lines.push(...wrapLines(inert(p.summary), width, Math.min(2, maxLines - 1)));
  const outcomes = p.outcomes ?? [];
  const room = maxLines - lines.length;
  if (outcomes.length && room > 0) {
    const shown = outcomes.length <= room ? outcomes : outcomes.slice(0, Math.max(0, room - 1));
    for (const o of shown) lines.push(clip(`  ${formatOutcome(o)}`, width));
    if (shown.length < outcomes.length) lines.push(clip(`  … ${outcomes.length - shown.length} more: press f`, width));
  }
  return lines.slice(0, Math.max(1, maxLines));
}

export function VerdictPanel(props: VerdictPanelProps) {
  const color = props.verdict === 'ACCEPT' ? 'green' : props.verdict === 'UNDECIDED' ? 'yellow' : 'red';
  const lines = verdictLines(props, props.width, props.maxLines);
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end" bold={i === 0} color={i === 0 ? color : undefined}>
          {l}
        </Text>
      ))}
    </Box>
  );
}
