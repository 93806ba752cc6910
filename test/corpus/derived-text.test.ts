/**
 * The corpus's derived/*.txt files are not rulesets but tool output that quotes them (fffuu's
 * golden outputs with its own `ParsedMatch` dumps) and IP-assignment files. What people paste is
 * often like this: netfate must read them without crashing, and say where it stopped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { requireShared, SHARED } from '../helpers/shared.js';

const haveShared = requireShared();
const dir = join(SHARED, 'corpus/real-world/derived');
const files = haveShared ? readdirSync(dir).filter((f) => f.endsWith('.txt')).sort() : [];

describe.skipIf(!haveShared)('derived tool output', () => {
  it('finds the files', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.each(files)('%s: read without crashing; every line it does not take is reported', (name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    const { ruleset, diagnostics } = parseRuleset(text, { file: name });
    const reported = new Set(diagnostics.map((d) => d.span.line));
    const ruleLines = new Set(ruleset.tables.flatMap((t) => t.chains.flatMap((c) => [c.span.line, ...c.rules.map((r) => r.span.line)])));
    const lines = text.split(/\r?\n/);
    const silent = lines
      .map((l, i) => ({ l, n: i + 1 }))
      .filter(({ l, n }) => /^-[AINP] /.test(l) && !reported.has(n) && !ruleLines.has(n));
    expect(silent.map(({ n }) => n)).toEqual([]);
    if (name.startsWith('fffuu_ipassmt')) expect(ruleset.tables).toEqual([]);
  });
});
