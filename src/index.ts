/**
 * netfate's public library API: a thin facade over the internals. Everything here takes values
 * and returns values; nothing reads files or the host.
 */
export type * from './ast/types.js';
export { BUILTIN_CHAINS, isBuiltinChain, isBuiltinTable } from './ast/types.js';

/**
 * Parses `iptables-save` / `ip6tables-save` (with or without `-c`), `iptables -S`, or
 * `iptables -L` listing text (also pasted terminal transcripts) into the AST. Never throws:
 * problems are returned as diagnostics with their spans.
 */
export { parseRuleset, detectFormat, mergeRulesets } from './ast/parse.js';
export type { ParseOptions } from './ast/parse.js';

/** Canonical `iptables-save` text of a ruleset (what `netfate fmt` prints). */
export { formatRuleset, formatTable, formatRule, formatRuleBody } from './ast/print-save.js';

/** One rule from `iptables -A CHAIN` style arguments. */
export { parseSingleRule } from './ast/single-rule.js';
export type { SingleRuleResult } from './ast/single-rule.js';

export type { ExtensionDef, OptionSpec } from './ast/modules/extension.js';

/** Lints a ruleset: findings (id, severity, message, place), sorted by file and line. */
export { lintRuleset } from './lint/run.js';
