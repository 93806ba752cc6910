/**
 * Tokens of `iptables -L` listings and terminal transcripts of them. A listing is line-oriented:
 * `Chain NAME (…)` headers, the column header line (`target prot opt source destination`), rule
 * rows, blank lines, and — in transcripts — prompt lines and prose. The lexer only tells those
 * line starts apart and cuts the rest into words; which column a word belongs to is decided by
 * the AST builder, which knows the listing's flags from its column header.
 */
import { createToken, Lexer } from 'chevrotain';
import { atLineStart } from './line-start.js';

export const Newline = createToken({ name: 'Newline', pattern: /\r?\n|\r/, line_breaks: true });
export const Blank = createToken({ name: 'Blank', pattern: /[ \t\f\v]+/, group: Lexer.SKIPPED });

/** `Chain` in column 1, followed by a blank: the start of a chain header. */
export const ChainKeyword = createToken({
  name: 'ChainKeyword',
  pattern: atLineStart(/Chain(?=[ \t])/),
  start_chars_hint: ['C'],
  line_breaks: false,
});

/**
 * The whole column header line, e.g. `num   pkts bytes target     prot opt in     out     source
 * destination`. Its words are fixed by iptables (print_header), so one token holds the line and
 * the builder reads the flags (`num`, `pkts bytes`, `in out`) and the counter width from it.
 */
export const ColumnHeader = createToken({
  name: 'ColumnHeader',
  pattern: atLineStart(/[ \t]*(?:num[ \t]+)?(?:pkts[ \t]+bytes[ \t]+)?target[ \t]+prot[ \t]+opt\b[^\r\n]*/),
  start_chars_hint: [' ', '\t', 'n', 'p', 't'],
  line_breaks: false,
});

/** Any other run of non-blank characters. */
export const Word = createToken({ name: 'Word', pattern: /[^\s]+/ });

/** ColumnHeader before Blank: its line may start with blanks (`num` is left-aligned, `pkts` right-aligned). */
export const listingTokens = [Newline, ChainKeyword, ColumnHeader, Blank, Word];

export const ListingLexer = new Lexer(listingTokens, { positionTracking: 'full', ensureOptimizations: false });
