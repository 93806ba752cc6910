/**
 * Child process of the bench: runs one Node stage on one file a few times and prints, as one JSON
 * line, the time of each run and this process's peak resident memory.
 * Usage: node stage-child.js STAGE FILE RUNS
 */
import { findStage } from './stages.js';

export interface StageChildResult {
  readonly stage: string;
  readonly runsMs: number[];
  /** Peak resident set size of the whole child process (Node itself included), in KiB. */
  readonly maxRssKiB: number;
  readonly summary?: Record<string, number>;
}

const [stageName, file, runsText] = process.argv.slice(2);
const stage = stageName ? findStage(stageName) : undefined;
const runs = Number(runsText ?? '3');
if (!stage || !file || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('usage: stage-child.js STAGE FILE RUNS\n');
  process.exit(2);
}

/**
 * Waits, the main thread idle, until the whole process has used almost no CPU for a few
 * periods in a row (at most a few seconds). V8 sweeps the heap a full collection (the gc() before
 * each run) leaves on background threads; a stage timed at once paid for that sweeping: about 100 ms of a
 * 30k-service batch, on this 2-core machine, for a collection the bench itself forced.
 */
function settle(): void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + SETTLE_MAX_MS;
  for (let quiet = 0; quiet < SETTLE_QUIET_PERIODS && Date.now() < deadline; ) {
    const before = process.cpuUsage();
    Atomics.wait(sleeper, 0, 0, SETTLE_PERIOD_MS);
    const used = process.cpuUsage(before);
    quiet = used.user + used.system < SETTLE_PERIOD_MS * 100 ? quiet + 1 : 0;
  }
}

/** A period of settle, and how many in a row must each use under a tenth of a CPU (µs). */
const SETTLE_PERIOD_MS = 20;
const SETTLE_QUIET_PERIODS = 3;
const SETTLE_MAX_MS = 5000;

const runsMs: number[] = [];
let last: unknown;
let prepared: unknown;
for (let i = 0; i < runs; i++) {
  // The previous result and preparation are dropped and collected first, so the peak is that of
  // one run, not of two (the parent starts this process with --expose-gc).
  last = undefined;
  prepared = undefined;
  (globalThis as { gc?: () => void }).gc?.();
  prepared = stage.prepare ? stage.prepare(file) : undefined;
  (globalThis as { gc?: () => void }).gc?.();
  settle();
  const start = process.hrtime.bigint();
  last = stage.run(file, prepared);
  runsMs.push(Number(process.hrtime.bigint() - start) / 1e6);
}
if (last === undefined) throw new Error(`stage ${stage.name} returned nothing`);
const result: StageChildResult = {
  stage: stage.name,
  runsMs,
  maxRssKiB: process.resourceUsage().maxRSS,
  summary: stage.summarize?.(last, prepared),
};
process.stdout.write(JSON.stringify(result) + '\n');
