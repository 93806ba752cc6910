/**
 * ESLint's RuleTester, cut to what netfate's rules need: each `valid` ruleset must produce no
 * finding of the rule, each `invalid` one exactly the listed findings (message id, line, column).
 */
import { describe, expect, it } from 'vitest';
import { parseRuleset, mergeRulesets } from '../../src/ast/parse.js';
import type { Ruleset } from '../../src/ast/types.js';
import type { HostModel } from '../../src/eval/types.js';
import { lintRuleset } from '../../src/lint/run.js';
import type { Finding, LintRule } from '../../src/lint/rule.js';

/** One input file, or several that together describe one host (e.g. iptables-save and ip6tables-save). */
export type Input = string | readonly { readonly text: string; readonly file: string }[];

export interface ValidCase {
  readonly name: string;
  readonly ruleset: Input;
  readonly host?: HostModel;
}

export interface ExpectedFinding {
  readonly messageId: string;
  readonly line: number;
  readonly column?: number;
  /** Substrings the message must contain. */
  readonly messageIncludes?: readonly string[];
  readonly rule?: number | null;
}

export interface InvalidCase extends ValidCase {
  readonly errors: readonly ExpectedFinding[];
}

export function parseInput(input: Input): { ruleset: Ruleset; texts: Map<string, string> } {
  const files = typeof input === 'string' ? [{ text: input, file: 'test.rules' }] : input;
  const texts = new Map(files.map((f) => [f.file, f.text]));
  return { ruleset: mergeRulesets(files.map((f) => parseRuleset(f.text, { file: f.file }).ruleset)), texts };
}

/** Findings of one rule only. */
export function lintWith(rule: LintRule, input: Input, host?: HostModel): Finding[] {
  const { ruleset, texts } = parseInput(input);
  return lintRuleset(ruleset, { rules: [rule], host, texts });
}

export function ruleTester(rule: LintRule, cases: { valid: readonly ValidCase[]; invalid: readonly InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        expect(lintWith(rule, c.ruleset, c.host).map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const found = lintWith(rule, c.ruleset, c.host);
        expect(found.map((f) => ({ messageId: f.messageId, line: f.line, ...(c.errors.some((e) => e.column !== undefined) ? { column: f.column } : {}) })))
          .toEqual(c.errors.map((e) => ({ messageId: e.messageId, line: e.line, ...(c.errors.some((x) => x.column !== undefined) ? { column: e.column ?? 1 } : {}) })));
        c.errors.forEach((e, i) => {
          expect(found[i].id).toBe(rule.meta.id);
          for (const s of e.messageIncludes ?? []) expect(found[i].message).toContain(s);
          if (e.rule !== undefined) expect(found[i].rule).toBe(e.rule);
        });
      });
    }
  });
}

/**
 * A `*filter` table with the three builtin chains (policies as given), the extra chains declared,
 * then the rule lines, then COMMIT. Line 1 is `*filter`, lines 2–4 the builtin chains, then one
 * line per extra chain: the first rule is on line 5 + chains.length.
 */
export function filterTable(rules: readonly string[], options: { chains?: readonly string[]; input?: string; forward?: string; output?: string } = {}): string {
  return [
    '*filter',
    `:INPUT ${options.input ?? 'ACCEPT'} [0:0]`,
    `:FORWARD ${options.forward ?? 'ACCEPT'} [0:0]`,
    `:OUTPUT ${options.output ?? 'ACCEPT'} [0:0]`,
    ...(options.chains ?? []).map((c) => `:${c} - [0:0]`),
    ...rules,
    'COMMIT',
    '',
  ].join('\n');
}

/** A `*nat` table with its four builtin chains; the first rule is on line 6 + chains.length. */
export function natTable(rules: readonly string[], chains: readonly string[] = []): string {
  return [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ...chains.map((c) => `:${c} - [0:0]`),
    ...rules,
    'COMMIT',
    '',
  ].join('\n');
}
