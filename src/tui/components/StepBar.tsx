/** The top line: where the packet is (step counter, hook, table:chain, rule and input line). */
import { Box, Text } from 'ink';
import { inert } from '../../cli/inert.js';
import { clip } from '../layout.js';

export interface StepBarProps {
  /** 1-based step shown; 0 when the trace has no steps. */
  readonly position: number;
  readonly total: number;
  readonly hook: string | null;
  readonly table: string | null;
  readonly chain: string | null;
  /** Rule number, or null for the chain's policy. */
  readonly rule: number | null;
  readonly line: number | null;
  readonly width: number;
}

export function StepBar({ position, total, hook, table, chain, rule, line, width }: StepBarProps) {
  const counter = `step ${position}/${total}`;
  const where = table !== null && chain !== null ? `${inert(table)}:${inert(chain)}` : 'no rules on this path';
  const what = chain === null ? '' : rule === null ? '  policy' : `  rule ${rule}`;
  const at = line !== null ? `  line ${line}` : '';
  // The counter and the chain are the essentials: they come first, so clipping cuts the rest.
  const rest = clip(`  ${hook ?? ''}  ${where}${what}${at}`, Math.max(0, width - counter.length));
  return (
    <Box height={1}>
      <Text wrap="truncate-end">
        <Text bold inverse>{counter}</Text>
        <Text bold>{rest}</Text>
      </Text>
    </Box>
  );
}
