/**
 * Every real-world `iptables -L` listing of ../shared/corpus parses without errors, gives one rule
 * per rule row, and — where the corpus has the same ruleset as an iptables-save file taken at the
 * same time — the same rules as the save file. Figures (rules, warnings by kind, rows fully
 * mapped) are printed at the end.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listingToAst } from '../../src/ast/from-listing.js';
import { parseRuleset } from '../../src/ast/parse.js';
import { formatRuleBody } from '../../src/ast/print-save.js';
import type { Rule, Table } from '../../src/ast/types.js';
import { requireShared, SHARED } from '../helpers/shared.js';

const DIRS = ['corpus/real-world', 'corpus/real-world/derived'];

function listings(): { name: string; path: string }[] {
  if (!requireShared()) return [];
  return DIRS.flatMap((d) => {
    const dir = join(SHARED, d);
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.list')).sort().map((f) => ({ name: f, path: join(dir, f) })) : [];
  });
}

/** Rule rows counted from the text alone: non-blank lines under a column header, up to the next blank line. */
function countRows(text: string): number {
  let inChain = false;
  let rows = 0;
  for (const line of text.split(/\r?\n|\r/)) {
    if (/^\s*(?:num\s+)?(?:pkts\s+bytes\s+)?target\s+prot\s+opt\b/.test(line)) inChain = true;
    else if (line.trim() === '' || line.startsWith('Chain ')) inChain = false;
    else if (inChain && !/[$#]\s*(?:sudo\s+)?ip6?tables/.test(line)) rows++;
  }
  return rows;
}

/** The save file of the same ruleset: `X__iptables-Lnv-STAMP.list` <-> `X__iptables-save-STAMP.save`. */
function pairedSave(name: string): string | null {
  const m = /^(.*__ip6?tables)[-_]Ln?v?[-_](.*)\.list$/.exec(name);
  if (!m) return null;
  for (const candidate of [`${m[1]}-save-${m[2]}.save`, `${m[1]}_${m[2]}.save`]) {
    const path = join(SHARED, 'corpus/real-world', candidate);
    if (existsSync(path)) return path;
  }
  return null;
}

const figures = {
  files: 0,
  rules: 0,
  mapped: 0,
  warnings: new Map<string, number>(),
  paired: { files: 0, rules: 0, same: 0, skipped: 0 },
};

function warningKind(message: string): string {
  return message.replace(/[`'"(:].*$/, '').trim();
}

function comparableBody(rule: Rule, table: Table, interfaces: boolean): string {
  let body = formatRuleBody(rule, table.family);
  if (!interfaces) body = body.replace(/(?:^| )(?:! )?-[io] \S+/g, '').trim();
  return body;
}

describe('real-world listings', () => {
  const files = listings();
  it.skipIf(files.length > 0)('needs ../shared', () => undefined);

  for (const { name, path } of files) {
    it(name, () => {
      const text = readFileSync(path, 'utf8');
      const { tables, diagnostics } = listingToAst(text, { file: name });
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const rules = tables.flatMap((t) => t.chains.flatMap((c) => c.rules));
      expect(rules.length).toBe(countRows(text));
      figures.files++;
      figures.rules += rules.length;
      figures.mapped += rules.filter((r) => r.unparsed === undefined && !r.lost?.includes('matches')).length;
      for (const d of diagnostics) {
        const kind = warningKind(d.message);
        figures.warnings.set(kind, (figures.warnings.get(kind) ?? 0) + 1);
      }

      const savePath = pairedSave(name);
      if (!savePath) return;
      const saved = parseRuleset(readFileSync(savePath, 'utf8'), { file: savePath });
      const listed = tables[0];
      const filter = saved.ruleset.tables.find((t) => t.name === listed.name && t.family === listed.family);
      if (!filter) return;
      figures.paired.files++;
      const interfaces = listed.listing?.verbose ?? false;
      let same = 0;
      let total = 0;
      for (const chain of listed.chains) {
        const other = filter.chains.find((c) => c.name === chain.name);
        expect(other, `chain ${chain.name} in ${savePath}`).toBeDefined();
        // The save parser drops rules it refuses (the corpus anonymises MAC addresses as
        // XX:XX:…), which shifts positions: compare only chains both sides read whole.
        if (chain.rules.length !== other!.rules.length) {
          figures.paired.skipped += chain.rules.length;
          continue;
        }
        chain.rules.forEach((rule, i) => {
          if (rule.unparsed !== undefined) return;
          total++;
          if (comparableBody(rule, listed, interfaces) === comparableBody(other!.rules[i], filter, interfaces)) same++;
        });
      }
      figures.paired.rules += total;
      figures.paired.same += same;
    });
  }

  afterAll(() => {
    if (!figures.files) return;
    const pct = (a: number, b: number): string => (b ? ((100 * a) / b).toFixed(1) : '0') + '%';
    const lines = [
      `listing corpus: ${figures.files} files, ${figures.rules} rules, ${pct(figures.mapped, figures.rules)} of rows fully mapped`,
      `paired with a save file: ${figures.paired.files} files, ${figures.paired.same}/${figures.paired.rules} rules identical (${pct(figures.paired.same, figures.paired.rules)}); ${figures.paired.skipped} rules in chains the save parser did not read whole, skipped`,
      'warnings by kind:',
      ...[...figures.warnings].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${String(n).padStart(7)}  ${k}`),
    ];
    console.log(lines.join('\n'));
  });
});
