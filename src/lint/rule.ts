/**
 * The shape of a lint rule and of what it reports, ESLint style: a rule carries its own metadata
 * (id, severity, description, doc page, message templates) and a `check` that walks the ruleset
 * and calls `context.report`. Rules never format text or read files; `run.ts` turns reports into
 * findings.
 */
import type { Chain, Rule, Ruleset, SourceSpan, Table } from '../ast/types.js';
import type { HostModel } from '../eval/types.js';

export type Severity = 'error' | 'warning' | 'info';

export interface RuleMeta {
  /** Stable slug with a family prefix: `ipt/…` generic, `docker/…` Docker-aware. */
  readonly id: string;
  readonly severity: Severity;
  /** One line, for `--help`-style tables and SARIF's shortDescription. */
  readonly description: string;
  /** Doc page, relative to the package root (`docs/rules/<id>.md`). */
  readonly docs: string;
  /** Message templates keyed by message id; `{{name}}` is replaced by `data.name`. */
  readonly messages: Readonly<Record<string, string>>;
}

export interface ReportDescriptor {
  readonly messageId: string;
  readonly data?: Readonly<Record<string, string | number>>;
  /** Null only for a finding about several files at once (it then names `file`). */
  readonly table: Table | null;
  /** Null for a finding about the whole ruleset (it points at line 1 of the file). */
  readonly chain: Chain | null;
  /** Null for a finding about a chain (it points at the chain's declaration). */
  readonly rule: Rule | null;
  /** Overrides the default place (rule, else chain declaration, else line 1). */
  readonly span?: Pick<SourceSpan, 'line' | 'column'>;
  /** File of a ruleset-wide finding when `table` is null. */
  readonly file?: string;
}

export interface LintContext {
  readonly ruleset: Ruleset;
  /** The host model from `--host`; rules that need one say what they assumed when it is absent. */
  readonly host?: HostModel;
  /** Input text per file name, for the few facts the AST does not keep (`# Warning:` lines). */
  readonly texts?: ReadonlyMap<string, string>;
  report(descriptor: ReportDescriptor): void;
}

export interface LintRule {
  readonly meta: RuleMeta;
  check(context: LintContext): void;
}

/** One finding as the CLI prints it (CONTRACT.md `lint --format json`). */
export interface Finding {
  readonly id: string;
  /** Which of the rule's messages (not part of the JSON output; tests and tools key on it). */
  readonly messageId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly table: string | null;
  readonly chain: string | null;
  /** 1-based rule number in its chain; null for a chain or ruleset finding. */
  readonly rule: number | null;
}

/** `{{name}}` placeholders filled from data; an unknown placeholder stays visible rather than vanishing. */
export function fillTemplate(template: string, data: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(data, name) ? String(data[name]) : whole,
  );
}
