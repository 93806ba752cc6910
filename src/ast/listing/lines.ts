/**
 * CST of a listing -> plain line records. Each record keeps its words with their columns, since
 * a listing is a table whose empty cells (no target) can only be seen from where words start.
 */
import type { CstNode, IToken } from 'chevrotain';
import { listingParser } from '../../../grammar/listing-parser.js';
import type { SourceSpan } from '../types.js';

export interface LineWord {
  readonly text: string;
  /** 0-based column in its line. */
  readonly column: number;
  readonly span: SourceSpan;
}

export type ListingLine =
  | { readonly kind: 'chain'; readonly words: readonly LineWord[]; readonly text: string; readonly span: SourceSpan }
  | { readonly kind: 'columns'; readonly text: string; readonly span: SourceSpan }
  | { readonly kind: 'text'; readonly words: readonly LineWord[]; readonly text: string; readonly span: SourceSpan };

export { tokenSpan } from '../span.js';
import { smallInt, tokenSpan } from '../span.js';


/** The whole line a token is on, from column 1 to its last word (rows start with blanks). */
function lineOf(first: IToken, last: IToken, source: string): { text: string; span: SourceSpan } {
  const start = first.startOffset - ((first.startColumn ?? 1) - 1);
  const end = (last.endOffset ?? last.startOffset) + 1;
  return { text: source.slice(start, end), span: { line: smallInt(first.startLine ?? 1), column: 1, offset: smallInt(start), length: smallInt(end - start) } };
}

const BaseVisitor = listingParser.getBaseCstVisitorConstructorWithDefaults();

class ListingLineVisitor extends BaseVisitor {
  private lines: ListingLine[] = [];
  private source = '';

  constructor() {
    super();
    this.validateVisitor();
  }

  collect(cst: CstNode, source: string): ListingLine[] {
    this.lines = [];
    this.source = source;
    this.visit(cst);
    return this.lines;
  }

  private words(tokens: readonly IToken[]): LineWord[] {
    return tokens.map((t) => ({ text: t.image, column: (t.startColumn ?? 1) - 1, span: tokenSpan(t) }));
  }

  file(ctx: Record<string, CstNode[]>): void {
    for (const line of ctx.line ?? []) this.visit(line);
  }

  line(ctx: Record<string, CstNode[]>): void {
    for (const key of ['chainHeader', 'columnHeader', 'textLine']) {
      const node = ctx[key]?.[0];
      if (node) this.visit(node);
    }
  }

  chainHeader(ctx: Record<string, IToken[]>): void {
    const head = ctx.ChainKeyword[0];
    const words = ctx.Word ?? [];
    const { text, span } = lineOf(head, words.length ? words[words.length - 1] : head, this.source);
    this.lines.push({ kind: 'chain', words: this.words(words), text, span });
  }

  columnHeader(ctx: Record<string, IToken[]>): void {
    const tok = ctx.ColumnHeader[0];
    const { text, span } = lineOf(tok, tok, this.source);
    this.lines.push({ kind: 'columns', text: text.trimEnd(), span });
  }

  textLine(ctx: Record<string, IToken[]>): void {
    const words = ctx.Word;
    const { text, span } = lineOf(words[0], words[words.length - 1], this.source);
    this.lines.push({ kind: 'text', words: this.words(words), text, span });
  }
}

export const listingLineVisitor = new ListingLineVisitor();
