/**
 * Lints every real-world ruleset of the shared corpus: no rule may crash, and every finding must
 * point at a file and a line. Prints counts per id and severity for the precision review.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { lintRuleset } from '../../src/lint/run.js';
import type { Finding } from '../../src/lint/rule.js';
import { SHARED, requireShared } from '../helpers/shared.js';

const haveShared = requireShared();
const dir = join(SHARED, 'corpus/real-world');
const files = haveShared ? readdirSync(dir).filter((f) => f.endsWith('.save')).sort() : [];
const all: Finding[] = [];
const slow: string[] = [];

describe.skipIf(!haveShared)('lint over the real-world corpus', () => {
  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  for (const name of files) {
    it(name, () => {
      const { ruleset } = parseRuleset(readFileSync(join(dir, name), 'utf8'), { file: name });
      const started = performance.now();
      const findings = lintRuleset(ruleset);
      const ms = performance.now() - started;
      if (ms > 1000) slow.push(`${name}: ${Math.round(ms)} ms`);
      for (const f of findings) {
        expect(f.file).toBe(name);
        expect(f.line).toBeGreaterThanOrEqual(1);
        expect(f.column).toBeGreaterThanOrEqual(1);
      }
      all.push(...findings);
    });
  }

  afterAll(() => {
    const counts = new Map<string, number>();
    for (const f of all) counts.set(`${f.id} ${f.severity}`, (counts.get(`${f.id} ${f.severity}`) ?? 0) + 1);
    const lines = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `  ${k}: ${n}`);
    console.log(`lint corpus: ${files.length} files, ${all.length} findings\n${lines.join('\n')}${slow.length ? `\nslow:\n  ${slow.join('\n  ')}` : ''}`);
  });
});
