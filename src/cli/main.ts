#!/usr/bin/env node
/**
 * The netfate command line: argv, files and exit codes. The only module that does I/O; every
 * command is a pure library call in between.
 *
 * Exit codes (CONTRACT.md): 0 success, 1 lint found errors, 2 usage, input or parse error.
 */
import { Command, CommanderError, Option } from 'commander';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import type { Diagnostic, Family, InputFormat, Ruleset } from '../ast/types.js';
import { formatRuleset } from '../ast/print-save.js';
import { inert, inertJson } from './inert.js';
import { InputError, loadRulesets, type InputOptions, type LoadedInput } from './input.js';
import { evaluatePacket } from '../eval/evaluate.js';
import { evaluateFlow, type FlowPacket } from '../eval/flow.js';
import { parseIpSet, type IpSet } from '../eval/ipset.js';
import { checkHostModel } from '../eval/host.js';
import type { HostModel, Packet, Trace } from '../eval/types.js';
import { packetFromFields, type PacketFields } from './packet-options.js';
import { formatTraceText } from './trace-text.js';
import { liveHostModel } from './host-live.js';
import { lintRuleset, hasErrors, type SeveritySetting } from '../lint/run.js';
import { RULES } from '../lint/rules/index.js';
import { formatText as formatLintText } from '../lint/formatters/text.js';
import { formatJson as formatLintJson } from '../lint/formatters/json.js';
import { formatSarif } from '../lint/formatters/sarif.js';

const EXIT_OK = 0;
const EXIT_USAGE = 2;

class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.span.line}:${d.span.column}`;
  return d.severity === 'error' ? `${where}: ${inert(d.message)}` : `${where}: warning: ${inert(d.message)}`;
}

/** Prints diagnostics to stderr; returns whether any is an error. */
function report(diagnostics: readonly Diagnostic[], quiet: boolean): boolean {
  let errors = false;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors = true;
    if (d.severity === 'warning' && quiet) continue;
    process.stderr.write(formatDiagnostic(d) + '\n');
  }
  return errors;
}

interface CommonOptions {
  live?: boolean;
  inputFormat?: InputFormat;
  table?: string;
  family?: '4' | '6';
  quiet?: boolean;
}

function inputOptions(o: CommonOptions): InputOptions {
  return {
    live: o.live,
    inputFormat: o.inputFormat,
    table: o.table,
    family: o.family ? (Number(o.family) as Family) : undefined,
  };
}

/** Reads the inputs; an unreadable input exits 2. Parse diagnostics are left to the caller. */
function read(files: string[], o: CommonOptions, deferRules = false): LoadedInput {
  try {
    return loadRulesets(files, { ...inputOptions(o), deferRules });
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`netfate: ${inert(e.message)}\n`);
      throw new ExitError(EXIT_USAGE);
    }
    throw e;
  }
}

/** Reads the inputs and reports their diagnostics; any parse error exits 2. */
function load(files: string[], o: CommonOptions, deferRules = false): LoadedInput {
  const input = read(files, o, deferRules);
  if (report(input.diagnostics, o.quiet ?? false)) throw new ExitError(EXIT_USAGE);
  return input;
}

/**
 * After a trace of a large file whose chains were read as the packet reached them: the
 * diagnostics of those chains (an error exits 2, as it would have before the trace), and a note
 * of how many rules were never read, so that nobody takes the trace for a check of the file.
 */
function settleDeferred(input: LoadedInput, o: CommonOptions): void {
  let errors = false;
  for (const d of input.deferred) errors = report(d.rules.diagnostics(), o.quiet ?? false) || errors;
  if (errors) throw new ExitError(EXIT_USAGE);
  if (o.quiet) return;
  for (const d of input.deferred) {
    const unread = d.rules.unreadLines();
    if (unread === 0) continue;
    process.stderr.write(
      `netfate: note: ${inert(d.file)} is large: its chains were read as the packet reached them, and ${unread.toLocaleString('en-US')} rules were not read (\`netfate parse\` checks every rule)\n`,
    );
  }
}

/**
 * Reads, whole, every chain the trace passes (a large file's chains are read only as far as the
 * walk went): the step UI shows them whole, so their errors are reported before it starts, as a
 * trace reports errors in the rules it reaches.
 */
