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

/** One match's test, its options read once: what the evaluator asks per packet. */
export interface BoundMatch {
  (env: MatchEnv): MatchResult;
  /**
   * The test's answer when it is the same for every packet (`statistic --mode random`, `-m tcp`
   * without options): the evaluator then decides the rule once, not per packet, and does not
   * read the test again.
   */
  readonly fixed?: MatchResult;
}

/** Makes a match's test from the match (checks the shape of its options once). */
export type MatchBinder = (match: Match) => BoundMatch;

const binders = new Map<string, MatchBinder>();

/** Tests made from a module's typed options (see bindOptions), by module. */
const optionBinders = new Map<string, (options: unknown) => BoundMatch>();

/** Registers how a module's test is made from its typed options (registerTyped does). */
export function registerOptionsBinder(module: string, binder: (options: unknown) => BoundMatch): void {
  optionBinders.set(module, binder);
}

/**
 * The test of a known match given only its typed options: what bindMatch makes of a match with
 * these options (the evaluator's rule records hold simple matches' options as numbers).
 */
export function bindOptions(module: string, options: unknown): BoundMatch {
  return optionBinders.get(module)!(options);
}

/** Registers a module's test by how it is made from a match (see registerTyped). */
export function registerMatchBinder(module: string, binder: MatchBinder): void {
  binders.set(module, binder);
}

export function evaluateMatch(match: Match, env: MatchEnv): MatchResult {
  return bindMatch(match)(env);
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

/**
 * The test of this match (one that answers "may", with why, for a module netfate does not
 * decide). Made once per rule by the evaluator, and asked per packet.
 */
export function bindMatch(match: Match): BoundMatch {
  const binder = match.known ? binders.get(match.module) : undefined;
  if (binder) return binder(match);
  const answer: MatchResult = Object.freeze({
    result: 'may',
    because: match.known ? `match "${match.module}" is not evaluated by netfate` : `unknown match "${match.module}"`,
  });
  return () => answer;
}
