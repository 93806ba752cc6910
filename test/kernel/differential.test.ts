/**
 * Differential test: netfate's evaluatePacket against the Linux kernel itself.
 *
 * A lab of network namespaces (client -- router -- server, plus a bridge with two containers)
 * gets each ruleset unchanged on the router; one crafted packet at a time is injected and the
 * kernel's answer (nft trace, rule counters, where the packet arrived and with which addresses)
 * is compared with netfate's for the same ruleset, host model (derived from the lab) and packet.
 * See test/kernel/differential/.
 *
 * Hand-written cases first (a Docker-like router, every conntrack state), then generated ones:
 * NETFATE_DIFF_CASES of them (default 200 locally, 2000 with CI=true) from NETFATE_DIFF_SEED.
 * A disagreement is shrunk and saved in test/kernel/fixtures/ for the root-free replay test.
 *
 * Needs root, iproute2, iptables (nft backend), nftables, conntrack, python3: skipped without
 * them, failed without them in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelUnavailableReason } from '../../bench/netns.js';
import { hostModel, labUnavailableReason } from './differential/lab.js';
import { KernelLab } from './differential/kernel.js';
import { HANDWRITTEN } from './differential/handwritten.js';
import { differences, netfateAnswer } from './differential/model.js';
import { runCampaign } from './differential/campaign.js';

const inCI = process.env.CI === 'true';
const unavailable = kernelUnavailableReason() ?? labUnavailableReason();
const CASES = Number(process.env.NETFATE_DIFF_CASES ?? (inCI ? 2000 : 200));
const SEED = Number(process.env.NETFATE_DIFF_SEED ?? 20261123);

describe.skipIf(unavailable !== null && !inCI)('differential: netfate against the kernel', () => {
  let lab: KernelLab | undefined;

  beforeAll(async () => {
    if (unavailable !== null) throw new Error(`the kernel cannot be asked here (CI=true): ${unavailable}`);
    lab = await KernelLab.start();
  }, 60_000);

  afterAll(() => lab?.dispose());

  for (const set of HANDWRITTEN) {
    describe(set.name, () => {
      beforeAll(() => {
        const refused = lab!.load(set.ruleset);
        if (refused) throw new Error(`the kernel refuses the ${set.name} ruleset: ${refused}`);
      });
      for (const { name, case: c } of set.cases) {
        it(name, async () => {
          const expected = netfateAnswer(set.ruleset, hostModel(), c);
          let kernel = await lab!.ask(c);
          // As in the campaign: an observation that does not repeat is asked once more.
          if (kernel.counterMismatches.length || differences(kernel, expected).length) kernel = await lab!.ask(c);
          expect(kernel.counterMismatches, 'rule counters disagree with the nft trace').toEqual([]);
          // Something must have been observed: a case the kernel never traced proves nothing.
          expect(kernel.trace.length, 'no trace of the packet').toBeGreaterThan(0);
          const diff = differences(kernel, expected);
          expect(diff, `kernel trace:\n${kernel.trace.join('\n')}`).toEqual([]);
        });
      }
    });
  }

  it(`${CASES} generated cases agree with the kernel (seed ${SEED})`, async () => {
    const started = Date.now();
    const result = await runCampaign(lab!, { seed: SEED, cases: CASES, packetsPerRuleset: 8, maxShrinks: 6, log: (s) => console.log(s) });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      [
        `differential: ${result.cases} cases over ${result.rulesets} rulesets in ${seconds}s (seed ${SEED}): ` +
          `${result.agreements} agree, ${result.disagreements.length} disagree, ${result.refusedRulesets.length} rulesets refused by the kernel, ` +
          `${result.unrepeatable.length} kernel observations did not repeat (asked again, then agreed)`,
        ...result.unrepeatable.map((u) => `  unrepeatable: ${u}`),
        'coverage (agreeing cases):',
        result.coverage.report(),
      ].join('\n'),
    );
    expect(result.cases).toBe(CASES);
    // A ruleset the kernel refuses is a generator bug: it would silently shrink the campaign.
    expect(result.refusedRulesets).toEqual([]);
    expect(result.counterMismatches).toEqual([]);
    // A few unrepeatable observations are the lab's noise; many would mean the harness is broken.
    expect(result.unrepeatable.length, result.unrepeatable.join('\n')).toBeLessThanOrEqual(Math.ceil(CASES / 200));
    expect(
      result.disagreements.map((d) => `${d.fixture}: ${d.differences.join('; ')}`),
      'netfate disagrees with the kernel (shrunk fixtures saved in test/kernel/fixtures/)',
    ).toEqual([]);
  }, 60 * 60_000);
});
