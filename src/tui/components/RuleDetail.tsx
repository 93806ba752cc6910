/** The rule under test in full: number, input line, source text, and what it did to the packet. */
import { Box, Text } from 'ink';
import { inert } from '../../cli/inert.js';
import type { Tristate } from '../../eval/types.js';
import { clip, wrapLines } from '../layout.js';

export interface RuleDetailProps {
  /** Rule number; null for the chain's policy. */
  readonly rule: number | null;
  readonly line: number | null;
  readonly text: string;
  readonly match: Tristate;
  readonly target: string | null;
  readonly note?: string;
  /** Whether the trace has several possible fates (the `f` view). */
  readonly hasFates: boolean;
  readonly maxTextLines: number;
  readonly width: number;
}

export function ruleDetailLines(p: Omit<RuleDetailProps, 'width' | 'maxTextLines'>, width: number, maxTextLines: number): { text: string[]; result: string } {
  const head = p.rule === null ? 'policy' : `rule ${p.rule}`;
  const at = p.line !== null ? ` (line ${p.line})` : '';
  const text = wrapLines(`${head}${at}: ${inert(p.text)}`, width, maxTextLines);
  const outcome =
    p.rule === null
      ? `=> ${inert((p.target ?? 'policy').replace('policy:', 'policy '))}`
      : p.match === 'no'
        ? '=> no match, next rule'
        : `=> ${p.match === 'may' ? 'may match' : 'matched'}${p.target ? `, target ${inert(p.target.replace(/^(jump|goto):/, '$1 '))}` : ''}`;
  const note = p.note && p.match !== 'no' ? `: ${inert(p.note)}` : '';
  const fates = p.match === 'may' && p.hasFates ? '  (f: possible fates)' : '';
  return { text, result: clip(`${outcome}${note}${fates}`, width) };
}

export function RuleDetail(props: RuleDetailProps) {
  const { text, result } = ruleDetailLines(props, props.width, props.maxTextLines);
  const color = props.match === 'yes' ? 'green' : props.match === 'may' ? 'yellow' : undefined;
  return (
    <Box flexDirection="column">
      {text.map((l, i) => (
        <Text key={i} wrap="truncate-end" bold>
          {l}
        </Text>
      ))}
      <Text wrap="truncate-end" color={color} dimColor={props.match === 'no'}>
        {result}
      </Text>
    </Box>
  );
}
