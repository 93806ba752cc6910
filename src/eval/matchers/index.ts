/**
 * Match evaluators by module name. A module netfate cannot decide (or does not know) answers
 * "may" with its reason: the trace then shows every fate it could lead to.
 */
import type { Match } from '../../ast/types.js';
import type { Tristate } from '../types.js';
import type { MatchEnv } from '../state.js';

export interface MatchResult {
  readonly result: Tristate;
  /** Why the answer is "may" (shown in the trace and in `outcomes[].because`). */
  readonly because?: string;
  /** For a "may" with a known chance of matching (statistic --mode random). */
  readonly probability?: number;
}

export type MatchEvaluator = (match: Match, env: MatchEnv) => MatchResult;

const evaluators = new Map<string, MatchEvaluator>();

export function registerMatchEvaluator(module: string, evaluator: MatchEvaluator): void {
  evaluators.set(module, evaluator);
}

export function evaluateMatch(match: Match, env: MatchEnv): MatchResult {
  if (!match.known) return { result: 'may', because: `unknown match "${match.module}"` };
  const evaluator = evaluators.get(match.module);
  if (!evaluator) return { result: 'may', because: `match "${match.module}" is not evaluated by netfate` };
  return evaluator(match, env);
}
