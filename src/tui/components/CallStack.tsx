/** The chains the packet jumped through to reach the rule under test, builtin chain first. */
import { Box, Text } from 'ink';
import { inert } from '../../cli/inert.js';
import { clipStart } from '../layout.js';

export interface CallStackEntry {
  readonly table: string;
  readonly chain: string;
  /** How this chain was entered from the previous entry; null for the builtin chain. */
  readonly via: 'jump' | 'goto' | null;
  /** The rule number in the previous entry's chain whose target entered this one. */
  readonly fromRule: number | null;
}

export interface CallStackProps {
  readonly entries: readonly CallStackEntry[];
  readonly width: number;
}

export function formatCallStack(entries: readonly CallStackEntry[]): string {
  if (entries.length === 0) return 'stack: (empty)';
  let text = `stack: ${inert(entries[0].table)}:${inert(entries[0].chain)}`;
  for (const e of entries.slice(1)) {
    const from = e.fromRule !== null ? ` #${e.fromRule}` : '';
    text += `${from} ${e.via === 'goto' ? '-goto->' : '->'} ${inert(e.chain)}`;
  }
  return text;
}

export function CallStack({ entries, width }: CallStackProps) {
  return (
    <Box height={1}>
      <Text wrap="truncate-start" color="cyan">
        {clipStart(formatCallStack(entries), width)}
      </Text>
    </Box>
  );
}
