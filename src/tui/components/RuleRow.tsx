/** One row of the chain view: rule number, how it matched on this walk, and its source text. */
import { Text } from 'ink';
import { inert } from '../../cli/inert.js';
import type { Tristate } from '../../eval/types.js';
import { clip } from '../layout.js';

export interface RuleRowProps {
  /** Rule number; null for the chain's policy row. */
  readonly number: number | null;
  /** Columns the widest rule number of the chain takes, so numbers line up. */
  readonly numberWidth: number;
  readonly text: string;
  /** How the rule matched on this walk so far; null when not (yet) tested. */
  readonly match: Tristate | null;
  readonly current: boolean;
  readonly width: number;
}

const LABEL: Record<Tristate, string> = { yes: 'yes', no: 'no ', may: 'may' };
const COLOR: Record<Tristate, string | undefined> = { yes: 'green', no: undefined, may: 'yellow' };

export function RuleRow({ number, numberWidth, text, match, current, width }: RuleRowProps) {
  const marker = current ? '>' : ' ';
  const num = (number === null ? 'P' : String(number)).padStart(numberWidth);
  const label = match ? LABEL[match] : '   ';
  const line = clip(`${marker} ${num} ${label} ${inert(text)}`, width);
  return (
    <Text wrap="truncate-end" inverse={current} bold={current} color={current || !match ? undefined : COLOR[match]} dimColor={!current && match === 'no'}>
      {line}
    </Text>
  );
}
