/**
 * The grammar of `iptables-save` and `iptables -S` text: a sequence of lines. It knows the shape of
 * each line and nothing of what the words mean.
 *
 *   file        := line*
 *   line        := Newline | Comment Newline? | tableLine | chainLine | commitLine | commandLine
 *   tableLine   := TableHeader Word* Newline?
 *   chainLine   := ChainHeader Word* CounterPair? Word* Newline?
 *   commitLine  := Commit Newline?
 *   commandLine := CommandText Newline?
 */
import { CstParser, type CstNode } from 'chevrotain';
import {
  ChainHeader,
  CommandText,
  Comment,
  Commit,
  CounterPair,
  Newline,
  TableHeader,
  Word,
  saveTokens,
} from './save-tokens.js';

export class SaveParser extends CstParser {
  constructor() {
    super(saveTokens, { recoveryEnabled: false, nodeLocationTracking: 'none' });
    this.performSelfAnalysis();
  }

  public file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.line));
  });

  public line = this.RULE('line', () => {
    this.OR([
      { ALT: () => this.CONSUME(Newline) },
      {
        ALT: () => {
          this.CONSUME(Comment);
          this.OPTION(() => this.CONSUME2(Newline));
        },
      },
      { ALT: () => this.SUBRULE(this.tableLine) },
      { ALT: () => this.SUBRULE(this.chainLine) },
      { ALT: () => this.SUBRULE(this.commitLine) },
      { ALT: () => this.SUBRULE(this.commandLine) },
    ]);
  });

  public tableLine = this.RULE('tableLine', () => {
    this.CONSUME(TableHeader);
    this.MANY(() => this.CONSUME(Word));
    this.OPTION(() => this.CONSUME(Newline));
  });

  public chainLine = this.RULE('chainLine', () => {
    this.CONSUME(ChainHeader);
    this.MANY(() => this.CONSUME(Word));
    this.OPTION(() => this.CONSUME(CounterPair));
    this.MANY2(() => this.CONSUME2(Word));
    this.OPTION2(() => this.CONSUME(Newline));
  });

  public commitLine = this.RULE('commitLine', () => {
    this.CONSUME(Commit);
    this.OPTION(() => this.CONSUME(Newline));
  });

  public commandLine = this.RULE('commandLine', () => {
    this.CONSUME(CommandText);
    this.OPTION(() => this.CONSUME(Newline));
  });
}

/** One reused instance, as Chevrotain recommends (self-analysis is costly). */
export const saveParser = new SaveParser();

export type { CstNode };
