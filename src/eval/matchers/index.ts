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
  return matchEvaluatorOf(match)(match, env);
}

/** Modules that match every packet whatever their options (`-m comment`). */
const everyPacket = new Set<string>();

export function registerEveryPacketMatch(module: string): void {
  everyPacket.add(module);
}

/** Whether the match is one of those: a rule need not ask it anything. */
export function matchesEveryPacket(match: Match): boolean {
  return match.known && everyPacket.has(match.module);
}

/** The evaluator of this match (one that answers "may", with why, for a module netfate does not decide). */
export function matchEvaluatorOf(match: Match): MatchEvaluator {
  if (!match.known) return unknownMatch;
  return evaluators.get(match.module) ?? notEvaluated;
}

function unknownMatch(match: Match): MatchResult {
  return { result: 'may', because: `unknown match "${match.module}"` };
}

function notEvaluated(match: Match): MatchResult {
  return { result: 'may', because: `match "${match.module}" is not evaluated by netfate` };
}
