/**
 * Parses every iptables-save file of the shared corpus (real-world rulesets and upstream's
 * save-format dumps) and checks what can be checked without a kernel:
 *  - no error diagnostics, except in the files iptables-restore refuses for their text
 *    (test/kernel/refused.ts), where an error must be on the line it names;
 *  - one AST rule per rule the `-A`/`-I` lines make (`-s a,b -d c` makes two, as iptables does);
 *  - every line that is no ruleset syntax (prose, shell prompts) is a warning at its own line;
 *  - fmt is idempotent: parse(fmt(x)) formats to fmt(x);
 *  - upstream's dumps, which are iptables-save output, come out of fmt unchanged (minus `#` lines);
 *  - a parse that reads chains on demand (deferRules), once every chain is read, gives the same
 *    AST and diagnostics.
 * Prints a summary at the end. The kernel suite (test/kernel) checks the same files against
 * iptables-restore / iptables-save.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { formatRuleset } from '../../src/ast/print-save.js';
import type { Diagnostic, ParseResult } from '../../src/ast/types.js';
import { requireShared } from '../helpers/shared.js';
import { realWorldSaveFiles, saveFormatFiles, type SaveFile } from '../kernel/save-files.js';
import { KERNEL_REFUSED } from '../kernel/refused.js';

interface Parsed {
  readonly text: string;
  readonly result: ParseResult;
  readonly rules: number;
}

const haveShared = requireShared();
const files: SaveFile[] = haveShared ? [...realWorldSaveFiles(), ...saveFormatFiles()] : [];
const cache = new Map<string, Parsed>();

function parsed(file: SaveFile): Parsed {
  let entry = cache.get(file.path);
  if (!entry) {
    const text = readFileSync(file.path, 'utf8');
    const result = parseRuleset(text, { file: file.name });
    const rules = result.ruleset.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
    entry = { text, result, rules };
    cache.set(file.path, entry);
  }
  return entry;
}

function show(d: Diagnostic): string {
  return `${d.file}:${d.span.line}:${d.span.column}: ${d.severity}: ${d.message}`;
}

/** Splits a line into words as iptables-restore does: blanks separate, "…" groups with \ escapes. */
function restoreWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '\\' && i + 1 < line.length) {
      word += line[++i];
    } else if (c === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && /\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

const SOURCE_OPTIONS = new Set(['-s', '--source', '--src']);
const DESTINATION_OPTIONS = new Set(['-d', '--destination', '--dst']);
const RULE_COMMANDS = new Set(['-A', '--append', '-I', '--insert']);

/**
 * How many kernel rules a line makes: 0 unless it appends or inserts; else one per
 * (source, destination) pair, since iptables expands comma lists of addresses into that many rules.
 */
function kernelRulesOfLine(line: string): number {
  const words = restoreWords(line);
  const start = words[0] !== undefined && /^\[\d+:\d+\]$/.test(words[0]) ? 1 : 0;
  if (!RULE_COMMANDS.has(words[start] ?? '')) return 0;
  let sources = 1;
  let destinations = 1;
  for (let i = start + 2; i < words.length - 1; i++) {
    const count = words[i + 1].split(',').length;
    if (SOURCE_OPTIONS.has(words[i])) sources = count;
    else if (DESTINATION_OPTIONS.has(words[i])) destinations = count;
  }
  return sources * destinations;
}

/** A line that is part of iptables-save syntax (or blank); anything else is noise around a dump. */
function isRulesetLine(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#') || t.startsWith('*') || t.startsWith(':') || t === 'COMMIT' || /^(\[\d+:\d+\]\s+)?-/.test(t);
}

/** What iptables-save would print for a dump that is its own output: no comments, no blank lines. */
function withoutCommentsOrBlanks(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l + '\n')
    .join('');
}

/**
 * Every save-format dump is iptables-save output (the round-trip oracles of ipt-save/, the
 * expected output of firewalld-restore/ and nft-only/) or, for the ipt-restore/ dumps, the same
 * with blank lines between tables; so without `#` and blank lines each one is already canonical.
 * Verified on iptables v1.8.9 (nf_tables): restoring each file and saving it again gives the same
 * lines, save for the order in which the nft backend lists tables.
 */
const isOracle = (file: SaveFile): boolean => file.group === 'save-format';

const tally = { files: 0, rules: 0, warnings: 0, errors: 0, noiseLines: 0, realWorldFixedPoints: 0, realWorld: 0 };