function readWalkedChains(ruleset: Ruleset, trace: Trace, family: Family): void {
  const seen = new Set<string>();
  for (const steps of [trace.steps, ...(trace.outcomes ?? []).map((x) => x.steps ?? [])]) {
    for (const step of steps) {
      const key = `${step.file}\0${step.table}\0${step.chain}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const table = ruleset.tables.find((t) => t.family === family && t.name === step.table && t.file === step.file);
      void table?.chains.find((c) => c.name === step.chain)?.rules.length;
    }
  }
}

function addInputOptions(cmd: Command): Command {
  return cmd
    .argument('[files...]', 'ruleset files (iptables-save, iptables -S, iptables -L output); - for stdin')
    .option('--live', "read this host's ruleset (runs iptables-save and ip6tables-save)")
    .addOption(new Option('--input-format <format>', 'override format detection').choices(['save', 'spec', 'listing']))
    .option('--table <table>', 'table of a listing or -S output that does not say')
    .addOption(new Option('--family <family>', 'address family of input that does not say').choices(['4', '6']))
    .option('-q, --quiet', 'do not print warnings');
}

function summary(ruleset: Ruleset): string {
  const lines: string[] = [];
  for (const table of ruleset.tables) {
    const rules = table.chains.reduce((n, c) => n + c.rules.length, 0);
    lines.push(`${inert(table.file)}: ${table.family === 6 ? 'ip6tables' : 'iptables'} ${table.name} (${table.format}): ${table.chains.length} chains, ${rules} rules`);
    for (const chain of table.chains) {
      const policy = chain.builtin ? ` policy ${chain.policy ?? '?'}` : '';
      lines.push(`  ${inert(chain.name)}${policy}: ${chain.rules.length} rules`);
    }
  }
  return lines.join('\n') + '\n';
}

function fmtText(ruleset: Ruleset, tty: boolean): string {
  const families = [...new Set(ruleset.tables.map((t) => t.family))].sort();
  const parts = families.map((family) => {
    const text = formatRuleset(ruleset, family);
    return families.length > 1 ? `# ${family === 6 ? 'ip6tables' : 'iptables'}-save format (IPv${family})\n${text}` : text;
  });
  const text = parts.join('');
  // Piped output is data for iptables-restore and must keep its bytes; a terminal gets inert text.
  return tty ? text.split('\n').map(inert).join('\n') : text;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('netfate')
    .description('Reads iptables rulesets, tells you what the kernel will do with a packet, lints them.')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  addInputOptions(program.command('parse').description('print the AST of the rulesets (tables -> chains -> rules, with spans)'))
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'text']).default('json'))
    .action((files: string[], o: CommonOptions & { format: string }) => {
      const { ruleset } = load(files, o);
      process.stdout.write(o.format === 'json' ? inertJson(ruleset) + '\n' : summary(ruleset));
    });

  addInputOptions(program.command('fmt').description('print canonical iptables-save text for any input format')).action(
    (files: string[], o: CommonOptions) => {
      const { ruleset } = load(files, o);
      process.stdout.write(fmtText(ruleset, process.stdout.isTTY === true));
    },
  );

  addPacketOptions(addInputOptions(program.command('trace').description('what the kernel does with one packet, rule by rule')))
    .action((files: string[], o: CommonOptions & TraceOptions) => {
      const input = load(files, o, true);
      const host = loadHost(o.host);
      const sets = loadSets(o.ipset ?? []);
      if (o.flow) {
        const result = evaluateFlow(input.ruleset, readFlow(o.flow), { host, sets });
        for (const p of result.problems) process.stderr.write(`netfate: ${inert(o.flow)}: packet ${p.index}: ${inert(p.message)}\n`);
        if (result.problems.length) throw new ExitError(EXIT_USAGE);
        settleDeferred(input, o);
        process.stdout.write(inertJson(result.traces) + '\n');
        return;
      }
      if (o.packets) {
        const packets = readPacketList(o.packets);
        const traces = packets.map((p) => evaluatePacket(input.ruleset, p, { host, sets }));
        settleDeferred(input, o);
        process.stdout.write(inertJson(traces) + '\n');
        return;
      }
      const packet = usePacket(packetFromFields(o));
      const trace = evaluatePacket(input.ruleset, packet, { host, sets });
      settleDeferred(input, o);
      writeTrace(packet, trace, input, o.format);
    });

  addPacketOptions(addInputOptions(program.command('step').description('walk one packet through the ruleset in the terminal, step by step')))
    .action(async (files: string[], o: CommonOptions & TraceOptions) => {
      if (o.packets || o.flow) {
        process.stderr.write('netfate: step walks one packet: use trace for --packets and --flow\n');
        throw new ExitError(EXIT_USAGE);
      }
      const input = load(files, o, true);
      const host = loadHost(o.host);
      const sets = loadSets(o.ipset ?? []);
      const packet = usePacket(packetFromFields(o));
      const trace = evaluatePacket(input.ruleset, packet, { host, sets });
      readWalkedChains(input.ruleset, trace, packet.family);
      settleDeferred(input, o);
      // Loaded only here: the other commands should not pay for React and Ink at startup.
      const { runStepUi, stepUiUnavailable } = await import('../tui/run.js');
      const unavailable = stepUiUnavailable();
      if (unavailable) {
        // A pipe or a script gets the same walk as text instead of a UI waiting for keys.
        process.stderr.write(`netfate: step: ${unavailable}; printing the trace instead\n`);
        writeTrace(packet, trace, input, o.format);
        return;
      }
      await runStepUi({ ruleset: input.ruleset, trace, packet, texts: input.texts });
    });

  addInputOptions(program.command('lint').description('report rules that never match, loops, bad targets, and Docker firewall mistakes'))
    .option('--host <file>', 'host model (JSON, see `netfate host --live`); without it, findings say what they assumed')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('--rule <id=severity>', 'set a finding id to off, info, warning or error; repeatable', (v: string, all: string[]) => [...all, v], [] as string[])
    .action((files: string[], o: CommonOptions & LintCliOptions) => {
      const ruleSeverity = parseRuleSettings(o.rule);
      const host = loadHost(o.host);
      const input = read(files, o);
      // Parse errors still exit 2, but the rules run on what was read: their findings explain
      // several refusals (a port without -p, a jump to a missing chain) better than the parser can.
      const parseErrors = report(input.diagnostics, o.quiet ?? false);
      const findings = lintRuleset(input.ruleset, { host, ruleSeverity, texts: input.texts });
      if (o.format === 'json') process.stdout.write(formatLintJson(findings));
      else if (o.format === 'sarif') process.stdout.write(formatSarif(findings, { rules: RULES, version: packageVersion() }));
      else process.stdout.write(formatLintText(findings, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
      if (parseErrors) throw new ExitError(EXIT_USAGE);
      if (hasErrors(findings)) throw new ExitError(EXIT_LINT_ERRORS);
    });

  program
    .command('host')
    .description('print a host model (interfaces, routes, sysctls) for --host')
    .requiredOption('--live', "read this host's interfaces, routes and sysctls")
    .action(() => {
      let host: HostModel;
      try {
        host = liveHostModel();
      } catch (e) {
        if (e instanceof InputError) {
          process.stderr.write(`netfate: ${inert(e.message)}\n`);
          throw new ExitError(EXIT_USAGE);
        }
        throw e;
      }
      process.stdout.write(inertJson(host) + '\n');
    });

  program
    .command('demo')
    .description('what `npm start` runs: lint and a packet trace of the bundled Docker host ruleset')
    .action(() => {
      const file = bundledRuleset('docker-20.10.save');
      const hostFile = bundledRuleset('hosts/docker-20.10.json');
      const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
      const input = load([file], {});
      const host = loadHost(hostFile);
      process.stdout.write(`netfate demo: a Docker 20.10 host (${inert(file)})\n`);
      process.stdout.write(`container "web" (172.17.0.2) published with -p 8080:80; INPUT drops port 8080 on eth0.\n\n`);
      process.stdout.write('$ netfate lint rulesets/docker-20.10.save --host rulesets/hosts/docker-20.10.json\n');
      const findings = lintRuleset(input.ruleset, { host, texts: input.texts });
      process.stdout.write(formatLintText(findings, { color }) + '\n');
      process.stdout.write('$ netfate trace rulesets/docker-20.10.save --host rulesets/hosts/docker-20.10.json --in eth0 --src 198.51.100.7 --dst 192.0.2.2 --dport 8080\n');
      const packet = usePacket(packetFromFields({ in: 'eth0', src: '198.51.100.7', dst: '192.0.2.2', dport: '8080' }));
      writeTrace(packet, evaluatePacket(input.ruleset, packet, { host }), input, 'text');
    });

  return program;
}

interface LintCliOptions {
  host?: string;
  format: 'text' | 'json' | 'sarif';
  rule: string[];
}

const EXIT_LINT_ERRORS = 1;

/** `--rule ID=SEVERITY` options into overrides; an unknown id or severity is a usage error. */
function parseRuleSettings(specs: readonly string[]): Record<string, SeveritySetting> {
  const known = new Set(RULES.map((r) => r.meta.id));
  const out: Record<string, SeveritySetting> = {};
  for (const spec of specs) {
    const m = /^([^=]+)=(off|info|warning|error)$/.exec(spec);
    if (!m || !known.has(m[1])) {
      process.stderr.write(
        m ? `netfate: --rule: unknown finding id "${inert(m[1])}"\n` : `netfate: --rule takes ID=off|info|warning|error, got "${inert(spec)}"\n`,
      );
      throw new ExitError(EXIT_USAGE);
    }
    out[m[1]] = m[2] as SeveritySetting;
  }
  return out;
}

/** The package version, for SARIF's tool.driver.version (package.json is above src/ and dist/src/). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'netfate' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

interface TraceOptions extends PacketFields {
  host?: string;
  ipset?: string[];
  packets?: string;
  flow?: string;
  format: 'text' | 'json';
}

function addPacketOptions(cmd: Command): Command {
  return cmd
    .option('--in <iface>', 'arrival interface (without it, the packet is sent by this host: OUTPUT path)')
    .option('--src <addr>', 'source address')
    .option('--dst <addr>', 'destination address')
    .option('--proto <proto>', 'tcp, udp, icmp, icmpv6, sctp or a protocol number', 'tcp')
    .option('--sport <port>', 'source port (default: an ephemeral port, 40000)')
    .option('--dport <port>', 'destination port')
    .option('--tcp-flags <flags>', 'SYN, SYN,ACK, ACK, NONE, ... (default SYN for a NEW tcp packet, ACK otherwise)')
    .option('--icmp-type <type>', 'ICMP type name or number, optionally /CODE')
    .option('--state <state>', 'conntrack state: NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED', 'NEW')
    .option('--ct-dir <dir>', 'ORIGINAL or REPLY', 'ORIGINAL')
    .option('--mark <n>', 'packet mark', '0')
    .option('--uid <n>', 'owner uid of a packet this host sends')
    .option('--length <n>', 'IP total length (default: the headers)')
    .option('--ttl <n>', 'TTL or hop limit as the packet arrives', '64')
    .option('--physdev-in <iface>', 'bridge port a bridged frame came in by')
    .option('--host <file>', 'host model (JSON, see `netfate host --live`)')
    .option('--ipset <name=file>', 'contents of an ipset (ipset save output, or one member per line), so -m set is decided; repeatable', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--packets <file>', 'JSON list of independent packets; prints a JSON list of traces')
    .option('--flow <file>', 'JSON list of packets through one conntrack table; {"replyTo": K} is the reply to packet K')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
}

function usePacket(result: ReturnType<typeof packetFromFields>): Packet {
  if (!result.ok) {
    process.stderr.write(`netfate: ${inert(result.message)}\n`);
    throw new ExitError(EXIT_USAGE);
  }
  return result.packet;
}

function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch {
    process.stderr.write(`netfate: ${inert(file)}: cannot read ${what}\n`);
    throw new ExitError(EXIT_USAGE);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    process.stderr.write(`netfate: ${inert(file)}:1:1: ${what} is not valid JSON: ${inert((e as Error).message)}\n`);
    throw new ExitError(EXIT_USAGE);
  }
}

function loadSets(specs: readonly string[]): Map<string, IpSet> | undefined {
  if (!specs.length) return undefined;
  const sets = new Map<string, IpSet>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) {
      process.stderr.write(`netfate: --ipset takes NAME=FILE, got "${inert(spec)}"\n`);
      throw new ExitError(EXIT_USAGE);
    }
    const name = spec.slice(0, eq);
    const file = spec.slice(eq + 1);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      process.stderr.write(`netfate: ${inert(file)}: cannot read ipset contents\n`);
      throw new ExitError(EXIT_USAGE);
    }
    const { set, problems } = parseIpSet(name, text);
    if (problems.length) {
      for (const p of problems) process.stderr.write(`netfate: ${inert(file)}: ${inert(p)}\n`);
      throw new ExitError(EXIT_USAGE);
    }
    sets.set(name, set);
  }
  return sets;
}

function loadHost(file: string | undefined): HostModel | undefined {
  if (!file) return undefined;
  const { host, problems } = checkHostModel(readJsonFile(file, 'host model'));
  if (!host) {
    for (const p of problems) process.stderr.write(`netfate: ${inert(file)}: ${inert(p)}\n`);
    throw new ExitError(EXIT_USAGE);
  }
  return host;
}

function readPacketList(file: string): Packet[] {
  const list = readJsonFile(file, 'packet list');
  if (!Array.isArray(list)) {
    process.stderr.write(`netfate: ${inert(file)}: the packet list must be a JSON array\n`);
    throw new ExitError(EXIT_USAGE);
  }
  return list.map((entry, i) => {
    const result = packetFromFields((entry ?? {}) as PacketFields);
    if (!result.ok) {
      process.stderr.write(`netfate: ${inert(file)}: packet ${i}: ${inert(result.message)}\n`);
      throw new ExitError(EXIT_USAGE);
    }
    return result.packet;
  });
}

function readFlow(file: string): FlowPacket[] {
  const list = readJsonFile(file, 'flow');
  if (!Array.isArray(list)) {
    process.stderr.write(`netfate: ${inert(file)}: the flow must be a JSON array\n`);
    throw new ExitError(EXIT_USAGE);
  }
  return list.map((entry, i): FlowPacket => {
    const e = (entry ?? {}) as PacketFields & { replyTo?: unknown };
    if (e.replyTo !== undefined) {
      if (typeof e.replyTo !== 'number' || !Number.isInteger(e.replyTo) || e.replyTo < 0 || e.replyTo >= i) {
        process.stderr.write(`netfate: ${inert(file)}: packet ${i}: replyTo must name an earlier packet (0 to ${i - 1})\n`);
        throw new ExitError(EXIT_USAGE);
      }
      const flags = e.tcpFlags ? (e.tcpFlags.toUpperCase().split(',') as never[]) : undefined;
      return { kind: 'reply', to: e.replyTo, ...(flags ? { tcpFlags: flags } : {}) };
    }
    const result = packetFromFields(e);
    if (!result.ok) {
      process.stderr.write(`netfate: ${inert(file)}: packet ${i}: ${inert(result.message)}\n`);
      throw new ExitError(EXIT_USAGE);
    }
    return { kind: 'packet', packet: result.packet };
  });
}

function writeTrace(packet: Packet, trace: Trace, input: LoadedInput, format: 'text' | 'json'): void {
  if (format === 'json') {
    process.stdout.write(inertJson(trace) + '\n');
    return;
  }
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(formatTraceText(packet, trace, input.texts, { color }));
}

function bundledRuleset(name: string): string {
  // dist/src/cli/main.js or src/cli/main.ts: rulesets/ is at the package root either way.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'rulesets', name);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join('rulesets', name);
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof ExitError) return e.code;
    if (e instanceof CommanderError) {
      // --help and --version are successes; every other commander error is a usage error.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    process.stderr.write(`netfate: internal error: ${inert(e instanceof Error ? e.message : String(e))}\n`);
    if (process.env.NETFATE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    return EXIT_USAGE;
  }
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === (await realpath(process.argv[1]));

async function realpath(p: string): Promise<string> {
  const { realpathSync } = await import('node:fs');
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

if (invokedDirectly) {
  // A reader that stops early (`netfate trace … | head`) closes the pipe: not an error, no stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
  process.exitCode = await main(process.argv.slice(2));
}
