/**
 * One rule on its own, as `iptables -t TABLE -A CHAIN ARGS` would take it: used by tests that
 * replay iptables' extension test vectors, and by callers that build rules from arguments.
 */
import type { Diagnostic, Family, Rule } from './types.js';
import { saveToAst } from './from-save.js';
import { formatRuleBody } from './print-save.js';
import { BUILTIN_CHAINS, isBuiltinTable } from './types.js';

export interface SingleRuleResult {
  readonly rules: readonly Rule[];
  /** The rules' text after `-A CHAIN` as iptables-save prints it; empty when refused. */
  readonly saved: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

export function parseSingleRule(args: string, opts: { family: Family; table?: string; chain: string }): SingleRuleResult {
  const table = opts.table ?? 'filter';
  const builtins = isBuiltinTable(table) ? (BUILTIN_CHAINS[table] as readonly string[]) : [];
  const header = builtins.map((c) => `:${c} ACCEPT [0:0]`);
  if (!builtins.includes(opts.chain)) header.push(`:${opts.chain} - [0:0]`);
  const text = `*${table}\n${header.join('\n')}\n-A ${opts.chain} ${args}\nCOMMIT\n`;
  const { tables, diagnostics } = saveToAst(text, { file: '<rule>', family: opts.family });
  if (diagnostics.some((d) => d.severity === 'error')) return { rules: [], saved: [], diagnostics };
  const rules = tables[0]?.chains.find((c) => c.name === opts.chain)?.rules ?? [];
  return { rules, saved: rules.map((r) => formatRuleBody(r, opts.family)), diagnostics };
}
