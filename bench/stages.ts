/**
 * What `npm run bench` times in Node, one stage at a time, each in a child process of its own so
 * that its peak memory is its own. A stage is a name, optional untimed preparation (e.g. parsing
 * for a stage that works on the AST) and the timed work.
 */
import { readFileSync } from 'node:fs';
import { parseRuleset } from '../src/ast/parse.js';
import { formatRuleset } from '../src/ast/print-save.js';
import type { ParseResult, Ruleset } from '../src/ast/types.js';
import { evaluatePacket } from '../src/eval/evaluate.js';
import type { Packet, Trace } from '../src/eval/types.js';
import { lintRuleset } from '../src/lint/run.js';
import type { Finding } from '../src/lint/rule.js';

export interface NodeStage<Prepared = unknown> {
  readonly name: string;
  readonly description: string;
  /**
   * Done before each timed run, not timed: a fresh parse for the stages that work on an AST, so
   * that no run finds what an earlier one cached in it (compiled chains, lint's coverage).
   */
  readonly prepare?: (file: string) => Prepared;
  /** The timed work; its result is kept alive until the run ends, so it is not optimised away. */
  readonly run: (file: string, prepared: Prepared) => unknown;
  /** Facts about the last run's result worth reporting beside its time (e.g. error counts). */
  readonly summarize?: (result: unknown, prepared: Prepared) => Record<string, number>;
}

function defineStage<P>(stage: NodeStage<P>): NodeStage<unknown> {
  return stage as NodeStage<unknown>;
}

function parseFile(file: string): ParseResult {
  return parseRuleset(readFileSync(file, 'utf8'), { file });
}

/** A ClusterIP service as the nat KUBE-SERVICES chain of the file jumps to it. */
interface ServicePortal {
  readonly ip: string;
  readonly proto: 'tcp' | 'udp';
  readonly port: number;
}

const PORTAL = /^-A KUBE-SERVICES -d (\d+\.\d+\.\d+\.\d+)\/32 -p (tcp|udp) .* --dport (\d+) -j KUBE-SVC-/;

/** Every service portal of the nat table, in chain order (read from the text: no parse needed). */
function servicePortals(file: string): ServicePortal[] {
  const text = readFileSync(file, 'utf8');
  const natStart = text.indexOf('\n*nat');
  const portals: ServicePortal[] = [];
  for (const line of text.slice(natStart).split('\n')) {
    const m = PORTAL.exec(line);
    if (m) portals.push({ ip: m[1], proto: m[2] as 'tcp' | 'udp', port: Number(m[3]) });
  }
  if (portals.length === 0) throw new Error(`no KUBE-SERVICES portal in ${file}`);
  return portals;
}

/** A new connection from outside the cluster, arriving on the uplink, to a service portal. */
function packetTo(portal: ServicePortal, client: number): Packet {
  return {
    family: 4,
    in: 'eth0',
    src: `192.0.2.${1 + (client % 250)}`,
    dst: portal.ip,
    proto: portal.proto === 'tcp' ? 6 : 17,
    sport: 40000 + (client % 20000),
    dport: portal.port,
    ...(portal.proto === 'tcp' ? { tcpFlags: ['SYN' as const] } : {}),
    state: 'NEW',
    ctDir: 'ORIGINAL',
    mark: 0,
    length: 60,
    ttl: 64,
  };
}

/** Packets in the batch stage: NETFATE_BENCH_PACKETS, 10,000 by default. */
export const BATCH_PACKETS = Number(process.env.NETFATE_BENCH_PACKETS ?? 10_000);
if (!Number.isInteger(BATCH_PACKETS) || BATCH_PACKETS <= 0) throw new Error(`NETFATE_BENCH_PACKETS must be a positive integer`);

/**
 * Verdict counts of all traces, and their mean number of steps over the first 100 (reading a
 * trace's steps lists them; reading all of a 10,000-packet batch's would hold ~48M of them).
 */
function traceSummary(traces: readonly Trace[]): Record<string, number> {
  const sample = traces.slice(0, 100);
  return {
    steps: Math.round(sample.reduce((n, t) => n + t.steps.length, 0) / sample.length),
    undecided: traces.filter((t) => t.verdict === 'UNDECIDED').length,
    accepted: traces.filter((t) => t.verdict === 'ACCEPT').length,
  };
}

/** The batch's packets: services picked with a fixed stride, so that they reach every part of KUBE-SERVICES. */
function batchOf(file: string): { ruleset: Ruleset; packets: Packet[] } {
  const portals = servicePortals(file);
  const packets = Array.from({ length: BATCH_PACKETS }, (_, i) => packetTo(portals[(i * 7919) % portals.length], i));
  return { ruleset: parseFile(file).ruleset, packets };
}

