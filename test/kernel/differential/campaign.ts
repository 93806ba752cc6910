/**
 * A differential campaign: generated rulesets loaded once each into the lab, several packets per
 * ruleset (conntrack and counters reset between packets), every answer compared with netfate's,
 * each disagreement shrunk and saved as a fixture, and coverage counted.
 */
import type { Ruleset } from '../../../src/ast/types.js';
import type { Trace } from '../../../src/eval/types.js';
import { generateCase, generateRuleset, rulesetText, Rng } from './generate.js';
import { hostModel } from './lab.js';
import { answerOf, differences, netfateAnswer, netfateTrace, type LabCase } from './model.js';
import type { KernelLab } from './kernel.js';
import { shrink } from './shrink.js';
import { makeFixture, writeFixture } from './fixtures.js';

export class Coverage {
  readonly counts = new Map<string, Map<string, number>>();
  add(kind: string, key: string): void {
    const m = this.counts.get(kind) ?? new Map<string, number>();
    m.set(key, (m.get(key) ?? 0) + 1);
    this.counts.set(kind, m);
  }
  /** Counts one case: its state, and the tables, targets and match modules of its path. */
  addCase(c: LabCase, ruleset: Ruleset, trace: Trace, kernelVerdict: string): void {
    const untracked = trace.steps.some((s) => s.match === 'yes' && (s.target === 'NOTRACK' || s.target === 'CT'));
    this.add('state', untracked ? 'UNTRACKED' : c.state);
    this.add('origin', c.origin);
    this.add('path', trace.path);
    this.add('verdict', kernelVerdict);
    const tables = new Set<string>();
    const targets = new Set<string>();
    const modules = new Set<string>();
    for (const s of trace.steps) {
      tables.add(s.table);
      if (s.match !== 'yes') continue;
      if (s.target) targets.add(s.target.replace(/:.*/, ''));
      if (s.rule === null) continue;
      const rule = ruleset.tables.find((t) => t.name === s.table)?.chains.find((ch) => ch.name === s.chain)?.rules[s.rule - 1];
      for (const m of rule?.matches ?? []) modules.add(m.module);
    }
    for (const t of tables) this.add('table', t);
    for (const t of targets) this.add('target (matched)', t);
    for (const m of modules) this.add('match module (matched)', m);
  }
  report(): string {
    const lines: string[] = [];
    for (const [kind, m] of [...this.counts.entries()].sort()) {
      lines.push(`  cases per ${kind}: ${[...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    }
    return lines.join('\n');
  }
}

export interface Disagreement {
  readonly fixture: string;
  readonly differences: readonly string[];
  readonly ruleset: string;
  readonly case: LabCase;
}

export interface CampaignResult {
  cases: number;
  agreements: number;
  rulesets: number;
  refusedRulesets: string[];
  counterMismatches: string[];
  disagreements: Disagreement[];
  /** Cases whose first kernel observation disagreed but a second one of the same case agreed. */
  unrepeatable: string[];
  coverage: Coverage;
}

export async function runCampaign(lab: KernelLab, opts: { seed: number; cases: number; packetsPerRuleset: number; maxShrinks: number; log: (s: string) => void }): Promise<CampaignResult> {
  const rng = new Rng(opts.seed);
  const host = hostModel();
  const result: CampaignResult = { cases: 0, agreements: 0, rulesets: 0, refusedRulesets: [], counterMismatches: [], disagreements: [], unrepeatable: [], coverage: new Coverage() };
  // One fixture per kind of difference is enough; more of the same only slows the run.
  const seenKinds = new Set<string>();
  const shrunkTexts = new Set<string>();
  while (result.cases < opts.cases) {
    const gen = generateRuleset(rng);
    const text = rulesetText(gen);
    const refused = lab.load(text);
    result.rulesets++;
    if (refused) {
      result.refusedRulesets.push(refused.split('\n')[0]);
      continue;
    }
    for (let i = 0; i < opts.packetsPerRuleset && result.cases < opts.cases; i++) {
      const c = generateCase(rng);
      let kernel = await lab.ask(c);
      const { ruleset, trace } = netfateTrace(text, host, c);
      let diff = differences(kernel, answerOf(trace));
      result.cases++;
      if (diff.length || kernel.counterMismatches.length) {
        // Ask the kernel once more: an observation that does not repeat (a trace event lost or
        // doubled, a capture missed under load) is reported, not taken as netfate's error.
        const again = await lab.ask(c);
        const diffAgain = differences(again, answerOf(trace));
        if (!diffAgain.length && !again.counterMismatches.length) {
          result.unrepeatable.push(`case ${result.cases}: ${[...diff, ...kernel.counterMismatches].join('; ')}`);
        }
        kernel = again;
        diff = diffAgain;
      }
      if (kernel.counterMismatches.length) result.counterMismatches.push(`case ${result.cases}: ${kernel.counterMismatches.join('; ')}`);
      if (!diff.length) {
        result.agreements++;
        result.coverage.addCase(c, ruleset, trace, kernel.verdict);
        continue;
      }
      const kind = diff.map((d) => d.split(':')[0]).join('+') + ` ${c.origin} ${c.state}`;
      if (seenKinds.has(kind) || seenKinds.size >= opts.maxShrinks) {
        result.disagreements.push({ fixture: '(same kind as an earlier one)', differences: diff, ruleset: text, case: c });
        continue;
      }
      seenKinds.add(kind);
      // The shrunk ruleset must show the same kind of disagreement, not drift to another one.
      const signature = (d: readonly string[]): string => d.map((x) => x.split(':')[0]).join('+');
      const wanted = signature(diff);
      const small = await shrink(gen, async (candidate) => {
        if (lab.load(candidate) !== null) return false;
        const k = await lab.ask(c);
        const d = differences(k, netfateAnswer(candidate, host, c));
        return d.length > 0 && signature(d) === wanted && k.verdict === kernel.verdict;
      });
      const smallText = rulesetText(small);
      if (shrunkTexts.has(smallText + JSON.stringify(c.origin))) {
        result.disagreements.push({ fixture: '(shrinks to an earlier fixture)', differences: diff, ruleset: text, case: c });
        lab.load(text);
        continue;
      }
      shrunkTexts.add(smallText + JSON.stringify(c.origin));
      lab.load(smallText);
      const kernelSmall = await lab.ask(c);
      const diffSmall = differences(kernelSmall, netfateAnswer(smallText, host, c));
      const name = `generated-${opts.seed}-${result.cases}`;
      const file = writeFixture(makeFixture(name, `shrunk generated disagreement (${diffSmall.join('; ')})`, smallText, c, kernelSmall, diffSmall));
      opts.log(`disagreement at case ${result.cases}, saved ${file}:\n  ${diffSmall.join('\n  ')}\n${smallText}`);
      result.disagreements.push({ fixture: file, differences: diffSmall, ruleset: smallText, case: c });
      // The shrinker left another ruleset loaded: put this one back for its remaining packets.
      lab.load(text);
    }
  }
  return result;
}
