import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { dockerLayouts } from '../../src/lint/docker-era.js';
import { lintRuleset } from '../../src/lint/run.js';
import { REPO_ROOT } from '../helpers/shared.js';

const load = (name: string) => {
  const result = parseRuleset(readFileSync(join(REPO_ROOT, name), 'utf8'), { file: name });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.ruleset;
};

describe('Docker era recognition and the bundled Docker rulesets', () => {
  it.each([
    ['rulesets/docker-20.10.save', '18.05-27'],
    ['rulesets/docker/docker-28.5.save', '28.0.1-28'],
    ['rulesets/docker/docker-29.save', '29'],
  ])('%s is %s', (file, era) => {
    const [layout] = dockerLayouts(load(file));
    expect(layout.era).toBe(era);
  });

  it('reads bridges, subnets, internal networks and published ports (29.x)', () => {
    const [layout] = dockerLayouts(load('rulesets/docker/docker-29.save'));
    expect([...layout.bridges.keys()].sort()).toEqual(['br-5e1c0a7d9b21', 'br-9a8b7c6d5e4f', 'docker0']);
    expect(layout.bridges.get('docker0')?.subnet?.address).toBe('172.17.0.0');
    expect(layout.bridges.get('br-9a8b7c6d5e4f')?.internal).toBe(true);
    expect(layout.published.map((p) => [p.hostPort.from, p.toAddress, p.hostAddress?.value.address ?? null])).toEqual([
      [8080, '172.17.0.2', null],
      [5432, '172.20.0.5', '127.0.0.1'],
    ]);
  });

  it.each(['rulesets/docker/docker-28.5.save', 'rulesets/docker/docker-29.save'])('a clean %s has no warnings or errors', (file) => {
    const findings = lintRuleset(load(file)).filter((f) => f.severity !== 'info');
    expect(findings.map((f) => `${f.line} ${f.id}: ${f.message}`)).toEqual([]);
  });
});
