/**
 * Source spans from Chevrotain tokens, shared by the save and listing readers.
 */
import type { IToken } from 'chevrotain';
import type { SourceSpan } from './types.js';

/**
 * The number as a small integer when it is one. Chevrotain keeps token positions in double fields
 * (its EOF token holds NaN), so a position read from a token is a boxed double; a span built
 * from it makes V8 store every span's numbers boxed (about 4 extra objects per span, millions on
 * a kube-proxy ruleset). An integer from `| 0` is stored unboxed.
 */
export function smallInt(n: number): number {
  return n === (n | 0) ? n | 0 : n;
}

export function tokenSpan(tok: IToken): SourceSpan {
  return {
    line: smallInt(tok.startLine ?? 1),
    column: smallInt(tok.startColumn ?? 1),
    offset: smallInt(tok.startOffset),
    length: smallInt((tok.endOffset ?? tok.startOffset) - tok.startOffset + 1),
  };
}
