/**
 * What `npm run bench` times in Node, one stage at a time, each in a child process of its own so
 * that its peak memory is its own. A stage is a name, optional untimed preparation (e.g. parsing
 * for a stage that works on the AST) and the timed work. Add trace and lint here as further stages.
 */
import { readFileSync } from 'node:fs';
import { parseRuleset } from '../src/ast/parse.js';
import { formatRuleset } from '../src/ast/print-save.js';
import type { ParseResult } from '../src/ast/types.js';

export interface NodeStage<Prepared = unknown> {
  readonly name: string;
  readonly description: string;
  /** Done once before the timed runs, not timed. */
  readonly prepare?: (file: string) => Prepared;
  /** The timed work; its result is kept alive until the run ends, so it is not optimised away. */
  readonly run: (file: string, prepared: Prepared) => unknown;
  /** Facts about the last run's result worth reporting beside its time (e.g. error counts). */
  readonly summarize?: (result: unknown) => Record<string, number>;
}

function defineStage<P>(stage: NodeStage<P>): NodeStage<unknown> {
  return stage as NodeStage<unknown>;
}

function parseFile(file: string): ParseResult {
  return parseRuleset(readFileSync(file, 'utf8'), { file });
}

export const NODE_STAGES: readonly NodeStage[] = [
  defineStage({
    name: 'floor',
    description: 'read the file and split it into lines (nothing can parse faster)',
    run: (file) => readFileSync(file, 'utf8').split('\n'),
  }),
  defineStage({
    name: 'parse',
    description: 'read the file and parseRuleset it',
    run: (file) => parseFile(file),
    // Reported because a parse that refuses rules does less work than one that keeps them all.
    summarize: (result) => {
      const r = result as ParseResult;
      return {
        rules: r.ruleset.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0),
        errors: r.diagnostics.filter((d) => d.severity === 'error').length,
        warnings: r.diagnostics.filter((d) => d.severity === 'warning').length,
      };
    },
  }),
  defineStage({
    name: 'format',
    description: 'formatRuleset of the parsed AST (fmt without its parse)',
    prepare: (file) => parseFile(file).ruleset,
    run: (_file, ruleset: ParseResult['ruleset']) => formatRuleset(ruleset),
  }),
];

export function findStage(name: string): NodeStage | undefined {
  return NODE_STAGES.find((s) => s.name === name);
}
