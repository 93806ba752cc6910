import { describe, expect, it } from 'vitest';
import { SaveLexer } from '../../grammar/save-tokens.js';
import { parseSaveText } from '../../grammar/index.js';
import { splitRestoreWords, parseCounterWord } from '../../grammar/restore-words.js';

const names = (text: string): string[] => SaveLexer.tokenize(text).tokens.map((t) => t.tokenType.name);

describe('save-format tokens', () => {
  it('treats #, * and : as special only in column 1', () => {
    expect(names('# comment\n')).toEqual(['Comment', 'Newline']);
    expect(names('-A X -m comment --comment #1\n')).toEqual(['CommandText', 'Newline']);
    expect(names('*filter\n:INPUT ACCEPT [0:0]\n')).toEqual(['TableHeader', 'Newline', 'ChainHeader', 'Word', 'CounterPair', 'Newline']);
    expect(names('-A X -j LOG --log-prefix *x:y\n')).toEqual(['CommandText', 'Newline']);
  });

  it('splits a command line into words as iptables-restore does', () => {
    const words = splitRestoreWords('-A X -m comment --comment "two words \\" quoted" -j a"b c"d \'x y\'');
    expect(words.map((w) => w.text)).toEqual(['-A', 'X', '-m', 'comment', '--comment', 'two words " quoted', '-j', 'ab cd', "'x", "y'"]);
    expect(words[5]).toMatchObject({ start: 26, length: 21 });
  });

  it('reads counters only in their exact form', () => {
    expect(parseCounterWord('[12:3456]')).toEqual({ packets: 12, bytes: 3456 });
    expect(parseCounterWord('[12:34x]')).toBeNull();
    expect(names(':INPUT ACCEPT [0:0]\n')).toEqual(['ChainHeader', 'Word', 'CounterPair', 'Newline']);
  });

  it('knows COMMIT only as a line of its own', () => {
    expect(names('COMMIT\n')).toEqual(['Commit', 'Newline']);
    expect(names('COMMITTED\n')).toEqual(['CommandText', 'Newline']);
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
