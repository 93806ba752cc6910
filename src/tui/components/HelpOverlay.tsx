/** The key list (`?`). */
import { Box, Text } from 'ink';
import { clip } from '../layout.js';

export interface HelpOverlayProps {
  readonly height: number;
  readonly width: number;
}

export const HELP_KEYS: readonly (readonly [string, string])[] = [
  ['n  right  i', 'next step (into a jump)'],
  ['p  left', 'previous step'],
  ['N  ]', 'next matched (or may) rule'],
  ['P  [', 'previous matched (or may) rule'],
  ['s', 'step over: past the jumped-to chain'],
  ['o', 'step out: past the end of this chain'],
  ['g  home', 'first step'],
  ['e  end', 'last step and the verdict'],
  ['f', 'possible fates of an UNDECIDED trace'],
  ['1-9  0', 'in the fates: follow that fate / the trace as evaluated'],
  ['?', 'this help (Esc closes)'],
  ['q', 'quit'],
];

export function HelpOverlay({ height, width }: HelpOverlayProps) {
  const lines = ['keys', ...HELP_KEYS.map(([k, what]) => `  ${k.padEnd(12)} ${what}`)].slice(0, Math.max(1, height));
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end" bold={i === 0} color={i === 0 ? 'cyan' : undefined}>
          {clip(l, width)}
        </Text>
      ))}
    </Box>
  );
}
