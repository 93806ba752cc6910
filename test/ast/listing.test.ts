/**
 * `iptables -L` listings -> AST. The listings in rulesets/listings/ were printed by iptables 1.8.9
 * (nf_tables) from docker-host.save, loaded in a private network namespace, with several flag
 * combinations; each must give the same AST as the save file, modulo what the flags hide.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRuleset, detectFormat } from '../../src/ast/parse.js';
import { listingToAst } from '../../src/ast/from-listing.js';
import { formatTable } from '../../src/ast/print-save.js';
import type { Table } from '../../src/ast/types.js';
import { REPO_ROOT } from '../helpers/shared.js';

const DIR = join(REPO_ROOT, 'rulesets/listings');
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8');

const saved = parseRuleset(read('docker-host.save'), { file: 'docker-host.save' });
const savedTable = (name: string): Table => saved.ruleset.tables.find((t) => t.name === name)!;

/** The save text of a table with what a listing of these flags cannot say taken out. */
function comparable(table: Table, keep: { counters: boolean; interfaces: boolean }): string {
  let text = formatTable(table);
  if (!keep.counters) text = text.replace(/^\[\d+:\d+\] /gm, '').replace(/ \[\d+:\d+\]$/gm, ' [0:0]');
  if (!keep.interfaces) text = text.replace(/ (?:! )?-[io] \S+/g, '');
  return text;
}

describe('listings of the Docker host ruleset', () => {
  const cases = [
    { file: 'docker-host.filter.Ln.txt', table: 'filter', verbose: false, numeric: true, exact: false },
    { file: 'docker-host.filter.Lv.txt', table: 'filter', verbose: true, numeric: false, exact: false },
    { file: 'docker-host.filter.Lnvx-line-numbers.txt', table: 'filter', verbose: true, numeric: true, exact: true },
    { file: 'docker-host.nat.Lnvx-line-numbers.txt', table: 'nat', verbose: true, numeric: true, exact: true },
    { file: 'docker-host.nat.L.txt', table: 'nat', verbose: false, numeric: false, exact: false },
  ];
  for (const c of cases) {
    it(`${c.file} gives the save file's ${c.table} table`, () => {
      const text = read(c.file);
      expect(detectFormat(text)).toBe('listing');
      const { tables, diagnostics } = listingToAst(text, { file: c.file });
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(tables).toHaveLength(1);
      const table = tables[0];
      expect(table.name).toBe(c.table);
      expect(table.listing).toMatchObject({ verbose: c.verbose, numeric: c.numeric, exact: c.exact });
      const keep = { counters: c.exact, interfaces: c.verbose };
      expect(comparable(table, keep)).toBe(comparable(savedTable(c.table), keep));
      // Nothing was left unread.
      const rules = table.chains.flatMap((ch) => ch.rules);
      expect(rules.filter((r) => r.unparsed !== undefined)).toEqual([]);
      if (!c.verbose) expect(rules.every((r) => r.lost?.includes('inInterface'))).toBe(true);
    });
  }

  it('reads a transcript with two prompts as two tables', () => {
    const text = read('docker-host.transcript.txt');
    const { ruleset, diagnostics } = parseRuleset(text, { file: 'docker-host.transcript.txt' });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ruleset.tables.map((t) => t.name)).toEqual(['filter', 'nat']);
    for (const table of ruleset.tables) {
      // The prompt line is the table's span.
      expect(text.split('\n')[table.span.line - 1]).toMatch(/^root@docker-host:~# iptables -t \w+ -L -n -v$/);
      expect(comparable(table, { counters: false, interfaces: true })).toBe(comparable(savedTable(table.name), { counters: false, interfaces: true }));
    }
  });

  it('keeps spans, counters and references', () => {
    const text = read('docker-host.filter.Lnvx-line-numbers.txt');
    const { tables } = listingToAst(text, { file: 'x' });
    const input = tables[0].chains.find((c) => c.name === 'INPUT')!;
    expect(input.policy).toBe('DROP');
    expect(input.counters).toEqual({ packets: 123456, bytes: 98765432, exact: true });
    expect(text.split('\n')[input.span.line - 1]).toMatch(/^Chain INPUT \(policy DROP/);
    const rule = input.rules[0];
    expect(rule.number).toBe(1);
    expect(rule.counters).toEqual({ packets: 5000000, bytes: 7000000000, exact: true });
    expect(text.slice(rule.span.offset, rule.span.offset + rule.span.length)).toBe(rule.text);
    expect(tables[0].chains.find((c) => c.name === 'DOCKER-ISOLATION-STAGE-2')!.references).toBe(2);
  });
});

describe('listing details', () => {
  const header = 'Chain INPUT (policy ACCEPT 528K packets, 79M bytes)\n pkts bytes target     prot opt in     out     source               destination         \n';

  it('reads K/M suffixes as approximate counters', () => {
    const { tables } = listingToAst(header + '55336   83M ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0           \n', { file: 'x', table: 'filter' });
    const chain = tables[0].chains.find((c) => c.name === 'INPUT')!;
    expect(chain.counters).toEqual({ packets: 528000, bytes: 79000000, exact: false });
    expect(chain.rules[0].counters).toEqual({ packets: 55336, bytes: 83000000, exact: false });
  });

  it('records a host name as lost and keeps unknown match text verbatim', () => {
    const row = '    0     0 ACCEPT     tcp  --  any    any     gw.example.org       anywhere             tcp dpt:ssh frobnicate 7\n';
    const { tables, diagnostics } = listingToAst(header + row, { file: 'x', table: 'filter' });
    const rule = tables[0].chains.find((c) => c.name === 'INPUT')!.rules[0];
    expect(rule.lost).toContain('source');
    expect(rule.unparsed).toBe('frobnicate 7');
    expect(rule.core.source).toBeUndefined();
    expect(diagnostics.filter((d) => d.severity === 'warning').map((d) => d.span.line)).toEqual(expect.arrayContaining([3]));
  });

  it('reads iptables 1.4 run-together tcp flags and an empty target', () => {
    const rows = [
      '    0     0 DROP       tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:22flags: 0x17/0x02 state NEW',
      '    0     0            tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            tcpflags: 0x17/0x02',
    ].join('\n');
    const { tables } = listingToAst(header + rows + '\n', { file: 'x', table: 'filter' });
    const [a, b] = tables[0].chains.find((c) => c.name === 'INPUT')!.rules;
    expect(a.unparsed).toBeUndefined();
    expect(a.matches.map((m) => m.module)).toEqual(['tcp', 'state']);
    expect(b.target).toBeNull();
    expect(b.matches.map((m) => m.module)).toEqual(['tcp']);
  });

  it('infers the table from the builtin chains and warns about prose', () => {
    const text = 'Some notes about the box\nChain PREROUTING (policy ACCEPT)\ntarget     prot opt source               destination         \n\nChain OUTPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n';
    const { tables, diagnostics } = listingToAst(text, { file: 'x' });
    expect(tables[0].name).toBe('raw');
    expect(diagnostics.some((d) => d.severity === 'warning' && d.span.line === 1)).toBe(true);
  });
});
