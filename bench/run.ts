/**
 * `npm run bench`: how parse, fmt, trace, a batch of packets and lint scale with the size of a
 * ruleset, against two baselines measured in the same run on the same file:
 *  - floor: Node reading the file and splitting it into lines;
 *  - restore-test: `iptables-restore --test FILE` in a fresh network namespace (root and
 *    iptables needed; otherwise the report says why it is missing).
 * Inputs are kube-proxy rulesets (rulesets/gen/kube-proxy.ts), about 11 rules per service.
 * Every stage runs in a child process of its own (best of NETFATE_BENCH_RUNS runs), and once
 * more in another for its peak memory: that of one run, alone in its process, as a command has it.
 * Before each timed run the child collects the heap and waits until the collector's background
 * threads are idle (see stage-child.ts), so no run pays for sweeping what the bench collected.
 *
 * Environment: NETFATE_BENCH_SERVICES=1000,10000,30000 (default 1000,10000),
 *              NETFATE_BENCH_RUNS=5 (best of: the machines are noisy, and both sides get the
 *              same number of tries), NETFATE_BENCH_PACKETS=10000 (packets of the batch stage),
 *              NETFATE_BENCH_STAGES=trace,restore-test (only these stages; default all).
 * Targets (checked and printed per size): trace, parse included, at most half the time of
 * restore-test; lint at most restore-test; batch >= 20,000 packets/s; peak RSS < 1 GiB.
 * Results: printed, and written to bench/results/<timestamp>.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKubeProxy } from '../rulesets/gen/kube-proxy.js';
import { kernelUnavailableReason, Netns } from './netns.js';
import { BATCH_PACKETS, NODE_STAGES } from './stages.js';
import type { StageChildResult } from './stage-child.js';

interface StageResult {
  readonly bestMs: number;
  readonly runsMs: readonly number[];
  /** Peak resident memory of the process that ran the stage, KiB; null when it cannot be read. */
  readonly maxRssKiB: number | null;
  readonly msPer1kRules: number;
  readonly summary?: Record<string, number>;
}

interface SizeResult {
  readonly services: number;
  readonly rules: number;
  readonly bytes: number;
  readonly stages: Record<string, StageResult | { readonly error: string }>;
  readonly ratios: Record<string, number>;
  /** Packets per second of the batch stage. */
  readonly packetsPerSecond: number | null;
  /**
   * Packets per second of the batch stage's first run, the first in its process: its code not yet
   * compiled by V8's optimising compiler, as in a `netfate trace --packets` run (not a target).
   */
  readonly firstRunPacketsPerSecond: number | null;
  /** Packets per second of the batch-few stage (not a target: the batch stage is the one measured against it). */
  readonly fewServicesPacketsPerSecond: number | null;
  /** The largest peak RSS of the Node stages, KiB. */
  readonly peakRssKiB: number | null;
  readonly targets: readonly TargetCheck[];
}

/** One target of the issue, checked on one size. */
interface TargetCheck {
  readonly name: string;
  readonly value: number;
  readonly limit: string;
  readonly met: boolean;
}

const GIB_IN_KIB = 1024 * 1024;

const here = dirname(fileURLToPath(import.meta.url));
/** Run from source (tsx) or compiled (dist/bench): the child is this file's sibling either way. */
const childScript = join(here, import.meta.url.endsWith('.ts') ? 'stage-child.ts' : 'stage-child.js');

function repoRoot(): string {
  let dir = here;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + here);
    dir = up;
  }
  return dir;
}

function envList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`${name} must be positive integers, comma-separated: ${raw}`);
  return values;
}

function best(runs: readonly number[]): number {
  return Math.min(...runs);
}

function runNodeStage(stage: string, file: string, runs: number): StageChildResult {
  const child = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', childScript, stage, file, String(runs)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.error) throw child.error;
  if (child.status !== 0) {
    const why = child.stderr.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
    throw new Error(`exit ${child.status ?? child.signal}: ${why}`);
  }
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as StageChildResult;
}

/** GNU time, for the peak memory of iptables-restore (Node cannot read a child's rusage). */
const GNU_TIME = '/usr/bin/time';

interface KernelTiming {
  readonly runsMs: number[];
  readonly maxRssKiB: number | null;
  /** Best time of `ip netns exec NS [time] true`, already taken off `runsMs`. */
  readonly overheadMs: number;
}

function timeInNetns(ns: Netns, argv: readonly string[], memoryFile: string | null): { ms: number; status: number | null; stderr: string } {
  const wrapped = memoryFile ? [GNU_TIME, '-f', '%M', '-o', memoryFile, ...argv] : [...argv];
  const start = process.hrtime.bigint();
  const r = ns.exec(wrapped);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: r.status, stderr: r.stderr };
}

