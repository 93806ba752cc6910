/**
 * `-m sctp` (libxt_sctp): ports and chunk types, with per-chunk flag tests.
 * xt_sctp only loads with `-p sctp`. A chunk's flags are keyed by the position of its name in
 * iptables' chunk table, which equals the chunk type only for types 0-14: flags given for the
 * later chunks (I_DATA, ASCONF, …) never print back, exactly as in iptables.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable, RawOption } from '../../types.js';
import { formatRange, matchGuard, parsePortPair, requireProtocol, type NumRange } from './packet-util.js';

export type SctpChunkMatchType = 'any' | 'all' | 'only';

export interface SctpChunkFlags {
  /** The chunk type the kernel compares the flags for. */
  readonly chunkType: number;
  /** Flag bits examined. */
  readonly mask: number;
  /** Of those, the bits that must be set. */
  readonly flags: number;
}

export interface SctpChunkTest {
  readonly matchType: SctpChunkMatchType;
  /** Chunk types (0-255) named, ascending; all 256 for `ALL`, none for `NONE`. */
  readonly chunkTypes: readonly number[];
  readonly flags: readonly SctpChunkFlags[];
}

export interface SctpOptions {
  readonly sport?: Negatable<NumRange>;
  readonly dport?: Negatable<NumRange>;
  readonly chunks?: Negatable<SctpChunkTest>;
}

export const isSctpMatch = matchGuard<SctpOptions>('sctp');

/** name, type, flag letters from bit 7 down to bit 0 (`-` = none) */
const CHUNKS: readonly (readonly [string, number, string])[] = [
  ['DATA', 0, '----IUBE'], ['INIT', 1, '--------'], ['INIT_ACK', 2, '--------'], ['SACK', 3, '--------'],
  ['HEARTBEAT', 4, '--------'], ['HEARTBEAT_ACK', 5, '--------'], ['ABORT', 6, '-------T'],
  ['SHUTDOWN', 7, '--------'], ['SHUTDOWN_ACK', 8, '--------'], ['ERROR', 9, '--------'],
  ['COOKIE_ECHO', 10, '--------'], ['COOKIE_ACK', 11, '--------'], ['ECN_ECNE', 12, '--------'],
  ['ECN_CWR', 13, '--------'], ['SHUTDOWN_COMPLETE', 14, '-------T'], ['I_DATA', 64, '----IUBE'],
  ['RE_CONFIG', 130, '--------'], ['PAD', 132, '--------'], ['ASCONF', 193, '--------'],
  ['ASCONF_ACK', 128, '--------'], ['FORWARD_TSN', 192, '--------'], ['I_FORWARD_TSN', 194, '--------'],
];
/** XT_NUM_SCTP_FLAGS */
const MAX_FLAG_ENTRIES = 4;

function parseChunks(matchWord: string, list: string): SctpChunkTest | string {
  const matchType = matchWord.toLowerCase();
  if (matchType !== 'any' && matchType !== 'all' && matchType !== 'only') {
    return 'Match type has to be one of "ALL", "ANY" or "ONLY"';
  }
  if (list.toUpperCase() === 'ALL') {
    return { matchType, chunkTypes: Array.from({ length: 256 }, (_v, i) => i), flags: [] };
  }
  if (list.toUpperCase() === 'NONE') return { matchType, chunkTypes: [], flags: [] };
  const types = new Set<number>();
  const flags: { chunkType: number; mask: number; flags: number }[] = [];
  for (const item of list.split(',')) {
    if (item === '') continue;
    const colon = item.indexOf(':');
    const name = colon < 0 ? item : item.slice(0, colon);
    const index = CHUNKS.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (index < 0) return `Unknown sctp chunk \`${name}'`;
    types.add(CHUNKS[index][1]);
    if (colon < 0) continue;
    for (const letter of item.slice(colon + 1)) {
      const pos = CHUNKS[index][2].indexOf(letter.toUpperCase());
      if (pos < 0 || letter === '-') return `Invalid flags for chunk type ${index}`;
      const bit = 1 << (7 - pos);
      let entry = flags.find((f) => f.chunkType === index);
      if (!entry) {
        if (flags.length === MAX_FLAG_ENTRIES) {
          return 'Number of chunk types with flags exceeds currently allowed limit.';
        }
        entry = { chunkType: index, mask: 0, flags: 0 };
        flags.push(entry);
      }
      entry.mask |= bit;
      if (letter !== letter.toLowerCase()) entry.flags |= bit;
    }
  }
  return { matchType, chunkTypes: [...types].sort((a, b) => a - b), flags };
}

function printChunks(test: SctpChunkTest): string {
  const head = test.matchType;
  if (test.chunkTypes.length === 0) return `${head} NONE`;
  if (test.chunkTypes.length === 256) return `${head} ALL`;
  const words = test.chunkTypes.map((type) => {
    const entry = CHUNKS.find(([, t]) => t === type);
    let text = entry ? entry[0] : '';
    for (const f of test.flags) {
      if (f.chunkType !== type || !f.mask) continue;
      text += ':';
      for (let bit = 7; bit >= 0; bit--) {
        if (!(f.mask & (1 << bit))) continue;
        const letter = CHUNKS[type]?.[2][7 - bit] ?? '';
        text += f.flags & (1 << bit) ? letter : letter.toLowerCase();
      }
    }
    return text;
  });
  return `${head} ${words.join(',')}`;
}

export const sctpMatch: ExtensionDef<SctpOptions> = {
  kind: 'match',
  name: 'sctp',
  options: [
    { name: 'source-port', aliases: ['sport'], args: 1, invertible: true },
    { name: 'destination-port', aliases: ['dport'], args: 1, invertible: true },
    { name: 'chunk-types', args: 2, invertible: true },
  ],
  parse(options, ctx) {
    const out: { sport?: Negatable<NumRange>; dport?: Negatable<NumRange>; chunks?: Negatable<SctpChunkTest> } = {};
    const once = (o: RawOption, present: unknown, label: string): boolean => {
      if (present) ctx.error(`Only one \`--${label}' allowed`, o);
      return !present;
    };
    for (const o of options) {
      if (o.name === 'chunk-types') {
        if (!once(o, out.chunks, 'chunk-types')) return null;
        const list = o.args[1];
        if (list === undefined || list.startsWith('-') || list.startsWith('!')) {
          ctx.error('--chunk-types requires two args', o);
          return null;
        }
        const test = parseChunks(o.args[0], list);
        if (typeof test === 'string') {
          ctx.error(test, o);
          return null;
        }
        out.chunks = { value: test, negated: o.negated };
        continue;
      }
      const key = o.name === 'source-port' ? 'sport' : 'dport';
      if (!once(o, out[key], o.name)) return null;
      const r = parsePortPair(o.args[0], 'sctp');
      if (typeof r === 'string') {
        ctx.error(r, o);
        return null;
      }
      out[key] = { value: r, negated: o.negated };
    }
    if (!requireProtocol(ctx, 'SCTP', 132)) return null;
    return out;
  },
  save(o) {
    const parts: string[] = [];
    if (o.sport) parts.push(`${bang(o.sport.negated)}--sport ${formatRange(o.sport.value)}`);
    if (o.dport) parts.push(`${bang(o.dport.negated)}--dport ${formatRange(o.dport.value)}`);
    if (o.chunks) parts.push(`${bang(o.chunks.negated)}--chunk-types ${printChunks(o.chunks.value)}`);
    return parts.join(' ');
  },
};
