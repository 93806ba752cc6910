/**
 * ESLint's checkRuleFiles: every registered rule has a test file and a doc page with the required
 * sections, ids are unique and match file names, and every rule file is registered.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/lint/rules/index.js';
import { REPO_ROOT } from '../helpers/shared.js';

const RULES_DIR = join(REPO_ROOT, 'src/lint/rules');
const SECTIONS = ['## Problem', '## Example', '## Fix', '## Why', '## Exceptions'];

function ruleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? ruleFiles(join(dir, e.name)) : e.name.endsWith('.ts') && e.name !== 'index.ts' ? [join(dir, e.name)] : [],
  );
}

describe('lint rule registry', () => {
  it('ids are unique', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every file in src/lint/rules is registered under the id its path names', () => {
    const fromFiles = ruleFiles(RULES_DIR).map((f) => relative(RULES_DIR, f).replace(/\.ts$/, '').split('\\').join('/')).sort();
    expect(RULES.map((r) => r.meta.id).sort()).toEqual(fromFiles);
  });

  it('ids are family-prefixed slugs', () => {
    for (const r of RULES) expect(r.meta.id).toMatch(/^(ipt|docker)\/[a-z0-9-]+$/);
  });

  for (const r of RULES) {
    describe(r.meta.id, () => {
      it('has a test file', () => {
        expect(existsSync(join(REPO_ROOT, 'test/lint/rules', `${r.meta.id}.test.ts`))).toBe(true);
      });
      it('has a doc page with Problem / Example / Fix / Why / Exceptions, in that order', () => {
        expect(r.meta.docs).toBe(`docs/rules/${r.meta.id}.md`);
        const page = readFileSync(join(REPO_ROOT, r.meta.docs), 'utf8');
        const at = SECTIONS.map((s) => page.indexOf(`\n${s}\n`));
        expect(at.every((i) => i >= 0)).toBe(true);
        expect([...at].sort((a, b) => a - b)).toEqual(at);
      });
      it('is listed in the README rule table with its severity', () => {
        const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
        expect(readme).toContain(`| [\`${r.meta.id}\`](docs/rules/${r.meta.id}.md) | ${r.meta.severity} |`);
      });
      it('has a description and at least one message', () => {
        expect(r.meta.description.length).toBeGreaterThan(10);
        expect(Object.keys(r.meta.messages).length).toBeGreaterThan(0);
      });
    });
  }
});
