/**
 * Replays every kernel fixture (test/kernel/fixtures/*.json, recorded by the differential
 * kernel suite) with evaluatePacket: no root, no kernel. Each fixture holds a ruleset, the lab's
 * host model, a packet and what the kernel did with it; netfate must say the same.
 *
 * A fixture with `netfateDisagreed` records a known evaluator bug: the replay expects the
 * disagreement (it.fails), so fixing the bug makes this test fail until the field is removed.
 */
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';
import { answerOf, differences } from '../kernel/differential/model.js';
import { readFixtures } from '../kernel/differential/fixtures.js';

const fixtures = readFixtures();

describe('kernel fixtures', () => {
  it('there are fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  for (const f of fixtures) {
    const replay = (): void => {
      const { ruleset, diagnostics } = parseRuleset(f.ruleset);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const netfate = answerOf(evaluatePacket(ruleset, f.packet, { host: f.host }));
      expect(differences(f.kernel, netfate), f.description).toEqual([]);
    };
    if (f.netfateDisagreed) it.fails(`${f.name} (known bug: ${f.netfateDisagreed.join('; ')})`, replay);
    else it(`${f.name}: ${f.description}`, replay);
  }
});
