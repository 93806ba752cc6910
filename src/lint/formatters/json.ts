/** CONTRACT.md `lint --format json`: `{"findings": [{id, severity, message, file, line, column, table, chain, rule}]}`. */
import { inertJson } from '../../cli/inert.js';
import type { Finding } from '../rule.js';

export function formatJson(findings: readonly Finding[]): string {
  const out = findings.map((f) => ({
    id: f.id,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    table: f.table,
    chain: f.chain,
    rule: f.rule,
  }));
  return inertJson({ findings: out }) + '\n';
}
