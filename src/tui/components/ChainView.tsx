/** The chain under test: a window of its rules around the one under test (never the whole chain). */
import { Box, Text } from 'ink';
import { inert } from '../../cli/inert.js';
import { clip } from '../layout.js';
import { RuleRow, type RuleRowProps } from './RuleRow.js';

export interface ChainViewProps {
  readonly table: string;
  readonly chain: string;
  /** Rows of the chain (rules, then the policy of a builtin chain). */
  readonly totalRows: number;
  /** Index of the window's first row within the chain. */
  readonly start: number;
  /** Only the rows in view. */
  readonly rows: readonly Omit<RuleRowProps, 'width'>[];
  readonly width: number;
}

export function ChainView({ table, chain, totalRows, start, rows, width }: ChainViewProps) {
  const range = totalRows > rows.length ? `  rows ${start + 1}-${start + rows.length} of ${totalRows}` : '';
  const header = clip(`-- ${inert(table)}:${inert(chain)}${range} `, width);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" bold color="cyan">
        {header + '-'.repeat(Math.max(0, width - [...header].length))}
      </Text>
      {rows.map((r) => (
        <RuleRow key={r.number ?? 'policy'} {...r} width={width} />
      ))}
    </Box>
  );
}
