/**
 * What the match evaluators share: the three answers, the AND of a match's option tests (one
 * failing test fails the match, as every xt_* match returns false on its first failing test),
 * and the port/range comparisons most header matches make.
 */
import type { Match, Negatable } from '../../ast/types.js';
import type { NumRange } from '../../ast/modules/match/packet-util.js';
import type { EvalPacket, MatchEnv } from '../state.js';
import { registerMatchBinder, registerOptionsBinder, type BoundMatch, type MatchResult } from './index.js';

export const YES: MatchResult = { result: 'yes' };
export const NO: MatchResult = { result: 'no' };

export function may(because: string, probability?: number): MatchResult {
  return probability === undefined ? { result: 'may', because } : { result: 'may', because, probability };
}

export function bool(value: boolean): MatchResult {
  return value ? YES : NO;
}

/** A test that passes when `hit` differs from `negated` (the kernel's `cond ^ invert`). */
export function hitUnless(hit: boolean, negated: boolean): MatchResult {
  return bool(hit !== negated);
}

/** The conjunction of option tests: any "no" decides; otherwise any "may" keeps every reason. */
export function all(results: readonly MatchResult[]): MatchResult {
  // Decided without a closure or an array in the common case (no "may"): it runs per rule per packet.
  let undecided = false;
  for (let i = 0; i < results.length; i++) {
    const r = results[i].result;
    if (r === 'no') return NO;
    if (r === 'may') undecided = true;
  }
  if (!undecided) return YES;
  const open = results.filter((r) => r.result === 'may');
  const because = open.map((r) => r.because ?? 'undecided').join('; ');
  const chances = open.map((r) => r.probability);
  const probability = chances.every((c) => c !== undefined) ? chances.reduce<number>((a, c) => a * (c as number), 1) : undefined;
  return may(because, probability);
}

/**
 * all() of two tests, without an array: folded left over a match's tests it gives what all()
 * gives over them (a "no" decides; the "may" reasons are kept in order; the chances multiply).
 */
export function both(a: MatchResult, b: MatchResult): MatchResult {
  if (a.result === 'no' || b.result === 'no') return NO;
  if (b.result === 'yes') return a;
  if (a.result === 'yes') return b;
  const probability = a.probability !== undefined && b.probability !== undefined ? a.probability * b.probability : undefined;
  return may(`${a.because ?? 'undecided'}; ${b.because ?? 'undecided'}`, probability);
}

export function inRange(value: number, range: NumRange): boolean {
  return value >= range.from && value <= range.to;
}

/**
 * One port option (`--sport`, `--dport`): `port` is the packet's, undefined when the packet
 * description did not give it. The range is inclusive at both ends.
 */
export function portTest(port: number | undefined, sel: Negatable<NumRange> | undefined, what: string): MatchResult {
  if (!sel) return YES;
  if (port === undefined) return may(`the packet's ${what} is not given`);
  return hitUnless(inRange(port, sel.value), sel.negated);
}

/**
 * Registers an evaluator that gets the module's typed options. A match whose options do not
 * have the module's shape (the guard says no) cannot be decided.
 */
export function registerTyped<O>(
  module: string,
  guard: (m: Match) => m is Match<O>,
  evaluate: (options: O, env: MatchEnv) => MatchResult,
  /** The answer, when these options give the same one for every packet (see BoundMatch.fixed). */
  fixed?: (options: O) => MatchResult | undefined,
): void {
  const bindOptions = (options: O): BoundMatch => {
    const answer = fixed?.(options);
    if (answer !== undefined) return Object.assign(() => answer, { fixed: answer });
    return (env) => evaluate(options, env);
  };
  registerOptionsBinder(module, bindOptions as (options: unknown) => BoundMatch);
  registerMatchBinder(module, (m) => {
    if (guard(m)) return bindOptions(m.options);
    const unread = may(`"${m.module}" options could not be read`);
    return () => unread;
  });
}

/** Type guard for a module reached by an alias name (`icmpv6` for `icmp6`). */
export function moduleGuard<O>(...modules: string[]): (m: Match) => m is Match<O> {
  return (m: Match): m is Match<O> => m.known && modules.includes(m.module);
}

/** Protocols whose header starts with a 16-bit source port and a 16-bit destination port. */
const PORTED_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 33, 132, 136]);

/**
 * Whether the packet's protocol keeps its ports in the two 16-bit words at the start of the
 * transport header, as tcp, udp, udplite, sctp and dccp do (ICMP keeps type and code there).
 */
export function hasTransportPorts(p: EvalPacket): boolean {
  return PORTED_PROTOCOLS.has(p.proto);
}