describe.skipIf(!haveShared)('iptables-save corpus', () => {
  afterAll(() => {
    for (const file of files) {
      const p = cache.get(file.path);
      if (!p) continue;
      tally.files++;
      tally.rules += p.rules;
      tally.warnings += p.result.diagnostics.filter((d) => d.severity === 'warning').length;
      tally.errors += p.result.diagnostics.filter((d) => d.severity === 'error').length;
      tally.noiseLines += p.text.split(/\r?\n/).filter((l) => !isRulesetLine(l)).length;
      if (file.group === 'real-world') {
        tally.realWorld++;
        // Not asserted (real dumps come from old iptables versions): how many are already canonical.
        if (formatRuleset(p.result.ruleset) === withoutCommentsOrBlanks(p.text)) tally.realWorldFixedPoints++;
      }
    }
    console.log(
      `corpus: ${tally.files} files, ${tally.rules} rules, ${tally.warnings} warnings ` +
        `(${tally.noiseLines} noise lines), ${tally.errors} errors; ` +
        `${tally.realWorldFixedPoints}/${tally.realWorld} real-world dumps are already fmt's canonical text`,
    );
  });

  it('finds the corpus', () => {
    expect(files.filter((f) => f.group === 'real-world').length).toBeGreaterThan(100);
    expect(files.filter((f) => f.group === 'save-format').length).toBeGreaterThan(5);
  });

  describe.each(files.map((f) => [`${f.group}/${f.name}`, f] as const))('%s', (name, file) => {
    it('reads to the same AST and diagnostics when its chains are read on demand (deferRules)', () => {
      const { text, result } = parsed(file);
      const deferred = parseRuleset(text, { file: file.name, deferRules: true });
      deferred.deferred?.readAll();
      expect(JSON.stringify(deferred.ruleset)).toBe(JSON.stringify(result.ruleset));
      const key = (d: Diagnostic): string => `${d.span.offset}:${d.span.length} ${show(d)}`;
      expect([...deferred.diagnostics, ...(deferred.deferred?.diagnostics() ?? [])].map(key).sort()).toEqual(result.diagnostics.map(key).sort());
    });

    const refusal = KERNEL_REFUSED.get(name);
    if (refusal?.netfate === 'error' || refusal?.netfateLine !== undefined) {
      const line = refusal.netfateLine ?? refusal.line;
      it(`reports an error on line ${line}, where the text is refused (${refusal.kernel})`, () => {
        const errors = parsed(file).result.diagnostics.filter((d) => d.severity === 'error');
        expect(errors.filter((d) => d.span.line === line).map(show), errors.slice(0, 3).map(show).join('\n')).not.toEqual([]);
      });
      // Rules on refused lines are dropped, so counting and formatting them says nothing more.
      return;
    }

    it('parses without errors', () => {
      const errors = parsed(file).result.diagnostics.filter((d) => d.severity === 'error').map(show);
      expect(errors).toEqual([]);
    });

    it('has one rule per kernel rule of its -A lines', () => {
      const { text, rules } = parsed(file);
      const expected = text.split(/\r?\n/).reduce((n, line) => n + kernelRulesOfLine(line), 0);
      expect(rules).toBe(expected);
    });

    it('warns about every line that is not ruleset text, at that line', () => {
      const { text, result } = parsed(file);
      const warned = new Set(result.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.span.line));
      const unwarned = text
        .split(/\r?\n/)
        .map((line, i) => ({ line, number: i + 1 }))
        .filter(({ line, number }) => !isRulesetLine(line) && !warned.has(number))
        .map(({ line, number }) => `${number}: ${line}`);
      expect(unwarned).toEqual([]);
    });

    it('formats idempotently', () => {
      const { result } = parsed(file);
      const once = formatRuleset(result.ruleset);
      const family = result.ruleset.tables[0]?.family;
      const again = parseRuleset(once, { file: `fmt(${file.name})`, family });
      // fmt keeps what it could not read verbatim, so only clean input must give clean output.
      if (!result.diagnostics.some((d) => d.severity === 'error')) {
        expect(again.diagnostics.filter((d) => d.severity === 'error').map(show)).toEqual([]);
      }
      expect(formatRuleset(again.ruleset)).toBe(once);
    });

    if (isOracle(file)) {
      it('formats to itself (upstream round-trip oracle)', () => {
        const { text, result } = parsed(file);
        expect(formatRuleset(result.ruleset)).toBe(withoutCommentsOrBlanks(text));
      });
    }
  });
});
