/**
 * The grammar of `iptables -L` listings (and transcripts of them): a sequence of lines. It knows
 * the shape of each line and nothing of what the words mean.
 *
 *   file         := line*
 *   line         := Newline | chainHeader | columnHeader | textLine
 *   chainHeader  := ChainKeyword Word* Newline?
 *   columnHeader := ColumnHeader Newline?
 *   textLine     := Word+ Newline?          (a rule row, a prompt line, or prose)
 */
import { CstParser, type CstNode } from 'chevrotain';
import { ChainKeyword, ColumnHeader, Newline, Word, listingTokens } from './listing-tokens.js';

export class ListingParser extends CstParser {
  constructor() {
    super(listingTokens, { recoveryEnabled: false, nodeLocationTracking: 'none' });
    this.performSelfAnalysis();
  }

  public file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.line));
  });

  public line = this.RULE('line', () => {
    this.OR([
      { ALT: () => this.CONSUME(Newline) },
      { ALT: () => this.SUBRULE(this.chainHeader) },
      { ALT: () => this.SUBRULE(this.columnHeader) },
      { ALT: () => this.SUBRULE(this.textLine) },
    ]);
  });

  public chainHeader = this.RULE('chainHeader', () => {
    this.CONSUME(ChainKeyword);
    this.MANY(() => this.CONSUME(Word));
    this.OPTION(() => this.CONSUME(Newline));
  });

  public columnHeader = this.RULE('columnHeader', () => {
    this.CONSUME(ColumnHeader);
    this.OPTION(() => this.CONSUME(Newline));
  });

  public textLine = this.RULE('textLine', () => {
    this.AT_LEAST_ONE(() => this.CONSUME(Word));
    this.OPTION(() => this.CONSUME(Newline));
  });
}

/** One reused instance, as Chevrotain recommends (self-analysis is costly). */
export const listingParser = new ListingParser();

export type { CstNode };
