/**
 * Findings for a terminal: grouped by file, one line each as `file:line:col severity message id`,
 * then a count. Messages quote ruleset text, so everything printed is made inert first.
 */
import { inert } from '../../cli/inert.js';
import type { Finding, Severity } from '../rule.js';

export interface TextOptions {
  /** ANSI colours (the CLI turns them off for NO_COLOR and for anything but a TTY). */
  readonly color: boolean;
}

const COLORS: Readonly<Record<Severity, string>> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m' };
const DIM = '\x1b[2m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

export function formatText(findings: readonly Finding[], options: TextOptions): string {
  const paint = (code: string, text: string): string => (options.color ? code + text + RESET : text);
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) (byFile.get(f.file) ?? byFile.set(f.file, []).get(f.file)!).push(f);
  const lines: string[] = [];
  for (const [file, list] of byFile) {
    lines.push(paint(BOLD, inert(file)));
    for (const f of list) {
      lines.push(`${inert(f.file)}:${f.line}:${f.column} ${paint(COLORS[f.severity], f.severity)} ${inert(f.message)} ${paint(DIM, f.id)}`);
    }
    lines.push('');
  }
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const total = findings.length;
  lines.push(
    total === 0
      ? 'no problems found'
      : `${total} problem${total === 1 ? '' : 's'} (${count('error')} error${count('error') === 1 ? '' : 's'}, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('info')} info)`,
  );
  return lines.join('\n') + '\n';
}
