import { describe, expect, it } from 'vitest';
import { SaveLexer } from '../../grammar/save-tokens.js';
import { parseSaveText } from '../../grammar/index.js';

const names = (text: string): string[] => SaveLexer.tokenize(text).tokens.map((t) => t.tokenType.name);

describe('save-format tokens', () => {
  it('treats #, * and : as special only in column 1', () => {
    expect(names('# comment\n')).toEqual(['Comment', 'Newline']);
    expect(names('-A X -m comment --comment #1\n')).toEqual(['Word', 'Word', 'Word', 'Word', 'Word', 'Word', 'Newline']);
    expect(names('*filter\n:INPUT ACCEPT [0:0]\n')).toEqual(['TableHeader', 'Newline', 'ChainHeader', 'Word', 'CounterPair', 'Newline']);
    expect(names('-A X -j LOG --log-prefix *x:y\n')).toEqual(['Word', 'Word', 'Word', 'Word', 'Word', 'Word', 'Newline']);
  });

  it('keeps a quoted value with blanks as one word', () => {
    const { tokens } = SaveLexer.tokenize('-A X -m comment --comment "two words \\" quoted" -j ACCEPT');
    expect(tokens.map((t) => t.image)).toEqual(['-A', 'X', '-m', 'comment', '--comment', '"two words \\" quoted"', '-j', 'ACCEPT']);
  });

  it('reads counters only in their exact form', () => {
    expect(names('[12:3456] -A X\n')).toEqual(['CounterPair', 'Word', 'Word', 'Newline']);
    expect(names('[12:34x] -A X\n')).toEqual(['Word', 'Word', 'Word', 'Newline']);
  });

  it('knows COMMIT only as a line of its own', () => {
    expect(names('COMMIT\n')).toEqual(['Commit', 'Newline']);
    expect(names('COMMITTED\n')).toEqual(['Word', 'Newline']);
  });

  it('parses CRLF files and a last line without a newline', () => {
    const result = parseSaveText('*filter\r\n:INPUT ACCEPT [0:0]\r\nCOMMIT');
    expect(result.lexErrors).toEqual([]);
    expect(result.parseErrors).toEqual([]);
  });

  it('never fails on prose: an unterminated quote runs to the end of the line', () => {
    const result = parseSaveText('He said "hello\n*filter\nCOMMIT\n');
    expect(result.lexErrors).toEqual([]);
    expect(result.parseErrors).toEqual([]);
  });
});
