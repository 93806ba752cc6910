/**
 * A cursor over the trailing text of a listing row (what each extension's `print` function wrote
 * after the destination column). Extensions print words separated by single blanks, but a few run
 * words together (`tcp dpt:22flags: 0x17/0x02` in iptables 1.4), so readers need both word-wise
 * and character-wise steps. Every step skips blanks first and consumes nothing when it fails.
 */
export class Scanner {
  pos = 0;

  constructor(readonly text: string) {}

  skipBlanks(): void {
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t')) this.pos++;
  }

  atEnd(): boolean {
    return this.text.slice(this.pos).trim() === '';
  }

  /** The word `word`, followed by a blank or the end of the text. */
  kw(word: string): boolean {
    const save = this.pos;
    this.skipBlanks();
    if (this.text.startsWith(word, this.pos)) {
      const after = this.text[this.pos + word.length];
      if (after === undefined || after === ' ' || after === '\t') {
        this.pos += word.length;
        return true;
      }
    }
    this.pos = save;
    return false;
  }

  /** The literal `text`, whatever follows it. */
  lit(text: string): boolean {
    const save = this.pos;
    this.skipBlanks();
    if (this.text.startsWith(text, this.pos)) {
      this.pos += text.length;
      return true;
    }
    this.pos = save;
    return false;
  }

  /** The literal `text` right here, blanks not skipped. */
  glued(text: string): boolean {
    if (this.text.startsWith(text, this.pos)) {
      this.pos += text.length;
      return true;
    }
    return false;
  }

  /** A regular expression at the cursor (after blanks; `glued` keeps the blanks). */
  re(re: RegExp, glued = false): RegExpExecArray | null {
    const save = this.pos;
    if (!glued) this.skipBlanks();
    const sticky = new RegExp(re.source, re.flags.includes('y') ? re.flags : re.flags + 'y');
    sticky.lastIndex = this.pos;
    const m = sticky.exec(this.text);
    if (!m) {
      this.pos = save;
      return null;
    }
    this.pos += m[0].length;
    return m;
  }

  /** The next run of non-blank characters. */
  word(): string | null {
    return this.re(/[^\s]+/)?.[0] ?? null;
  }

  /** A `!` word (the `! ` extensions print before a negated item). */
  bang(): boolean {
    return this.kw('!');
  }

  /** Runs `read`; on null, rewinds to where it started. */
  attempt<T>(read: () => T | null): T | null {
    const save = this.pos;
    const result = read();
    if (result === null) this.pos = save;
    return result;
  }
}