function restoreTest(file: string, runs: number, scratch: string): KernelTiming {
  const ns = Netns.create('bench');
  try {
    const memoryFile = existsSync(GNU_TIME) ? join(scratch, 'restore-rss') : null;
    const overhead: number[] = [];
    for (let i = 0; i < runs; i++) overhead.push(timeInNetns(ns, ['true'], memoryFile).ms);
    const runsMs: number[] = [];
    let maxRssKiB: number | null = null;
    for (let i = 0; i < runs; i++) {
      const t = timeInNetns(ns, ['iptables-restore', '--test', file], memoryFile);
      if (t.status !== 0) throw new Error(`iptables-restore --test refused the file: ${t.stderr.trim().split('\n')[0]}`);
      runsMs.push(t.ms);
      if (memoryFile) maxRssKiB = Math.max(maxRssKiB ?? 0, Number(readFileSync(memoryFile, 'utf8').trim().split('\n').pop()));
    }
    const overheadMs = best(overhead);
    return { runsMs: runsMs.map((ms) => Math.max(0, ms - overheadMs)), maxRssKiB, overheadMs };
  } finally {
    ns.dispose();
  }
}

function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function fmtMiB(kib: number | null): string {
  return kib === null ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`;
}

function main(): void {
  const sizes = envList('NETFATE_BENCH_SERVICES', [1000, 10000]);
  const runs = envList('NETFATE_BENCH_RUNS', [5])[0];
  const onlyStages = process.env.NETFATE_BENCH_STAGES ? process.env.NETFATE_BENCH_STAGES.split(',').map((s) => s.trim()) : null;
  const kernelMissing = kernelUnavailableReason();
  const scratch = mkdtempSync(join(tmpdir(), 'netfate-bench-'));
  const results: SizeResult[] = [];
  const notes: string[] = [];
  if (kernelMissing) notes.push(`restore-test not measured: ${kernelMissing}`);
  console.log(`netfate bench: kube-proxy rulesets for ${sizes.join(', ')} services, best of ${runs} runs per stage`);
  try {
    for (const services of sizes) {
      const text = generateKubeProxy({ services, seed: 1 });
      const file = join(scratch, `kube-proxy-${services}.save`);
      writeFileSync(file, text);
      const rules = text.split('\n').filter((l) => l.startsWith('-A ')).length;
      const stages: SizeResult['stages'] = {};
      const record = (name: string, runsMs: readonly number[], maxRssKiB: number | null, summary?: Record<string, number>): void => {
        const bestMs = best(runsMs);
        stages[name] = { bestMs, runsMs, maxRssKiB, msPer1kRules: bestMs / (rules / 1000), summary };
      };
      for (const stage of NODE_STAGES) {
        if (onlyStages && !onlyStages.includes(stage.name)) continue;
        try {
          const r = runNodeStage(stage.name, file, runs);
          // Peak memory of one run in a process of its own, as a `netfate` command has it: over
          // several runs in one process V8 keeps the heap it grew to, and the peak then depends on
          // when it happened to collect (the 30k-service parse peaked at 0.8 to 1.4 GiB).
          const single = runs > 1 ? runNodeStage(stage.name, file, 1) : r;
          record(stage.name, r.runsMs, single.maxRssKiB, r.summary);
        } catch (e) {
          stages[stage.name] = { error: (e as Error).message };
        }
      }
      if (!kernelMissing && (!onlyStages || onlyStages.includes('restore-test'))) {
        try {
          const k = restoreTest(file, runs, scratch);
          record('restore-test', k.runsMs, k.maxRssKiB);
          notes.push(`${services} services: ip netns exec overhead ${fmtMs(k.overheadMs)} ms, taken off restore-test`);
        } catch (e) {
          stages['restore-test'] = { error: (e as Error).message };
        }
      }
      const ms = (name: string): number | undefined => {
        const s = stages[name];
        return s && 'bestMs' in s ? s.bestMs : undefined;
      };
      const ratios: Record<string, number> = {};
      const ratio = (key: string, a: number | undefined, b: number | undefined): void => {
        if (a !== undefined && b !== undefined && b > 0) ratios[key] = a / b;
      };
      ratio('parse/restore-test', ms('parse'), ms('restore-test'));
      ratio('trace/restore-test', ms('trace'), ms('restore-test'));
      ratio('lint/restore-test', ms('lint'), ms('restore-test'));
      ratio('parse/floor', ms('parse'), ms('floor'));
      ratio('trace/floor', ms('trace'), ms('floor'));
      ratio('format/parse', ms('format'), ms('parse'));
      const perSecond = (stageMs: number | undefined): number | null => (stageMs === undefined || stageMs === 0 ? null : Math.round(BATCH_PACKETS / (stageMs / 1000)));
      const packetsPerSecond = perSecond(ms('batch'));
      const batch = stages['batch'];
      const firstRunPacketsPerSecond = batch && 'runsMs' in batch ? perSecond(batch.runsMs[0]) : null;
      const fewServicesPacketsPerSecond = perSecond(ms('batch-few'));
      const rss = Object.entries(stages).flatMap(([name, s]) => (name !== 'restore-test' && 'maxRssKiB' in s && s.maxRssKiB !== null ? [s.maxRssKiB] : []));
      const peakRssKiB = rss.length ? Math.max(...rss) : null;
      const targets: TargetCheck[] = [];
      const check = (name: string, value: number | null | undefined, limit: string, met: (v: number) => boolean): void => {
        if (value !== null && value !== undefined) targets.push({ name, value, limit, met: met(value) });
      };
      check('trace/restore-test', ratios['trace/restore-test'], '<= 0.5', (v) => v <= 0.5);
      check('lint/restore-test', ratios['lint/restore-test'], '<= 1', (v) => v <= 1);
      check('batch packets/s', packetsPerSecond, '>= 20000', (v) => v >= 20000);
      check('peak RSS MiB', peakRssKiB === null ? null : Math.round(peakRssKiB / 1024), '< 1024', (v) => v * 1024 < GIB_IN_KIB);
      results.push({ services, rules, bytes: Buffer.byteLength(text), stages, ratios, packetsPerSecond, firstRunPacketsPerSecond, fewServicesPacketsPerSecond, peakRssKiB, targets });
      printSize(results[results.length - 1]);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  printLinearity(results);
  for (const n of notes) console.log(`note: ${n}`);

  const outDir = join(repoRoot(), 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outFile = join(outDir, `${stamp}.json`);
  writeFileSync(
    outFile,
    JSON.stringify({ date: new Date().toISOString(), node: process.version, runs, kernel: kernelMissing ?? 'available', notes, results }, null, 2) + '\n',
  );
  console.log(`results written to ${outFile}`);
  const failed = results.flatMap((r) => Object.entries(r.stages).filter(([, s]) => 'error' in s).map(([n]) => `${r.services}:${n}`));
  if (failed.length) {
    console.error(`stages that failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

function printSize(r: SizeResult): void {
  console.log(`\n${r.services} services: ${r.rules} rules, ${(r.bytes / 1e6).toFixed(1)} MB`);
  console.log('  stage          best ms   ms/1k rules   peak RSS');
  for (const [name, s] of Object.entries(r.stages)) {
    if ('error' in s) {
      console.log(`  ${name.padEnd(13)}  FAILED: ${s.error}`);
      continue;
    }
    const facts = s.summary ? '   ' + Object.entries(s.summary).map(([k, v]) => `${k} ${v}`).join(', ') : '';
    console.log(`  ${name.padEnd(13)} ${fmtMs(s.bestMs).padStart(8)}   ${fmtMs(s.msPer1kRules).padStart(11)}   ${fmtMiB(s.maxRssKiB).padStart(8)}${facts}`);
  }
  const ratios = Object.entries(r.ratios).map(([k, v]) => `${k} ${v.toFixed(2)}`);
  if (ratios.length) console.log(`  ratios: ${ratios.join(', ')}`);
  if (r.packetsPerSecond !== null) {
    const first = r.firstRunPacketsPerSecond !== null ? `; its first run, code not yet optimised: ${r.firstRunPacketsPerSecond} packets/s` : '';
    console.log(`  batch: ${r.packetsPerSecond} packets/s${first}`);
  }
  if (r.fewServicesPacketsPerSecond !== null) console.log(`  batch-few: ${r.fewServicesPacketsPerSecond} packets/s (to a few services; not the target's measure)`);
  if (r.targets.length) {
    console.log(`  targets: ${r.targets.map((t) => `${t.name} ${Number.isInteger(t.value) ? t.value : t.value.toFixed(2)} (${t.limit}) ${t.met ? 'met' : 'MISSED'}`).join('; ')}`);
  }
}

/**
 * ms per 1k rules at every size, and at the largest size over that at the smallest: about 1 when
 * time is linear. The batch stage works per packet, not per rule: its column says how the cost of
 * one packet grows with the ruleset (a packet walks KUBE-SERVICES, so it is linear in rules).
 */
function printLinearity(results: readonly SizeResult[]): void {
  if (results.length < 2) return;
  const large = results[results.length - 1];
  console.log(`\nms per 1k rules:`);
  console.log(`  stage        ${results.map((r) => `${r.rules} rules`.padStart(14)).join('')}   largest/smallest`);
  for (const name of Object.keys(large.stages)) {
    const per = results.map((r) => {
      const s = r.stages[name];
      return s && 'msPer1kRules' in s ? s.msPer1kRules : undefined;
    });
    const a = per[0];
    const b = per[per.length - 1];
    const growth = a !== undefined && b !== undefined && a > 0 ? (b / a).toFixed(2) : 'n/a';
    console.log(`  ${name.padEnd(12)} ${per.map((v) => (v === undefined ? 'n/a' : fmtMs(v)).padStart(14)).join('')}   ${growth}`);
  }
}

main();