/** Services of the few-services batch, spread over KUBE-SERVICES. */
const FEW_SERVICES = 8;

/** The batch's packets to a few services only (what a list of packets about one application is like). */
function fewServicesBatchOf(file: string): { ruleset: Ruleset; packets: Packet[] } {
  const portals = servicePortals(file);
  const few = Array.from({ length: FEW_SERVICES }, (_, k) => portals[Math.floor(((k + 0.5) * portals.length) / FEW_SERVICES)]);
  const packets = Array.from({ length: BATCH_PACKETS }, (_, i) => packetTo(few[i % FEW_SERVICES], i));
  return { ruleset: parseFile(file).ruleset, packets };
}

export const NODE_STAGES: readonly NodeStage[] = [
  defineStage({
    name: 'floor',
    description: 'read the file and split it into lines (nothing can parse faster)',
    run: (file) => readFileSync(file, 'utf8').split('\n'),
  }),
  defineStage({
    name: 'parse',
    description: 'read the file and parseRuleset it',
    run: (file) => parseFile(file),
    // Reported because a parse that refuses rules does less work than one that keeps them all.
    summarize: (result) => {
      const r = result as ParseResult;
      return {
        rules: r.ruleset.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0),
        errors: r.diagnostics.filter((d) => d.severity === 'error').length,
        warnings: r.diagnostics.filter((d) => d.severity === 'warning').length,
      };
    },
  }),
  defineStage({
    name: 'format',
    description: 'formatRuleset of the parsed AST (fmt without its parse)',
    prepare: (file) => parseFile(file).ruleset,
    run: (_file, ruleset: Ruleset) => formatRuleset(ruleset),
  }),
  defineStage({
    name: 'trace',
    description: 'read, parse, and trace one new connection to the service in the middle of nat KUBE-SERVICES (`netfate trace`)',
    prepare: (file) => {
      const portals = servicePortals(file);
      return packetTo(portals[Math.floor(portals.length / 2)], 0);
    },
    // As `netfate trace` reads a file this large: chains are read when the packet reaches them
    // (parseRuleset's deferRules). The trace's steps are listed, as the command prints them.
    run: (file, packet: Packet) => {
      const trace = evaluatePacket(parseRuleset(readFileSync(file, 'utf8'), { file, deferRules: true }).ruleset, packet);
      void trace.steps.length;
      return [trace];
    },
    summarize: (result) => traceSummary(result as Trace[]),
  }),
  defineStage({
    name: 'batch',
    description: `${BATCH_PACKETS} independent packets (\`trace --packets\`) to services spread over KUBE-SERVICES, after parsing`,
    prepare: batchOf,
    // The traces are kept, their steps not listed: a trace lists its ~4,800 steps when they are
    // first read (batch-steps times that too).
    run: (_file, p: { ruleset: Ruleset; packets: Packet[] }) => p.packets.map((packet) => evaluatePacket(p.ruleset, packet)),
    summarize: (result) => traceSummary(result as Trace[]),
  }),
  defineStage({
    name: 'batch-few',
    description: `${BATCH_PACKETS} packets to ${FEW_SERVICES} services spread over KUBE-SERVICES, after parsing (the batch's packets meet mostly rules they met before)`,
    prepare: fewServicesBatchOf,
    run: (_file, p: { ruleset: Ruleset; packets: Packet[] }) => p.packets.map((packet) => evaluatePacket(p.ruleset, packet)),
    summarize: (result) => traceSummary(result as Trace[]),
  }),
  defineStage({
    name: 'batch-steps',
    description: `the batch, with every trace's steps listed (what \`trace --packets\` prints), each dropped once counted`,
    prepare: batchOf,
    run: (_file, p: { ruleset: Ruleset; packets: Packet[] }) => p.packets.map((packet) => evaluatePacket(p.ruleset, packet).steps.length),
    summarize: (result) => ({ steps: Math.round((result as number[]).reduce((n, k) => n + k, 0) / (result as number[]).length) }),
  }),
  defineStage({
    name: 'lint',
    description: 'lintRuleset of the parsed AST (lint without its parse)',
    prepare: (file) => parseFile(file).ruleset,
    run: (_file, ruleset: Ruleset) => lintRuleset(ruleset),
    summarize: (result) => {
      const findings = result as Finding[];
      return { findings: findings.length, errors: findings.filter((f) => f.severity === 'error').length };
    },
  }),
];

export function findStage(name: string): NodeStage | undefined {
  return NODE_STAGES.find((s) => s.name === name);
}
