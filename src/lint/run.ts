/**
 * lintRuleset: runs the registered rules over a ruleset and returns findings, sorted by file and
 * position. Pure: values in, values out; suppression and severity overrides happen here so that
 * rules only decide what is wrong.
 */
import type { Ruleset } from '../ast/types.js';
import type { HostModel } from '../eval/types.js';
import { fillTemplate, type Finding, type LintRule, type ReportDescriptor, type Severity } from './rule.js';
import { RULES } from './rules/index.js';
import { disabledIds } from './suppressions.js';

export type SeveritySetting = Severity | 'off';

export interface LintOptions {
  readonly host?: HostModel;
  /** `--rule ID=off|info|warning|error`: per-id severity overrides. */
  readonly ruleSeverity?: Readonly<Record<string, SeveritySetting>>;
  /** Input text per file name (lets rules see `# Warning:` lines the AST drops). */
  readonly texts?: ReadonlyMap<string, string>;
  /** The rules to run; the full registry by default. */
  readonly rules?: readonly LintRule[];
}

export function lintRuleset(ruleset: Ruleset, options: LintOptions = {}): Finding[] {
  const findings: Finding[] = [];
  for (const rule of options.rules ?? RULES) {
    const severity = options.ruleSeverity?.[rule.meta.id] ?? rule.meta.severity;
    if (severity === 'off') continue;
    const report = (d: ReportDescriptor): void => {
      if (d.rule && disabledIds(d.rule).has(rule.meta.id)) return;
      const template = rule.meta.messages[d.messageId];
      if (template === undefined) throw new Error(`${rule.meta.id}: no message "${d.messageId}"`);
      const at = d.span ?? d.rule?.span ?? d.chain?.span ?? { line: 1, column: 1 };
      findings.push({
        id: rule.meta.id,
        messageId: d.messageId,
        severity,
        message: fillTemplate(template, d.data),
        file: d.table?.file ?? d.file ?? '<input>',
        line: at.line,
        column: at.column,
        table: d.table?.name ?? null,
        chain: d.chain?.name ?? null,
        rule: d.rule?.number ?? null,
      });
    };
    rule.check({ ruleset, host: options.host, texts: options.texts, report });
  }
  return findings.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Exit status the CLI derives from findings: 1 when any is an error. */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
