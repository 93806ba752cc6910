import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { lintRuleset } from '../../src/lint/run.js';
import { formatText } from '../../src/lint/formatters/text.js';
import { formatJson } from '../../src/lint/formatters/json.js';
import { sarifLog } from '../../src/lint/formatters/sarif.js';
import { RULES } from '../../src/lint/rules/index.js';
import { lintRuleset as fromIndex } from '../../src/index.js';
import { filterTable } from './rule-tester.js';

const TEXT = filterTable([
  '-A INPUT -j DROP',
  '-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "netfate-disable ipt/rule-after-terminal, ipt/shadowed-rule" -j ACCEPT',
  '-A INPUT -j NOWHERE',
  '-A INPUT -m comment --comment "\x1b[31mred" -j NOWHERE2',
]);

const ruleset = () => parseRuleset(TEXT, { file: 'host.rules' }).ruleset;

describe('lintRuleset', () => {
  it('is exported from the package entry point', () => {
    expect(fromIndex).toBe(lintRuleset);
  });

  it('applies netfate-disable comments to the ids they name only', () => {
    const ids = lintRuleset(ruleset()).map((f) => `${f.line} ${f.id}`);
    expect(ids).not.toContain('6 ipt/rule-after-terminal');
    expect(ids).not.toContain('6 ipt/shadowed-rule');
    expect(ids).toContain('7 ipt/undefined-target');
  });

  it('applies --rule overrides and sorts by line', () => {
    const findings = lintRuleset(ruleset(), { ruleSeverity: { 'ipt/undefined-target': 'warning', 'ipt/shadowed-rule': 'off' } });
    expect(findings.filter((f) => f.id === 'ipt/undefined-target').map((f) => f.severity)).toEqual(['warning', 'warning']);
    expect(findings.some((f) => f.id === 'ipt/shadowed-rule')).toBe(false);
    expect(findings.map((f) => f.line)).toEqual([...findings.map((f) => f.line)].sort((a, b) => a - b));
  });
});

describe('formatters', () => {
  const findings = lintRuleset(ruleset());

  it('text: file:line:col severity message id, inert, no colour when asked', () => {
    const out = formatText(findings, { color: false });
    expect(out).toContain('host.rules:7:10 error "NOWHERE" is not a chain');
    expect(out).not.toContain('\x1b');
    expect(out).toMatch(/\d+ problems \(\d+ errors?, \d+ warnings?, \d+ info\)\n$/);
    expect(formatText(findings, { color: true })).toContain('\x1b[31merror\x1b[0m');
  });

  it('json: the contract fields only', () => {
    const parsed = JSON.parse(formatJson(findings)) as { findings: Record<string, unknown>[] };
    expect(Object.keys(parsed.findings[0]).sort()).toEqual(['chain', 'column', 'file', 'id', 'line', 'message', 'rule', 'severity', 'table']);
    expect(parsed.findings.find((f) => f.line === 7)).toMatchObject({ id: 'ipt/undefined-target', table: 'filter', chain: 'INPUT', rule: 3 });
  });

  it('sarif: 2.1.0 with rules and located results', () => {
    const log = sarifLog(findings, { rules: RULES, version: '1.2.3' });
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.rules?.map((r) => r.id)).toEqual(RULES.map((r) => r.meta.id));
    for (const r of run.tool.driver.rules ?? []) {
      expect(r.shortDescription?.text).toBeTruthy();
      expect(r.help?.text).toBeTruthy();
      expect(['error', 'warning', 'note']).toContain(r.defaultConfiguration?.level);
    }
    const result = run.results?.find((r) => r.ruleId === 'ipt/undefined-target');
    expect(result?.level).toBe('error');
    expect(result?.locations?.[0].physicalLocation).toEqual({ artifactLocation: { uri: 'host.rules' }, region: { startLine: 7, startColumn: 10 } });
    expect(run.tool.driver.rules?.[result!.ruleIndex!].id).toBe('ipt/undefined-target');
  });
});
