/**
 * SARIF 2.1.0 for GitHub code scanning: every registered rule in tool.driver.rules (id,
 * descriptions, help text, default level), one result per finding with its file and region.
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { inertJson } from '../../cli/inert.js';
import type { Finding, LintRule, Severity } from '../rule.js';

const LEVEL: Readonly<Record<Severity, Result.level>> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifOptions {
  readonly rules: readonly LintRule[];
  readonly version: string;
  /** Base URL the doc paths are resolved against for helpUri (e.g. the repository's blob URL). */
  readonly docsBaseUri?: string;
}

/** A file name as a SARIF artifact URI: forward slashes, absolute paths as file:// URIs. */
function artifactUri(file: string): string {
  if (file === '-') return 'stdin';
  const slashed = file.replace(/\\/g, '/');
  const encoded = slashed.split('/').map(encodeURIComponent).join('/');
  return slashed.startsWith('/') ? `file://${encoded}` : encoded;
}

export function sarifLog(findings: readonly Finding[], options: SarifOptions): Log {
  const descriptors: ReportingDescriptor[] = options.rules.map((r) => ({
    id: r.meta.id,
    name: r.meta.id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
    shortDescription: { text: r.meta.description },
    fullDescription: { text: r.meta.description },
    help: { text: `${r.meta.description} See ${r.meta.docs}.`, markdown: `${r.meta.description} See [${r.meta.docs}](${r.meta.docs}).` },
    ...(options.docsBaseUri ? { helpUri: new URL(r.meta.docs, options.docsBaseUri).href } : {}),
    defaultConfiguration: { level: LEVEL[r.meta.severity] },
  }));
  const index = new Map(options.rules.map((r, i) => [r.meta.id, i]));
  const results: Result[] = findings.map((f) => ({
    ruleId: f.id,
    ...(index.has(f.id) ? { ruleIndex: index.get(f.id)! } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(f.file) },
          region: { startLine: f.line, startColumn: f.column },
        },
        ...(f.chain
          ? { logicalLocations: [{ name: f.rule === null ? f.chain : `${f.chain}#${f.rule}`, fullyQualifiedName: `${f.table ?? ''}/${f.chain}${f.rule === null ? '' : `#${f.rule}`}`, kind: 'member' }] }
          : {}),
      },
    ],
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'netfate', version: options.version, rules: descriptors } },
        results,
      },
    ],
  };
}

export function formatSarif(findings: readonly Finding[], options: SarifOptions): string {
  return inertJson(sarifLog(findings, options)) + '\n';
}
