/**
 * Target effects by target name: what a matching rule's target does to the packet and to the
 * traversal. Standard verdicts and chains are handled by the engine itself.
 */
import type { Target } from '../../ast/types.js';
import type { MatchEnv } from '../state.js';

export type TargetEffect =
  /** Ends the packet's journey (DROP, REJECT, QUEUE) or this table's traversal (ACCEPT). */
  | { readonly kind: 'verdict'; readonly verdict: 'ACCEPT' | 'DROP' | 'REJECT' | 'QUEUE'; readonly note?: string }
  /** A non-terminating target: the next rule is tested. `changed` when it rewrote the packet. */
  | { readonly kind: 'continue'; readonly note?: string; readonly changed?: boolean }
  /**
   * A NAT target: the packet is rewritten and the nat table's traversal ends (NF_ACCEPT). Its
   * note is `note`, or, with `rewrite`, the rewritten packet described (see describeRewrite):
   * made when the trace's steps are listed, from the step's packet.
   */
  | { readonly kind: 'nat'; readonly note: string; readonly rewrite?: undefined }
  | { readonly kind: 'nat'; readonly note?: undefined; readonly rewrite: string; readonly extra: string };

export type TargetEvaluator = (target: Target, env: MatchEnv) => TargetEffect;

const evaluators = new Map<string, TargetEvaluator>();

export function registerTargetEvaluator(name: string, evaluator: TargetEvaluator): void {
  evaluators.set(name, evaluator);
}

export function evaluateTarget(target: Target, env: MatchEnv): TargetEffect {
  const evaluator = evaluators.get(target.name);
  if (evaluator && target.known) return evaluator(target, env);
  // An extension netfate does not model: assume it does not end the traversal, and say so.
  return { kind: 'continue', note: `target "${target.name}" is not modelled; assumed non-terminating` };
}
