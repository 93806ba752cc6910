/**
 * The columns of a listing: what the column header says about the flags, and how a rule row is
 * cut into cells. iptables prints each cell padded to a minimum width and followed by one blank
 * (xshared.c print_rule_details, print_ifaces, print_ipv4_addresses), so a cell that overflows
 * still ends at a blank; only the target cell may be empty, which shows as a wider gap.
 */
import type { Counters } from '../types.js';
import type { LineWord } from './lines.js';

export interface ColumnLayout {
  readonly lineNumbers: boolean;
  /** `-v`: counters and interfaces. */
  readonly verbose: boolean;
  /** `-x`: counters printed `%8llu` (header `    pkts`) instead of `%5` with K/M/G suffixes. */
  readonly exact: boolean;
}

export function readColumnHeader(text: string): ColumnLayout {
  const words = text.trim().split(/\s+/);
  const verbose = words.includes('pkts');
  // `-x` widens the pkts cell to 8: the header then has at least 4 blanks before `pkts`.
  const pkts = text.indexOf('pkts');
  const before = verbose ? text.slice(words[0] === 'num' ? text.indexOf('num') + 3 : 0, pkts) : '';
  return { lineNumbers: words[0] === 'num', verbose, exact: verbose && before.length >= 4 };
}

export interface Cell {
  readonly text: string;
  readonly word: LineWord;
  /** Offset of the cell's first character from the start of the row. */
  readonly start: number;
}

export interface RowCells {
  readonly number: number | null;
  readonly packets: Cell | null;
  readonly bytes: Cell | null;
  /** Null: the target cell is empty (a rule that only counts). */
  readonly target: Cell | null;
  readonly protocol: Cell;
  /** `--`, `-f`, `!f`; absent in old ip6tables, which printed blanks there. */
  readonly option: Cell | null;
  readonly inInterface: Cell | null;
  readonly outInterface: Cell | null;
  readonly source: Cell;
  readonly destination: Cell;
  /** What the extensions printed after the destination (leading blank removed). */
  readonly rest: string;
  /** Offset of `rest` in the row. */
  readonly restStart: number;
}

const COUNTER = /^(\d+)([KMGT]?)$/;
const OPTION_CELL = /^[-!][-f]$/;

/** `55336`, `83M`: K/M/G/T are powers of 1000, rounded by iptables (xtables_print_num). */
export function parseCounter(text: string): { value: number; exact: boolean } | null {
  const m = COUNTER.exec(text);
  if (!m) return null;
  const scale = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2]]!;
  return { value: Number(m[1]) * scale, exact: m[2] === '' };
}

export function rowCounters(cells: RowCells): Counters | null {
  if (!cells.packets || !cells.bytes) return null;
  const p = parseCounter(cells.packets.text)!;
  const b = parseCounter(cells.bytes.text)!;
  return { packets: p.value, bytes: b.value, exact: p.exact && b.exact };
}

/** Cuts a row into cells; null when the line is not a row of this layout. */
export function splitRow(row: string, words: readonly LineWord[], layout: ColumnLayout): RowCells | null {
  let i = 0;
  const cell = (w: LineWord | undefined): Cell | null => (w ? { text: w.text, word: w, start: w.column } : null);
  let number: number | null = null;
  // Column where the target cell starts when it is not empty.
  let targetColumn = 0;
  if (layout.lineNumbers) {
    const w = words[i++];
    if (!w || !/^\d+$/.test(w.text)) return null;
    number = Number(w.text);
    targetColumn = w.column + Math.max(w.text.length, 4) + 1;
  }
  let packets: Cell | null = null;
  let bytes: Cell | null = null;
  if (layout.verbose) {
    packets = cell(words[i++]);
    bytes = cell(words[i++]);
    if (!packets || !bytes || !COUNTER.test(packets.text) || !COUNTER.test(bytes.text)) return null;
    targetColumn = bytes.start + bytes.text.length + 1;
  }
  const first = words[i];
  if (!first) return null;
  const target = first.column <= targetColumn ? cell(words[i++]) : null;
  const protocol = cell(words[i++]);
  if (!protocol) return null;
  const option = words[i] && OPTION_CELL.test(words[i].text) ? cell(words[i++]) : null;
  let inInterface: Cell | null = null;
  let outInterface: Cell | null = null;
  if (layout.verbose) {
    inInterface = cell(words[i++]);
    outInterface = cell(words[i++]);
  }
  const source = cell(words[i++]);
  const destination = cell(words[i++]);
  if (!source || !destination || (layout.verbose && (!inInterface || !outInterface))) return null;
  const restStart = destination.start + destination.text.length;
  const rest = row.slice(restStart);
  const lead = rest.length - rest.trimStart().length;
  return {
    number,
    packets,
    bytes,
    target,
    protocol,
    option,
    inInterface,
    outInterface,
    source,
    destination,
    rest: rest.trim(),
    restStart: restStart + lead,
  };
}
