/** The bottom line: the keys that matter most, so nobody has to guess how to leave. */
import { Text } from 'ink';
import { clip } from '../layout.js';

export interface KeyHintsProps {
  readonly width: number;
}

export function KeyHints({ width }: KeyHintsProps) {
  return (
    <Text wrap="truncate-end" dimColor>
      {clip('n/right next  p/left prev  ]/[ matched  s over  e end  f fates  ? help  q quit', width)}
    </Text>
  );
}
