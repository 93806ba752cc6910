/**
 * parseRuleset with deferRules: chains read when their rules are first asked for must give the
 * AST and diagnostics an eager parse gives, whatever the order of the lines.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseRuleset } from '../../src/ast/parse.js';
import { growingRules, unreadLinesOf } from '../../src/ast/deferred.js';
import type { Diagnostic, ParseResult } from '../../src/ast/types.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';
import { generateKubeProxy } from '../../rulesets/gen/kube-proxy.js';
import { REPO_ROOT } from '../helpers/shared.js';

const key = (d: Diagnostic): string => `${d.span.offset}:${d.span.length} ${d.severity} ${d.message}`;

/** Reads every deferred chain, then gives the ruleset's JSON and every diagnostic, sorted. */
function settled(result: ParseResult): { ast: string; diagnostics: string[] } {
  result.deferred?.readAll();
  return {
    ast: JSON.stringify(result.ruleset),
    diagnostics: [...result.diagnostics, ...(result.deferred?.diagnostics() ?? [])].map(key).sort(),
  };
}

function expectSameAsEager(text: string, file = 'x.save'): ParseResult {
  const eager = parseRuleset(text, { file });
  const deferred = parseRuleset(text, { file, deferRules: true });
  expect(eager.deferred).toBeUndefined();
  const lazy = settled(deferred);
  expect(lazy.ast).toBe(JSON.stringify(eager.ruleset));
  expect(lazy.diagnostics).toEqual(eager.diagnostics.map(key).sort());
  expect(deferred.deferred?.unreadLines() ?? 0).toBe(0);
  return deferred;
}

const bundled = (): string[] => {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.save')) out.push(join(dir, e.name));
    }
  };
  walk(join(REPO_ROOT, 'rulesets'));
  return out;
};

describe('parseRuleset with deferRules', () => {
  it.each(bundled().map((f) => [f.slice(REPO_ROOT.length + 1), f]))('reads %s to the same AST and diagnostics as an eager parse', (_name, file) => {
    expectSameAsEager(readFileSync(file, 'utf8'), file);
  });

  it('reads a generated kube-proxy ruleset to the same AST, and leaves its chains unread until asked', () => {
    const text = generateKubeProxy({ services: 150, seed: 3 });
    const result = parseRuleset(text, { file: 'kp.save', deferRules: true });
    const rules = text.split('\n').filter((l) => l.startsWith('-A ')).length;
    expect(result.deferred!.unreadLines()).toBe(rules);
    const nat = result.ruleset.tables.find((t) => t.name === 'nat')!;
    const services = nat.chains.find((c) => c.name === 'KUBE-SERVICES')!;
    expect(unreadLinesOf(nat, services)).toBeGreaterThan(100);
    expect(services.rules.length).toBe(text.split('\n').filter((l) => l.startsWith('-A KUBE-SERVICES ') && text.indexOf(l) > text.indexOf('*nat')).length);
    expect(unreadLinesOf(nat, services)).toBeUndefined();
    expect(services.rules.map((r) => r.number)).toEqual(services.rules.map((_, i) => i + 1));
    expect(result.deferred!.unreadLines()).toBe(rules - services.rules.length);
    expectSameAsEager(text);
  });

  it('keeps the order and the chain set of lines written around other commands', () => {
    const text = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':A - [0:0]',
      '-A A -p tcp --dport 1 -j ACCEPT',
      '-A INPUT -j A',
      // A rule naming a chain declared after it: it must not see the chain, as when read at once.
      '-A INPUT -j B',
      ':B - [0:0]',
      '-I A 1 -p tcp --dport 2 -j DROP',
      '-A A -p tcp --dport 3 -j ACCEPT',
      '-N C',
      '-A C -s 10.0.0.1,10.0.0.2 -j RETURN',
      '[5:300] -A A -j C',
      '-A "A" -p udp -j ACCEPT',
      '-A A -p tcp --dport 4 -j ACCEPT',
      '-A NOPE -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    const result = expectSameAsEager(text);
    const a = result.ruleset.tables[0].chains.find((c) => c.name === 'A')!;
    expect(a.rules.map((r) => r.text)).toEqual([
      '-I A 1 -p tcp --dport 2 -j DROP',
      '-A A -p tcp --dport 1 -j ACCEPT',
      '-A A -p tcp --dport 3 -j ACCEPT',
      '[5:300] -A A -j C',
      '-A "A" -p udp -j ACCEPT',
      '-A A -p tcp --dport 4 -j ACCEPT',
    ]);
    expect(result.ruleset.tables[0].chains.find((c) => c.name === 'C')!.rules).toHaveLength(2);
  });

  it('numbers a chain read a line at a time as the eager parse does, the rules an -I moved included', () => {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n:X - [0:0]\n-A X -p tcp -j ACCEPT\n-I X 1 -p udp -j DROP\n-A X -j RETURN\n-A X -j DROP\nCOMMIT\n';
    const table = parseRuleset(text, { file: 'x.save', deferRules: true }).ruleset.tables[0];
    const growing = growingRules(table, table.chains.find((c) => c.name === 'X')!)!;
    expect(growing.rules.map((r) => `${r.number} ${r.text}`)).toEqual(['1 -I X 1 -p udp -j DROP', '2 -A X -p tcp -j ACCEPT']);
    while (growing.more());
    expect(growing.rules.map((r) => r.number)).toEqual([1, 2, 3, 4]);
    expectSameAsEager(text);
  });

  it('reports a bad rule of a deferred chain when the chain is read, and keeps it verbatim', () => {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n:X - [0:0]\n-A X -s 10.0.0.300 -j ACCEPT\n-A INPUT -j ACCEPT\nCOMMIT\n';
    const result = parseRuleset(text, { file: 'bad.save', deferRules: true });
    expect(result.diagnostics).toEqual([]);
    const filter = result.ruleset.tables[0];
    expect(filter.chains.find((c) => c.name === 'INPUT')!.rules).toHaveLength(1);
    expect(result.deferred!.diagnostics()).toEqual([]);
    const x = filter.chains.find((c) => c.name === 'X')!;
    expect(x.rules[0].invalid).toBe(true);
    expect(result.deferred!.diagnostics().map((d) => `${d.span.line}:${d.span.column} ${d.message}`)).toEqual(["4:9 host/network `10.0.0.300' not found"]);
    expectSameAsEager(text);
  });

  it('gives the same trace as an eager parse, reading only the chains the packet reaches', () => {
    const text = generateKubeProxy({ services: 150, seed: 3 });
    const portal = /^-A KUBE-SERVICES -d (\S+)\/32 -p tcp .* --dport (\d+) -j KUBE-SVC-/m.exec(text.slice(text.indexOf('*nat')))!;
    const packet = { family: 4 as const, in: 'eth0', src: '192.0.2.7', dst: portal[1], proto: 6, sport: 40000, dport: Number(portal[2]), state: 'NEW' as const, ctDir: 'ORIGINAL' as const, mark: 0, length: 60, ttl: 64 };
    const lazy = parseRuleset(text, { file: 'kp.save', deferRules: true });
    const trace = evaluatePacket(lazy.ruleset, packet);
    expect(JSON.stringify(trace)).toBe(JSON.stringify(evaluatePacket(parseRuleset(text, { file: 'kp.save' }).ruleset, packet)));
    const total = text.split('\n').filter((l) => l.startsWith('-A ')).length;
    expect(lazy.deferred!.unreadLines()).toBeGreaterThan(total / 2);
  });
});
