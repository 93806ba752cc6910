/**
 * The fmt contract, checked against the kernel: for save input, loading fmt's output gives
 * byte-identical `iptables-save` output to loading the original.
 *
 * For every save file (shared corpus, upstream's save-format dumps, this repository's rulesets,
 * and a generated kube-proxy ruleset): restore the original in a fresh network namespace and
 * save; restore netfate's fmt output in another fresh namespace and save; compare (without the
 * dated `#` lines). Files with counters are compared again with `--counters` on both sides.
 * A fresh namespace per load, rather than flushing one: `-F`/`-X` keep policies and (nft backend)
 * empty tables, which would hide a table or policy that fmt lost.
 * Files the kernel refuses are counted and listed with its message, not failed; each must be one
 * of those listed in refused.ts, refused at the line given there (the corpus suite relies on it).
 *
 * Needs root, iproute2 and iptables (nft backend): skipped without them, failed without them in CI.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { formatRuleset } from '../../src/ast/print-save.js';
import { detectFamily } from '../../src/ast/from-save.js';
import type { Family } from '../../src/ast/types.js';
import { kernelUnavailableReason, withNetns } from '../../bench/netns.js';
import { generateKubeProxy } from '../../rulesets/gen/kube-proxy.js';
import { requireShared } from '../helpers/shared.js';
import { projectSaveFiles, realWorldSaveFiles, saveFormatFiles } from './save-files.js';
import { KERNEL_REFUSED, refusedLine } from './refused.js';

interface Input {
  readonly name: string;
  readonly text: () => string;
}

const unavailable = kernelUnavailableReason();
const haveShared = requireShared();

const GENERATED = 'generated/kube-proxy-200.save';
const generated = (): string => generateKubeProxy({ services: 200, seed: 7 });

const inputs: Input[] = [
  ...(haveShared ? [...realWorldSaveFiles(), ...saveFormatFiles()] : []),
  ...projectSaveFiles(),
].map((f) => ({ name: `${f.group}/${f.name}`, text: () => readFileSync(f.path, 'utf8') }));
inputs.push({ name: GENERATED, text: generated });

/** Counters that `iptables-restore --counters` would load: a nonzero chain counter or any rule counter. */
function carriesCounters(text: string): boolean {
  return /^\[\d+:\d+\]\s*-/m.test(text) || /^:\S+ \S+ \[(?!0:0\])\d+:\d+\]/m.test(text);
}

/** `line N: - expected / + actual` for the first line where the two texts differ. */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  - ${a[i] ?? '(end)'}\n  + ${b[i] ?? '(end)'}`;
  }
  return '(identical)';
}

function firstLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(0, n).join(' | ');
}

interface Loaded {
  readonly ok: boolean;
  readonly saved: string;
  readonly message: string;
}

/** Restores `text` in a namespace of its own and returns what iptables-save prints then. */
function load(family: Family, text: string, counters: boolean): Loaded {
  return withNetns('rt', (ns) => {
    const restored = ns.restore(family, text, { counters });
    if (restored.status !== 0) return { ok: false, saved: '', message: restored.stderr || restored.stdout };
    const saved = ns.save(family, { counters });
    if (saved.status !== 0) throw new Error(`iptables-save failed: ${saved.stderr}`);
    return { ok: true, saved: saved.stdout, message: '' };
  });
}

const tally = {
  tried: 0,
  accepted: 0,
  identical: 0,
  refused: [] as string[],
  listedButAccepted: [] as string[],
  differing: [] as string[],
  fmtRefused: [] as string[],
  countersCompared: 0,
};

describe('kernel round trip of fmt', () => {
  it.runIf(unavailable !== null && Boolean(process.env.CI))('has a kernel to ask (required in CI)', () => {
    throw new Error(`kernel suite cannot run: ${unavailable}`);
  });

  describe.skipIf(unavailable !== null)('iptables-restore / iptables-save', () => {
    afterAll(() => {
      const lines = [
        `kernel round trip: ${tally.tried} files tried, ${tally.accepted} accepted by the kernel, ` +
          `${tally.identical} identical after fmt, ${tally.differing.length} differing, ` +
          `${tally.fmtRefused.length} whose fmt output the kernel refused; ` +
          `${tally.countersCompared} also compared with --counters`,
      ];
      if (tally.refused.length) lines.push(`refused by the kernel (${tally.refused.length}):`, ...tally.refused.map((r) => `  ${r}`));
      if (tally.listedButAccepted.length) lines.push('listed in refused.ts but accepted:', ...tally.listedButAccepted.map((r) => `  ${r}`));
      if (tally.fmtRefused.length) lines.push('fmt output refused:', ...tally.fmtRefused.map((r) => `  ${r}`));
      if (tally.differing.length) lines.push('differing:', ...tally.differing.map((r) => `  ${r}`));
      console.log(lines.join('\n'));
    });

    it('prints the generated kube-proxy ruleset as iptables-save does', () => {
      const text = generated();
      const loaded = load(4, text, false);
      expect(loaded.message).toBe('');
      expect(firstDifference(text, loaded.saved)).toBe('(identical)');
    });

    it.each(inputs.map((i) => [i.name, i] as const))('%s', (name, input) => {
      tally.tried++;
      const text = input.text();
      const parsed = parseRuleset(text, { file: name });
      const family: Family = parsed.ruleset.tables[0]?.family ?? detectFamily(text);
      const formatted = formatRuleset(parsed.ruleset);
      const withCounters = carriesCounters(text);

      const original = load(family, text, false);
      const listed = KERNEL_REFUSED.get(name);
      if (!original.ok) {
        tally.refused.push(`${name}: ${firstLines(original.message)}`);
        expect(listed, `refused but not listed in refused.ts: ${firstLines(original.message)}`).toBeDefined();
        expect(refusedLine(original.message), firstLines(original.message)).toBe(listed!.line);
        return;
      }
      tally.accepted++;
      if (listed) {
        tally.listedButAccepted.push(name);
        // A host-dependent refusal may not happen on this host (its DNS, its ipsets).
        if (listed.netfate !== 'host') expect.fail(`listed in refused.ts (${listed.kernel}) but the kernel accepts it`);
      }
      const ours = load(family, formatted, false);
      if (!ours.ok) {
        tally.fmtRefused.push(`${name}: ${firstLines(ours.message)}`);
        expect.fail(`the kernel accepts the original but refuses fmt's output: ${firstLines(ours.message)}`);
      }
      const diff = firstDifference(original.saved, ours.saved);
      if (diff !== '(identical)') {
        tally.differing.push(`${name}: ${diff.replace(/\n/g, ' ')}`);
        expect.fail(`iptables-save differs after loading fmt's output, ${diff}`);
      }
      if (withCounters) {
        tally.countersCompared++;
        const originalCounted = load(family, text, true);
        const oursCounted = load(family, formatted, true);
        expect(oursCounted.message).toBe(originalCounted.message);
        const countedDiff = firstDifference(originalCounted.saved, oursCounted.saved);
        if (countedDiff !== '(identical)') {
          tally.differing.push(`${name} (--counters): ${countedDiff.replace(/\n/g, ' ')}`);
          expect.fail(`iptables-save --counters differs after loading fmt's output, ${countedDiff}`);
        }
      }
      tally.identical++;
    });
  });
});
