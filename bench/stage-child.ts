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
