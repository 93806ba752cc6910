/**
 * `trace --format text`: a trace a person reads at a glance. Each hook and table as a heading,
 * each rule tested with its number, input line and source text, jumps indented, matched rules
 * highlighted, NAT rewrites shown where they happen, the fate in one sentence at the end.
 */
import type { Packet, PacketView, Trace, TraceStep } from '../eval/types.js';
import { protocolName } from '../net/protocols.js';
import { inert } from './inert.js';

export interface TextStyle {
  readonly color: boolean;
}

const codes = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
type StyleName = keyof typeof codes;

function paint(style: TextStyle, name: StyleName, text: string): string {
  if (!style.color) return text;
  const [on, off] = codes[name];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}

function endpoint(addr: string, port: number | undefined): string {
  if (port === undefined) return addr;
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

export function describePacket(p: Packet): string {
  const proto = protocolName(p.proto, p.family);
  const where = p.in === null ? 'sent by this host' : `in ${p.in}`;
  const extra: string[] = [];
  if (p.tcpFlags) extra.push(`flags ${p.tcpFlags.join(',') || 'NONE'}`);
  if (p.icmpType !== undefined) extra.push(`type ${p.icmpType}/${p.icmpCode ?? 0}`);
  extra.push(`state ${p.state}`);
  if (p.ctDir === 'REPLY') extra.push('reply direction');
  if (p.mark) extra.push(`mark 0x${p.mark.toString(16)}`);
  return `${proto} ${endpoint(p.src, p.sport)} -> ${endpoint(p.dst, p.dport)} ${where}, ${extra.join(', ')}`;
}

function describeView(v: PacketView): string {
  return `${v.proto} ${endpoint(v.src, v.sport)} -> ${endpoint(v.dst, v.dport)}${v.mark ? ` mark 0x${v.mark.toString(16)}` : ''}`;
}

/** Source lines of each input file, split once per call of formatTraceText. */
function sourceLines(texts: ReadonlyMap<string, string>): (step: TraceStep) => string {
  const split = new Map<string, string[]>();
  return (step) => {
    if (step.line === null || !step.file) return '';
    let lines = split.get(step.file);
    if (!lines) {
      lines = (texts.get(step.file) ?? '').split(/\r?\n/);
      split.set(step.file, lines);
    }
    return (lines[step.line - 1] ?? '').trim();
  };
}

export function formatTraceText(packet: Packet, trace: Trace, texts: ReadonlyMap<string, string>, style: TextStyle): string {
  const out: string[] = [];
  const sourceLine = sourceLines(texts);
  out.push(`${paint(style, 'bold', 'Packet:')} ${inert(describePacket(packet))}`);
  let hook = '';
  let table = '';
  for (const step of trace.steps) {
    if (step.hook !== hook) {
      hook = step.hook;
      table = '';
      out.push('');
      out.push(paint(style, 'bold', step.hook));
    }
    if (step.table !== table) {
      table = step.table;
      out.push(`  ${paint(style, 'cyan', step.table)}`);
    }
    const indent = '    ' + '  '.repeat(step.depth);
    const where = step.line !== null ? paint(style, 'dim', `line ${step.line}`) : '';
    if (step.rule === null) {
      const policy = step.target ?? '';
      out.push(`${indent}${inert(step.chain)} ${paint(style, policy.endsWith('DROP') ? 'red' : 'green', policy.replace('policy:', 'policy '))} ${where}`);
      continue;
    }
    const mark = step.match === 'yes' ? paint(style, 'green', 'yes') : step.match === 'may' ? paint(style, 'yellow', 'may') : paint(style, 'dim', 'no ');
    const text = inert(sourceLine(step));
    const body = step.match === 'no' ? paint(style, 'dim', text) : paint(style, 'bold', text);
    const arrow = step.target && step.match !== 'no' ? ` ${paint(style, 'cyan', '->')} ${inert(step.target.replace(/^(jump|goto):/, '$1 '))}` : '';
    out.push(`${indent}${inert(step.chain)} #${step.rule} ${mark} ${where}  ${body}${arrow}`);
    if (step.note && step.match !== 'no') out.push(`${indent}    ${paint(style, 'yellow', inert(step.note))}`);
    if (step.packet) out.push(`${indent}    ${paint(style, 'cyan', 'packet now:')} ${inert(describeView(step.packet))}`);
  }
  out.push('');
  const verdictColor: StyleName = trace.verdict === 'ACCEPT' ? 'green' : trace.verdict === 'UNDECIDED' ? 'yellow' : 'red';
  out.push(`${paint(style, 'bold', 'Verdict:')} ${paint(style, verdictColor, trace.verdict)}  (path ${trace.path}${trace.egress ? `, out ${trace.egress}` : ''})`);
  out.push(inert(trace.summary));
  if (trace.outcomes) {
    out.push('Possible fates:');
    for (const o of trace.outcomes) {
      const chance = o.probability !== null ? ` (${(o.probability * 100).toFixed(1)}%)` : '';
      const where = o.packet ? ` -> ${inert(describeView(o.packet))}` : '';
      out.push(`  ${o.verdict}${chance}${where}: ${inert(o.because)}`);
    }
  }
  if (trace.assumptions.length) {
    out.push('Assumed:');
    for (const a of trace.assumptions) out.push(`  - ${inert(a)}`);
  }
  return out.join('\n') + '\n';
}
