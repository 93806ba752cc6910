/**
 * Entry points of the pure grammars: text in, CST and errors out (never thrown).
 */
import type { CstNode, ILexingError, IRecognitionException } from 'chevrotain';
import { SaveLexer } from './save-tokens.js';
import { saveParser } from './save-parser.js';
import { ListingLexer } from './listing-tokens.js';
import { listingParser } from './listing-parser.js';

export interface GrammarResult {
  readonly cst: CstNode;
  readonly lexErrors: readonly ILexingError[];
  readonly parseErrors: readonly IRecognitionException[];
}

export function parseSaveText(text: string): GrammarResult {
  const lexed = SaveLexer.tokenize(text);
  saveParser.input = lexed.tokens;
  const cst = saveParser.file();
  const parseErrors = [...saveParser.errors];
  // The parser is shared: without this it would hold every token of the last input until the next parse.
  saveParser.input = [];
  return { cst, lexErrors: lexed.errors, parseErrors };
}

/** `iptables -L` listings and terminal transcripts of them. */
export function parseListingText(text: string): GrammarResult {
  const lexed = ListingLexer.tokenize(text);
  listingParser.input = lexed.tokens;
  const cst = listingParser.file();
  const parseErrors = [...listingParser.errors];
  listingParser.input = [];
  return { cst, lexErrors: lexed.errors, parseErrors };
}
