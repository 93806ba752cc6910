/**
 * Replays iptables' own extension test vectors (../shared/conformance/iptables-t/*.t):
 * every OK rule must print exactly as iptables-save prints it, every FAIL rule must be refused.
 * Set IPT_T=name (substring of the file name) to run a subset.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, afterAll } from 'vitest';
import { parseSingleRule } from '../../src/ast/single-rule.js';
import { requireShared, SHARED } from '../helpers/shared.js';
import type { Family } from '../../src/ast/types.js';
import { KNOWN_KERNEL_ONLY } from './iptables-t.exceptions.js';

interface Vector {
  file: string;
  line: number;
  family: Family;
  table: string;
  chain: string;
  rule: string;
  saved: string;
  result: 'OK' | 'FAIL' | 'NOMATCH';
}

function load(): Vector[] {
  const dir = join(SHARED, 'conformance/iptables-t');
  const out: Vector[] = [];
  const filter = process.env.IPT_T;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.t')).sort()) {
    if (filter && !file.includes(filter)) continue;
    const families: Family[] = file.startsWith('libip6t_') ? [6] : file.startsWith('libxt_') ? [4, 6] : [4];
    let table = 'filter';
    let chains: string[] = [];
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    lines.forEach((raw, idx) => {
      const line = raw.trimEnd();
      if (!line || line.startsWith('#') || line.startsWith('@') || line.startsWith('%')) return;
      if (line.startsWith(':')) {
        chains = line.slice(1).split(',');
        return;
      }
      if (line.startsWith('*')) {
        table = line.slice(1);
        return;
      }
      const [rule, savedField, result, variant, alt] = line.split(';');
      // Backend-specific lines: we model the nft backend (what current distributions ship).
      let effective = result as Vector['result'];
      if (variant === 'LEGACY') {
        effective = alt === 'OK' || alt === 'FAIL' || alt === 'NOMATCH' ? alt : alt === '=' ? 'NOMATCH' : result === 'OK' ? 'FAIL' : result === 'FAIL' ? 'OK' : 'OK';
      }
      const saved = savedField === '=' ? rule : savedField;
      for (const family of families) {
        for (const chain of chains) {
          out.push({ file, line: idx + 1, family, table, chain, rule, saved, result: effective });
        }
      }
    });
  }
  return out;
}

const haveShared = requireShared();
const vectors = haveShared ? load() : [];
const tally = { ok: 0, okPass: 0, fail: 0, failPass: 0 };

describe.skipIf(!haveShared)('iptables extension test vectors', () => {
  it.each(vectors.map((v) => [`${v.file}:${v.line} v${v.family} ${v.table}/${v.chain}: ${v.rule}`, v] as const))('%s', (_name, v) => {
    const exception = KNOWN_KERNEL_ONLY.get(`${v.file}:${v.line}`);
    const result = parseSingleRule(v.rule, { family: v.family, table: v.table, chain: v.chain });
    const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    if (v.result === 'FAIL') {
      tally.fail++;
      if (exception) {
        // Refused only by the kernel (e.g. a module or helper missing there): documented, not parsed away.
        expect(exception.length).toBeGreaterThan(0);
        tally.failPass++;
        return;
      }
      expect(result.saved, `should be refused: ${v.rule}`).toEqual([]);
      tally.failPass++;
      return;
    }
    if (v.result === 'NOMATCH') {
      expect(errors).toEqual([]);
      expect(result.saved).not.toContain(v.saved);
      return;
    }
    tally.ok++;
    expect(errors).toEqual([]);
    expect(result.saved.join('\n')).toBe(v.saved);
    tally.okPass++;
  });
});

afterAll(() => {
  if (!vectors.length) return;
  const pct = (a: number, b: number): string => (b ? ((100 * a) / b).toFixed(1) : '100.0');
  console.log(
    `iptables-t: OK rules printed as iptables-save does: ${tally.okPass}/${tally.ok} (${pct(tally.okPass, tally.ok)}%); ` +
      `FAIL rules refused: ${tally.failPass}/${tally.fail} (${pct(tally.failPass, tally.fail)}%)`,
  );
});
