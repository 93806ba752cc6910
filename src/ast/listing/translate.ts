/**
 * One listing row -> the words iptables-save would have written for the rule
 * (`-s 10.0.0.0/8 -i eth0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.17.0.2:80`),
 * plus what the row cannot say. Running these words through interpretRuleArgs gives listing
 * rules the very same core, match and target nodes as save input.
 */
import type { Family, LostSelector, SourceSpan } from '../types.js';
import type { ArgToken } from '../rule-args.js';
import { parseAddressWithMask } from '../../net/address.js';
import { protocolName, protocolNumber } from '../../net/protocols.js';
import type { Cell, RowCells } from './row.js';
import { Scanner } from './scanner.js';
import { MATCH_READERS, TARGET_READERS, type ReadContext } from './extensions.js';

export interface RowContext {
  readonly family: Family;
  readonly numeric: boolean;
  readonly verbose: boolean;
  /** Span of the whole row, for words read from its trailing text. */
  readonly rowSpan: SourceSpan;
}

export interface RowNote {
  readonly kind: string;
  readonly message: string;
  readonly span: SourceSpan;
}

export interface RowWords {
  /** Core selectors. */
  readonly core: ArgToken[];
  /** Matches read from the trailing text, then `-j NAME` and the target's options. */
  readonly extensions: ArgToken[];
  readonly lost: LostSelector[];
  /** `-j NAME` / `-g NAME` alone: what is left when the trailing text cannot be interpreted. */
  readonly jump: ArgToken[];
  /** Trailing text no reader understood, verbatim. */
  readonly unparsed: string | null;
  readonly notes: RowNote[];
}

/**
 * Names the C library resolves the same way on every Debian-like system (/etc/hosts, /etc/networks
 * of netbase); any other name depends on the DNS of the machine that printed the listing.
 */
const WELL_KNOWN_HOSTS: Readonly<Record<string, Readonly<Partial<Record<Family, string>>>>> = {
  localhost: { 4: '127.0.0.1', 6: '::1' },
  'ip6-localhost': { 6: '::1' },
  'ip6-loopback': { 6: '::1' },
  loopback: { 4: '127.0.0.0' },
  'link-local': { 4: '169.254.0.0' },
};

function words(cell: Cell, ...texts: string[]): ArgToken[] {
  return texts.map((text) => ({ text, span: cell.word.span }));
}

function bangWords(negated: boolean, cell: Cell, ...texts: string[]): ArgToken[] {
  return words(cell, ...(negated ? ['!', ...texts] : texts));
}

export function translateRow(cells: RowCells, ctx: RowContext): RowWords {
  const core: ArgToken[] = [];
  const lost: LostSelector[] = [];
  const notes: RowNote[] = [];

  // Protocol first only for readability: interpretRuleArgs does not care about the order.
  const protoNegated = cells.protocol.text.startsWith('!');
  const protoText = protoNegated ? cells.protocol.text.slice(1) : cells.protocol.text;
  const protoNumber = protocolNumber(protoText);
  if (protoNumber === null) {
    lost.push('protocol');
    notes.push({ kind: 'unknown-protocol', message: `protocol \`${protoText}' is not known; the rule's protocol is unknown`, span: cells.protocol.word.span });
  } else if (protoNumber !== 0 || protoNegated) {
    core.push(...bangWords(protoNegated, cells.protocol, '-p', protoText));
  }

  if (cells.option?.text === '-f') core.push(...words(cells.option, '-f'));
  else if (cells.option?.text === '!f') core.push(...words(cells.option, '!', '-f'));

  if (ctx.verbose) {
    for (const [cell, flag] of [[cells.inInterface!, '-i'], [cells.outInterface!, '-o']] as const) {
      const negated = cell.text.startsWith('!');
      const name = negated ? cell.text.slice(1) : cell.text;
      if (name === '*' || name === 'any') continue;
      core.push(...bangWords(negated, cell, flag, name));
    }
  } else {
    lost.push('inInterface', 'outInterface');
  }

  for (const [cell, flag, key] of [[cells.source, '-s', 'source'], [cells.destination, '-d', 'destination']] as const) {
    const negated = cell.text.startsWith('!');
    const text = negated ? cell.text.slice(1) : cell.text;
    if (text === 'anywhere') continue;
    if (parseAddressWithMask(text, ctx.family).ok) {
      core.push(...bangWords(negated, cell, flag, text));
      continue;
    }
    const slash = text.indexOf('/');
    const host = slash < 0 ? text : text.slice(0, slash);
    const known = WELL_KNOWN_HOSTS[host]?.[ctx.family];
    if (known) {
      const address = known + (slash < 0 ? '' : text.slice(slash));
      notes.push({ kind: 'host-name', message: `host name \`${host}' read as ${known}`, span: cell.word.span });
      core.push(...bangWords(negated, cell, flag, address));
      continue;
    }
    lost.push(key);
    notes.push({ kind: 'host-name', message: `${key} \`${text}' is a host name, not an address; the rule's ${key} is unknown`, span: cell.word.span });
  }

  // The trailing text: matches in rule order, then what the target prints.
  const scanner = new Scanner(cells.rest);
  const extensions: ArgToken[] = [];
  const restSpan = (from: number, to: number): SourceSpan => ({
    line: ctx.rowSpan.line,
    column: ctx.rowSpan.column + cells.restStart + from,
    offset: ctx.rowSpan.offset + cells.restStart + from,
    length: Math.max(0, to - from),
  });
  const goto = scanner.kw('[goto]');
  const read: ReadContext = {
    family: ctx.family,
    numeric: ctx.numeric,
    protocol: protoNumber !== null && protoNumber !== 0 && !protoNegated ? protocolName(protoNumber, ctx.family) : null,
  };
  const targetName = cells.target?.text ?? null;
  const targetReader = targetName ? TARGET_READERS[targetName] : undefined;
  const targetWords: ArgToken[] = [];
  while (!scanner.atEnd()) {
    scanner.skipBlanks();
    const from = scanner.pos;
    let got: string[] | null = null;
    for (const reader of MATCH_READERS) {
      got = scanner.attempt(() => reader(scanner, read));
      if (got) break;
    }
    if (got) {
      extensions.push(...got.map((text) => ({ text, span: restSpan(from, scanner.pos) })));
      continue;
    }
    const target = targetReader && targetWords.length === 0 ? scanner.attempt(() => targetReader(scanner, read)) : null;
    if (!target) break;
    targetWords.push(...target.map((text) => ({ text, span: restSpan(from, scanner.pos) })));
  }
  let unparsed: string | null = null;
  if (!scanner.atEnd()) {
    scanner.skipBlanks();
    unparsed = cells.rest.slice(scanner.pos).trimEnd();
    notes.push({
      kind: 'unparsed',
      message: `match text not understood, kept verbatim: ${unparsed.length > 60 ? unparsed.slice(0, 57) + '...' : unparsed}`,
      span: restSpan(scanner.pos, cells.rest.length),
    });
  }
  const jump = cells.target ? words(cells.target, goto ? '-g' : '-j', cells.target.text) : [];
  extensions.push(...jump, ...targetWords);
  return { core, extensions, jump, lost, unparsed, notes };
}
