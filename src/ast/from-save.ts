/**
 * Builds the AST from the CST of `iptables-save` / `ip6tables-save` (with or without `-c`) and
 * `iptables -S` text. Lines are first turned into plain records (CST visitor), then grouped
 * into tables, then each rule's words are interpreted with the table and chains known.
 */
import { ChainRecords, RuleRecords, registerRecords } from './rule-records.js';
import type { CstNode, IToken } from 'chevrotain';
import { saveParser } from '../../grammar/save-parser.js';
import { parseSaveText } from '../../grammar/index.js';
import { splitRestoreWords, parseCounterWord } from '../../grammar/restore-words.js';
import type {
  Chain,
  Counters,
  Diagnostic,
  Family,
  InputFormat,
  Policy,
  Rule,
  SourceSpan,
  Table,
} from './types.js';
import { BUILTIN_CHAINS, isBuiltinChain, isBuiltinTable } from './types.js';
import { interpretRuleArgs, MAX_CHAIN_NAME, type ArgToken } from './rule-args.js';
import { promptTable, looksLikePrompt } from './prompt.js';
import { quoteRestoreWord } from './print-save.js';
import { deferredChain, registerPending, type DeferredRules } from './deferred.js';
import { smallInt, tokenSpan } from './span.js';

export { tokenSpan };

/** A line of the input as the grammar saw it. */
type LineRecord =
  | { kind: 'comment'; text: string; span: SourceSpan }
  | { kind: 'table'; name: string; extra: ArgToken[]; span: SourceSpan }
  | { kind: 'chain'; name: string; words: ArgToken[]; counters: Counters | null; span: SourceSpan }
  | { kind: 'commit'; span: SourceSpan }
  | CommandRecord
  /** A deferred `-A` line: its index in AppendLines. */
  | number;

/**
 * Plain `-A CHAIN …` lines whose reading is deferred (parse with `deferRules`), by index: the
 * chain each appends to, its line number, and the offsets of its first character and its end.
 * Flat arrays, not an object per line: a kube-proxy file has a hundred thousand of them. A line
 * becomes a CommandRecord (`commandOf`) when its chain is read.
 */
class AppendLines {
  readonly chain: string[] = [];
  readonly line: number[] = [];
  readonly offset: number[] = [];
  readonly end: number[] = [];

  add(chain: string, line: number, offset: number, end: number): number {
    this.line.push(line);
    this.offset.push(offset);
    this.end.push(end);
    return this.chain.push(chain) - 1;
  }
}

/**
 * A command line (`-A …`). Its words are split again when the command runs rather than kept:
 * holding every line's words (two objects a word) until the whole file was read was most of a
 * large parse's peak memory.
 */
class CommandRecord {
  readonly kind = 'command' as const;

  constructor(
    readonly counters: Counters | null,
    /** The first word after the counters: the command (`-A`) when the line is one. */
    readonly head: string,
    readonly text: string,
    readonly span: SourceSpan,
    readonly joins: SourceSpan[],
    private readonly lineText: string,
    private readonly base: SourceSpan,
    /** 1 when the first word is `[packets:bytes]`. */
    private readonly skip: number,
  ) {}

  /** The line's words after the counters, with their spans (a new array on every call). */
  get words(): ArgToken[] {
    const base = this.base;
    const split = splitRestoreWords(this.lineText);
    const words: ArgToken[] = new Array(split.length - this.skip);
    for (let i = this.skip; i < split.length; i++) {
      const w = split[i];
      words[i - this.skip] = new LineWord(w.text, base.line, base.column + w.start, base.offset + w.start, w.length);
    }
    return words;
  }
}

/**
 * A word of a command line whose span is made when asked for: the rule reader asks for the spans
 * of a few words of a rule (options, and the ends of what the AST keeps), and a span object for
 * every word was a large share of a big parse's garbage.
 */
class LineWord implements ArgToken {
  constructor(
    readonly text: string,
    private readonly line: number,
    private readonly column: number,
    private readonly offset: number,
    private readonly length: number,
  ) {}

  get span(): SourceSpan {
    return { line: this.line, column: this.column, offset: this.offset, length: this.length };
  }
}

/** Removes iptables-restore quoting from one word, as the restore word splitter reads it. */
export function unquoteWord(raw: string): string {
  if (!raw.includes('"')) return raw;
  return splitRestoreWords(raw).map((w) => w.text).join(' ');
}

/** `[0:0]`, what nearly every chain line of a save file says: one shared, frozen value. */
const ZERO_COUNTERS: Counters = Object.freeze({ packets: 0, bytes: 0, exact: true });

function parseCounterPair(image: string): Counters {
  if (image === '[0:0]') return ZERO_COUNTERS;
  const [p, b] = image.slice(1, -1).split(':');
  return { packets: Number(p), bytes: Number(b), exact: true };
}

function lineSpan(first: IToken, last: IToken): SourceSpan {
  const a = tokenSpan(first);
  const b = tokenSpan(last);
  return { line: a.line, column: a.column, offset: a.offset, length: b.offset + b.length - a.offset };
}

const BaseVisitor = saveParser.getBaseCstVisitorConstructorWithDefaults();

/** CST -> line records. */
class SaveLineVisitor extends BaseVisitor {
  private lines: LineRecord[] = [];

  constructor() {
    super();
    this.validateVisitor();
  }

  collect(cst: CstNode): LineRecord[] {
    this.lines = [];
    this.visit(cst);
    // Handed over, not copied: the shared visitor must not keep the last input's lines alive.
    const lines = this.lines;
    this.lines = [];
    return lines;
  }

  private words(tokens: IToken[] | undefined): ArgToken[] {
    return (tokens ?? []).map((t) => ({ text: unquoteWord(t.image), span: tokenSpan(t) }));
  }

  file(ctx: Record<string, CstNode[]>): void {
    for (const line of ctx.line ?? []) this.visit(line);
  }

  line(ctx: Record<string, (CstNode | IToken)[]>): void {
    const comment = ctx.Comment?.[0] as IToken | undefined;
    if (comment) {
      this.lines.push({ kind: 'comment', text: comment.image, span: tokenSpan(comment) });
      return;
    }
    for (const key of ['tableLine', 'chainLine', 'commitLine', 'commandLine']) {
      const node = ctx[key]?.[0] as CstNode | undefined;
      if (node) this.visit(node);
    }
  }

  tableLine(ctx: Record<string, IToken[]>): void {
    const head = ctx.TableHeader[0];
    const words = ctx.Word ?? [];
    this.lines.push({
      kind: 'table',
      name: head.image.slice(1),
      extra: this.words(words),
      span: lineSpan(head, words.length ? words[words.length - 1] : head),
    });
  }

  chainLine(ctx: Record<string, IToken[]>): void {
    const head = ctx.ChainHeader[0];
    const all = [head, ...(ctx.Word ?? []), ...(ctx.CounterPair ?? [])].sort((a, b) => a.startOffset - b.startOffset);
    this.lines.push({
      kind: 'chain',
      name: head.image.slice(1),
      words: this.words(ctx.Word),
      counters: ctx.CounterPair ? parseCounterPair(ctx.CounterPair[0].image) : null,
      span: lineSpan(head, all[all.length - 1]),
    });
  }

  commitLine(ctx: Record<string, IToken[]>): void {
    this.lines.push({ kind: 'commit', span: tokenSpan(ctx.Commit[0]) });
  }

  commandLine(ctx: Record<string, IToken[]>): void {
    const tok = ctx.CommandText[0];
    this.lines.push(commandRecord(tok.image, tokenSpan(tok)));
  }
}

/** The record of a command line: `image` is the line as the CommandText token holds it, `base` that token's span. */
function commandRecord(image: string, base: SourceSpan): CommandRecord {
  const lineText = image.trimEnd();
  const joins = terminalWrapPoints(lineText, base.column);
  const split = splitRestoreWords(lineText);
  // Split here for the counters and the command word; the words' records are built when it runs.
  const first = split[0];
  const pair = split.length > 1 ? parseCounterWord(first.text) : null;
  const counters: Counters | null = pair ? { ...pair, exact: true } : null;
  const skip = pair ? 1 : 0;
  return new CommandRecord(
    counters,
    split[skip].text,
    lineText.trimStart(),
    // From the first word, counters included.
    {
      line: base.line,
      column: base.column + first.start,
      offset: base.offset + first.start,
      length: lineText.length - first.start,
    },
    joins.map((at) => ({ line: base.line, column: base.column + at, offset: base.offset + at, length: 1 })),
    lineText,
    base,
    skip,
  );
}

/** Whitespace the fast reader does not handle (the lexer's `\s` is wider than blank and newline). */
const UNUSUAL_BLANK = /[^\S \t\n]/;
const CHAIN_LINE = /^:(\S*) ([A-Za-z-]+)(?: (\[\d+:\d+\]))?$/;
const COMMIT_LINE = /^COMMIT[ \t]*$/;
const BLANK_LINE = /^[ \t]*$/;

/**
 * The line records of ordinary iptables-save text, read without the lexer and parser: the same
 * records the grammar gives, at a fraction of the cost (no token or CST objects for 100k+ lines,
 * which were a large part of a big parse's time and memory). Returns null as soon as a line is
 * anything but the plain forms below — leading blanks, quotes in a chain line, words after a
 * table name, CR line ends, unusual whitespace — and the grammar reads the text instead, so that
 * its error messages and recovery stay the only ones.
 */
function readPlainLines(text: string, appends: AppendLines | null): LineRecord[] | null {
  if (UNUSUAL_BLANK.test(text)) return null;
  const lines: LineRecord[] = [];
  let offset = 0;
  let lineNumber = 1;
  /** The chain of the last deferred line: the next line nearly always appends to it too. */
  let lastChain = '';
  while (offset < text.length) {
    let end = text.indexOf('\n', offset);
    if (end < 0) end = text.length;
    if (appends !== null && text.charCodeAt(offset) === 45 /* - */) {
      // Deferred without making the line's string: only its chain name is read.
      const chain = lastChain !== '' && sameAppendChain(text, offset, end, lastChain) ? lastChain : plainAppendChain(text, offset, end);
      if (chain !== null) {
        lines.push(appends.add(chain, lineNumber, offset, end));
        lastChain = chain;
        offset = end + 1;
        lineNumber++;
        continue;
      }
    }
    const line = text.slice(offset, end);
    const c = line.charCodeAt(0);
    if (line.length === 0 || ((c === 32 || c === 9) && BLANK_LINE.test(line))) {
      // Nothing: the grammar skips blank lines.
    } else if (c === 32 || c === 9) {
      return null;
    } else if (c === 35 /* # */) {
      lines.push({ kind: 'comment', text: line, span: { line: lineNumber, column: 1, offset, length: line.length } });
    } else if (c === 42 /* * */) {
      if (/\s/.test(line)) return null;
      lines.push({ kind: 'table', name: line.slice(1), extra: [], span: { line: lineNumber, column: 1, offset, length: line.length } });
    } else if (c === 58 /* : */) {
      const m = CHAIN_LINE.exec(line);
      if (!m) return null;
      const policyAt = m[1].length + 2;
      lines.push({
        kind: 'chain',
        name: m[1],
        words: [{ text: m[2], span: { line: lineNumber, column: policyAt + 1, offset: offset + policyAt, length: m[2].length } }],
        counters: m[3] ? parseCounterPair(m[3]) : null,
        span: { line: lineNumber, column: 1, offset, length: line.length },
      });
    } else if (c === 67 /* C */ && COMMIT_LINE.test(line)) {
      lines.push({ kind: 'commit', span: { line: lineNumber, column: 1, offset, length: 6 } });
    } else {
      lines.push(commandRecord(line, { line: lineNumber, column: 1, offset, length: line.length }));
    }
    offset = end + 1;
    lineNumber++;
  }
  return lines;
}

/**
 * The chain of a line `-A CHAIN WORD…` whose chain name needs no unquoting; null for any other
 * line, which is read at once as it always is.
 */
function plainAppendChain(text: string, offset: number, end: number): string | null {
  if (text.charCodeAt(offset + 1) !== 65 /* A */ || text.charCodeAt(offset + 2) !== 32) return null;
  for (let i = offset + 3; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) return i > offset + 3 && i + 1 < end ? text.slice(offset + 3, i) : null;
    if (c === 34 /* " */ || c === 39 /* ' */ || c === 92 /* \ */ || c === 9) return null;
  }
  return null;
}

/** Whether the line is `-A CHAIN WORD…` for this chain (a name plainAppendChain gave before). */
function sameAppendChain(text: string, offset: number, end: number, chain: string): boolean {
  const after = offset + 3 + chain.length;
  return after + 1 < end && text.charCodeAt(offset + 1) === 65 && text.charCodeAt(offset + 2) === 32 && text.charCodeAt(after) === 32 && text.startsWith(chain, offset + 3);
}

/** How many lines a chain's deferred ranges hold, from the pair at `from`. */
function rangeLength(ranges: readonly number[], from: number): number {
  let n = 0;
  for (let i = from; i < ranges.length; i += 2) n += ranges[i + 1] - ranges[i];
  return n;
}

/** The command record of a deferred line: what an eager parse makes of the same line. */
function commandOf(text: string, appends: AppendLines, k: number): CommandRecord {
  const offset = appends.offset[k];
  const end = appends.end[k];
  return commandRecord(text.slice(offset, end), { line: appends.line[k], column: 1, offset, length: end - offset });
}

const lineVisitor = new SaveLineVisitor();

/** The width terminals wrap pasted text at; a long run of blanks that starts exactly there is wrap padding. */
const WRAP_WIDTH = 80;
const MIN_PADDING = 8;

/**
 * Where a line looks broken by a terminal: text copied from one sometimes has a long run of
 * blanks where it wrapped a long line at column 80, often in the middle of a word. iptables-restore
 * reads that as two words; so does netfate, but it says why the rule is likely wrong.
 */
const NO_WRAP: number[] = [];
const PADDING = ' '.repeat(MIN_PADDING);

export function terminalWrapPoints(line: string, startColumn: number): number[] {
  // Almost every line is short of a run of blanks: skip the scan for them.
  if (line.length <= WRAP_WIDTH || !line.includes(PADDING)) return NO_WRAP;
  const points: number[] = [];
  const re = / +/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) {
    const column = startColumn - 1 + m.index;
    if (m[0].length >= MIN_PADDING && column > 0 && column % WRAP_WIDTH === 0 && m.index + m[0].length < line.length) {
      points.push(m.index);
    }
  }
  return points;
}

export interface FromSaveOptions {
  readonly file: string;
  /** Forces the family; else the header comment and the addresses decide. */
  readonly family?: Family;
  /** Table of `iptables -S` output that names none. */
  readonly table?: string;
  /** Read each chain's `-A` lines only when its rules are first asked for (see deferred.ts). */
  readonly deferRules?: boolean;
}

export interface FromSaveResult {
  readonly tables: Table[];
  readonly diagnostics: Diagnostic[];
  readonly format: InputFormat;
  /** With `deferRules`: the chains not read yet. */
  readonly deferred?: DeferredRules;
}

const RULE_COMMANDS = new Map<string, string>([
  ['-A', 'A'], ['--append', 'A'], ['-I', 'I'], ['--insert', 'I'], ['-N', 'N'], ['--new-chain', 'N'],
  ['--new', 'N'], ['-P', 'P'], ['--policy', 'P'], ['-F', 'F'], ['--flush', 'F'], ['-X', 'X'],
  ['--delete-chain', 'X'], ['-Z', 'Z'], ['--zero', 'Z'], ['-D', 'D'], ['--delete', 'D'],
  ['-R', 'R'], ['--replace', 'R'], ['-E', 'E'], ['--rename-chain', 'E'],
]);

/** Guesses the family of save/spec text: the header names ip6tables, or an address has a colon. */
export function detectFamily(text: string): Family {
  // Comment lines only (a few in a file of 100k+ lines), found without a regex over all of it.
  let v4Header = false;
  for (let at = text.startsWith('#') ? 0 : commentAfter(text, 0); at >= 0; at = commentAfter(text, at + 1)) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const comment = text.slice(at, end);
    if (comment.includes('ip6tables')) return 6;
    if (/\biptables/.test(comment)) v4Header = true;
  }
  if (v4Header) return 4;
  if (IPV6_SELECTOR.test(text) || IPV6_ICMP.test(text)) return 6;
  return 4;
}

/** The offset of the next line after `from` that starts with `#`, or -1. */
function commentAfter(text: string, from: number): number {
  const at = text.indexOf('\n#', from);
  return at < 0 ? -1 : at + 1;
}

/** An address option (after a blank, or first in the text) with an IPv6 address. */
const IPV6_SELECTOR = /(?:^|\s)(?:-[sd]|--source|--destination|--src|--dst)\s+(?:!\s+)?[0-9a-fA-F]*:[0-9a-fA-F:.]*(?:\/\d+)?(?=\s)/;
const IPV6_ICMP = /ipv6-icmp|icmpv6/;

interface ChainBuilder {
  name: string;
  builtin: boolean;
  /** A `:NAME` line (or `-N`) declared it; builtin chains exist without one. */
  declared: boolean;
  policy: Policy | null;
  counters: Counters | null;
  rules: Rule[];
  /** The chain's index in the table's chains (the order they were made in). */
  index: number;
  /** The rules' records (see rule-records), aligned with `rules`. */
  records: ChainRecords;
  span: SourceSpan;
  /**
   * `-A` lines not read yet (deferRules), in order, after `rules`: ranges of AppendLines indexes,
   * as [from, to) pairs (a chain's lines are nearly always one run of consecutive lines).
   */
  deferred: number[] | null;
  /** The pair of `deferred` read next (lines are read from its start). */
  cursor: number;
  /** The AST chain, once the table is finished. */
  node?: Chain;
}

interface TableBuilder {
  name: string;
  span: SourceSpan;
  chains: Map<string, ChainBuilder>;
  committed: boolean;
  /** Whether any chain line or command named the table: an empty `*nat COMMIT` creates nothing. */
  used: boolean;
  /** Spec format: lines kept until the table is known. */
  pending: CommandRecord[];
  /** Chains with deferred lines. */
  deferring: ChainBuilder[];
  /** Numeric copies of the table's rules (see rule-records). */
  records: RuleRecords;
}

export function saveToAst(text: string, options: FromSaveOptions): FromSaveResult {
  const diagnostics: Diagnostic[] = [];
  const file = options.file;
  /** Diagnostics of lines read after the parse returned (deferred chains) go to their own list. */
  const lateDiagnostics: Diagnostic[] = [];
  let sink = diagnostics;
  const diag = (severity: 'error' | 'warning', message: string, span: SourceSpan): void => {
    sink.push({ severity, message, file, span });
  };
  // In a function of its own so that the CST and its tokens are garbage once the lines are read.
  const appends = options.deferRules === true ? new AppendLines() : null;
  const lines = readLines(text, diag, appends);
  let unreadLines = 0;
  const family = options.family ?? detectFamily(text);
  const isSave = lines.some((l) => typeof l !== 'number' && l.kind === 'table' && isBuiltinTable(l.name));
  const format: InputFormat = isSave ? 'save' : 'spec';

  const tables: Table[] = [];
  let current: TableBuilder | null = null;
  /** Table named by the last prompt line (`iptables -t nat -S`), for spec output. */
  let promptTableName: string | null = null;

  const finish = (t: TableBuilder): void => {
    let deferring = false;
    // One reader per table, not a closure per chain: a kube-proxy table has forty thousand.
    const read = (name: string): Rule[] => {
      const c = t.chains.get(name)!;
      readChain(t, c);
      return c.rules;
    };
    const table: Table = {
      type: 'Table',
      name: t.name,
      family,
      format,
      file,
      span: t.span,
      chains: [...t.chains.values()].map((c): Chain => {
        // Rules read so far (all, or those before the deferred lines); readLine numbers the rest.
        numberRules(c.rules);
        if (c.deferred === null) {
          c.node = { type: 'Chain', name: c.name, builtin: c.builtin, policy: c.policy, counters: c.counters, references: null, rules: c.rules, span: c.span };
          return c.node;
        }
        deferring = true;
        c.node = deferredChain({ type: 'Chain', name: c.name, builtin: c.builtin, policy: c.policy, counters: c.counters, references: null, span: c.span }, read);
        return c.node;
      }),
    };
    t.records.seal([...t.chains.values()].map((c) => c.records), deferring);
    registerRecords(table, t.records);
    if (deferring) {
      registerPending(table, {
        lines: (name) => {
          const c = t.chains.get(name);
          return c?.deferred ? rangeLength(c.deferred, c.cursor) : undefined;
        },
        readLine: (name) => readLine(t, t.chains.get(name)!),
        readSoFar: (name) => t.chains.get(name)!.rules,
        chain: (name) => t.chains.get(name)?.node,
      });
    }
    tables.push(table);
  };

  /** Runs a chain's deferred lines, in order, as the eager parse runs them. */
  const readChain = (t: TableBuilder, c: ChainBuilder): void => {
    while (readLine(t, c));
  };

  /** Runs a chain's next deferred line (the first of its first range); false when none is left. */
  const readLine = (t: TableBuilder, c: ChainBuilder): boolean => {
    const ranges = c.deferred;
    if (ranges === null) return false;
    const k = ranges[c.cursor];
    if (k + 1 < ranges[c.cursor + 1]) ranges[c.cursor] = k + 1;
    else if (c.cursor + 2 < ranges.length) c.cursor += 2;
    else c.deferred = null;
    unreadLines--;
    const before = c.rules.length;
    runCommand(t, commandOf(text, appends!, k));
    numberRules(c.rules, before);
    return true;
  };

  /**
   * Before anything that changes a table's chains or their rules in another way than a deferred
   * append (a chain line, -N, -I, an -A read at once), its deferred lines are read: they then
   * see the chains that existed when they were written, and keep their place among the rules.
   */
  const readDeferred = (t: TableBuilder): void => {
    if (t.deferring.length === 0) return;
    for (const c of t.deferring) readChain(t, c);
    t.deferring = [];
  };

  const newTable = (name: string, span: SourceSpan): TableBuilder => {
    const chains = new Map<string, ChainBuilder>();
    return {
      name,
      span,
      chains,
      committed: false,
      used: false,
      pending: [],
      deferring: [],
      // A rule names a chain only once it exists: its index is known as the rule is recorded.
      // Room for a rule per line of the file, given back when the table is made: a table read
      // at once then never copies its records to grow them.
      records: new RuleRecords((chain) => chains.get(chain)?.index ?? -1, appends === null ? lines.length : 256),
    };
  };

  const addBuiltins = (t: TableBuilder, span: SourceSpan): void => {
    if (!isBuiltinTable(t.name)) return;
    for (const hook of BUILTIN_CHAINS[t.name]) {
      if (!t.chains.has(hook)) {
        t.chains.set(hook, { name: hook, builtin: true, declared: false, policy: 'ACCEPT', counters: null, rules: [], index: t.chains.size, records: new ChainRecords(), span, deferred: null, cursor: 0 });
      }
    }
  };

  const checkChainName = (name: string, span: SourceSpan): boolean => {
    if (name.length > MAX_CHAIN_NAME) {
      diag('error', `chain name \`${name}' too long (must be under ${MAX_CHAIN_NAME + 1} chars)`, span);
      return false;
    }
    if (name.startsWith('-') || name.startsWith('!')) {
      diag('error', `chain name \`${name}' not allowed`, span);
      return false;
    }
    return true;
  };

  let lastChainAsked: string | null = null;
  let lastChainAnswer = false;
  const runCommand = (t: TableBuilder, line: Extract<LineRecord, { kind: 'command' }>): void => {
    // isChain's memo holds for one command: each has its own table state.
    lastChainAsked = null;
    for (const at of line.joins) diag('warning', 'a run of blanks at column 80: this line looks wrapped by a terminal when it was copied', at);
    const words = line.words;
    const cmd = RULE_COMMANDS.get(words[0].text)!;
    const args = words.slice(1);
    const chainTok = args[0];
    if (!chainTok) {
      diag('error', `option "${words[0].text}" requires an argument`, words[0].span);
      return;
    }
    switch (cmd) {
      case 'N': {
        if (!checkChainName(chainTok.text, chainTok.span)) return;
        if (t.chains.has(chainTok.text)) {
          diag('error', `chain \`${chainTok.text}' already exists`, chainTok.span);
          return;
        }
        t.chains.set(chainTok.text, { name: chainTok.text, builtin: false, declared: true, policy: null, counters: null, rules: [], index: t.chains.size, records: new ChainRecords(), span: line.span, deferred: null, cursor: 0 });
        return;
      }
      case 'P': {
        const chain = t.chains.get(chainTok.text);
        const policy = args[1]?.text;
        if (!chain || !chain.builtin) {
          diag('error', `bad built-in chain name \`${chainTok.text}'`, chainTok.span);
          return;
        }
        if (policy !== 'ACCEPT' && policy !== 'DROP') {
          diag('error', `bad policy name \`${policy ?? ''}'`, args[1]?.span ?? chainTok.span);
          return;
        }
        chain.policy = policy;
        chain.span = line.span;
        // `iptables -S -v`: `-P INPUT ACCEPT -c 12 3456`
        if (args[2]?.text === '-c' && args[3] && args[4]) {
          chain.counters = { packets: Number(args[3].text), bytes: Number(args[4].text), exact: true };
        }
        return;
      }
      case 'A':
      case 'I': {
        const chain = t.chains.get(chainTok.text);
        if (!chain) {
          diag('error', `Couldn't load rule: chain \`${chainTok.text}' does not exist`, chainTok.span);
          return;
        }
        let ruleArgs = args.slice(1);
        let position = chain.rules.length;
        if (cmd === 'I') {
          position = 0;
          if (ruleArgs[0] && /^\d+$/.test(ruleArgs[0].text)) {
            position = Math.min(Number(ruleArgs[0].text) - 1, chain.rules.length);
            ruleArgs = ruleArgs.slice(1);
          }
        }
        const result = interpretRuleArgs(ruleArgs, {
          family,
          table: t.name,
          chain: chain.name,
          isChain: (name) => {
            // Asked up to three times for the same `-j NAME` of a rule.
            if (name !== lastChainAsked) {
              lastChainAsked = name;
              lastChainAnswer = t.chains.has(name) && !isBuiltinChain(t.name, name);
            }
            return lastChainAnswer;
          },
          chainName: (name) => t.chains.get(name)?.name,
        });
        for (const p of result.problems) diag(p.severity, p.message, p.span);
        if (result.rules.length === 0) {
          // iptables would refuse it (the error is reported); keep it, as written, so that rule
          // numbers stay right and nothing the user gave is lost.
          const invalid: Rule = {
            type: 'Rule',
            chain: chain.name,
            number: 0,
            counters: line.counters,
            core: {},
            matches: [],
            target: null,
            text: line.text,
            span: line.span,
            lost: ['matches', 'target'],
            unparsed: ruleArgs.map((w) => quoteRestoreWord(w.text)).join(' '),
            invalid: true,
          };
          chain.rules.splice(Math.max(0, position), 0, invalid);
          chain.records.insert(Math.max(0, position), [t.records.add(invalid, 0)]);
          return;
        }
        const made = result.rules.map(
          (parts): Rule => ({
            type: 'Rule',
            chain: chain.name,
            number: 0,
            counters: line.counters ?? parts.counters,
            core: parts.core,
            matches: parts.matches,
            target: parts.target,
            text: line.text,
            span: line.span,
          }),
        );
        // -A (the whole of a save file) appends: push, which V8 does in place; splice at the
        // end of a 10k-rule chain was a measurable share of a large parse.
        const records = t.records;
        if (position >= chain.rules.length) {
          for (const rule of made) {
            chain.rules.push(rule);
            chain.records.push(records.add(rule, 0));
          }
        } else {
          chain.rules.splice(Math.max(0, position), 0, ...made);
          chain.records.insert(Math.max(0, position), made.map((rule) => records.add(rule, 0)));
        }
        return;
      }
      default:
        diag('warning', `command "${words[0].text}" in restore input is not modelled; line ignored`, words[0].span);
    }
  };

  /** Spec output has no `*table` line: decide its table once its chains are known, then run its lines. */
  const flushSpec = (t: TableBuilder): void => {
    if (t.name === '') {
      const policies = t.pending
        .filter((l): l is Extract<LineRecord, { kind: 'command' }> => l.kind === 'command' && RULE_COMMANDS.get(l.head) === 'P')
        .map((l) => l.words[1]?.text ?? '');
      t.name = promptTableName ?? options.table ?? inferTableFromBuiltins(policies) ?? 'filter';
    }
    addBuiltins(t, t.span);
    // Chains first, so that `-j NAME` to a chain declared later is still a chain.
    for (const l of t.pending) {
      if (l.kind === 'command' && RULE_COMMANDS.get(l.head) === 'N') runCommand(t, l);
    }
    for (const l of t.pending) {
      if (l.kind === 'command' && RULE_COMMANDS.get(l.head) !== 'N') runCommand(t, l);
    }
    t.pending = [];
    finish(t);
  };

  /** The chain of the last deferred line, and its builder in `current`: consecutive lines share them. */
  let lastName: string | null = null;
  let lastChain: ChainBuilder | undefined;
  for (const line of lines) {
    if (typeof line === 'number') {
      const name = appends!.chain[line];
      if (name !== lastName) {
        lastName = name;
        lastChain = current && format === 'save' ? current.chains.get(name) : undefined;
      }
      const chain = lastChain;
      if (current && chain) {
        current.used = true;
        const ranges = chain.deferred;
        if (ranges === null) {
          chain.deferred = [line, line + 1];
          chain.cursor = 0;
          current.deferring.push(chain);
        } else if (ranges[ranges.length - 1] === line) {
          ranges[ranges.length - 1] = line + 1;
        } else {
          ranges.push(line, line + 1);
        }
        unreadLines++;
      } else {
        command(commandOf(text, appends!, line));
      }
      continue;
    }
    // Any other line may change the table or its chains.
    lastName = null;
    switch (line.kind) {
      case 'comment':
        break;
      case 'table': {
        if (current) {
          if (format === 'spec') flushSpec(current);
          else {
            diag('error', `table \`${current.name}' was not committed before \`*${line.name}'`, line.span);
            finish(current);
          }
        }
        if (!isBuiltinTable(line.name)) {
          diag('error', `table \`${line.name}' does not exist`, line.span);
          current = null;
          break;
        }
        current = newTable(line.name, line.span);
        // Builtin chains exist as soon as the table does: `-A INPUT` needs no `:INPUT` line.
        addBuiltins(current, line.span);
        break;
      }
      case 'chain': {
        if (current) readDeferred(current);
        if (!current || format !== 'save') {
          diag('warning', `chain line outside of a table; ignored`, line.span);
          break;
        }
        current.used = true;
        const policyWord = line.words[0]?.text ?? '';
        const builtin = isBuiltinChain(current.name, line.name);
        if (!checkChainName(line.name, line.span)) break;
        const existing = current.chains.get(line.name);
        if (existing && (existing.declared || !builtin)) {
          diag('error', `chain \`${line.name}' declared twice`, line.span);
          break;
        }
        let policy: Policy | null = null;
        if (builtin) {
          if (policyWord !== 'ACCEPT' && policyWord !== 'DROP') {
            diag('error', `bad policy \`${policyWord}' for built-in chain ${line.name}`, line.words[0]?.span ?? line.span);
            break;
          }
          policy = policyWord;
        } else if (policyWord !== '-') {
          diag('error', `user-defined chain \`${line.name}' cannot have a policy (\`${policyWord}')`, line.words[0]?.span ?? line.span);
          break;
        }
        current.chains.set(line.name, { name: line.name, builtin, declared: true, policy, counters: line.counters, rules: [], index: existing?.index ?? current.chains.size, records: new ChainRecords(), span: line.span, deferred: null, cursor: 0 });
        break;
      }
      case 'commit': {
        if (!current) {
          diag('warning', 'COMMIT outside of a table; ignored', line.span);
          break;
        }
        if (!current.used) {
          // iptables-nft creates a table (and its builtin chains) only when something uses it.
          diag('warning', `table \`${current.name}' declares no chain and no rule: loading it creates nothing`, current.span);
          current = null;
          break;
        }
        addBuiltins(current, current.span);
        finish(current);
        current = null;
        break;
      }
      case 'command':
        command(line);
        break;
    }
  }
  /** A command line read at once. */
  function command(line: CommandRecord): void {
    const cmd = RULE_COMMANDS.get(line.head);
    if (!cmd) {
      if (looksLikePrompt(line.text)) {
        const named = promptTable(line.text);
        if (format === 'spec') {
          if (current) flushSpec(current);
          current = null;
          promptTableName = named;
        }
        diag('warning', `prompt line ignored: ${line.text.slice(0, 60)}`, line.span);
      } else {
        diag('warning', `not a ruleset line; ignored: ${line.text.slice(0, 60)}`, line.span);
      }
      return;
    }
    if (format === 'spec') {
      if (!current) current = newTable('', line.span);
      current.pending.push(line);
      return;
    }
    if (!current) {
      diag('error', `\`${line.head}' before any \`*table' line`, line.span);
      return;
    }
    current.used = true;
    readDeferred(current);
    runCommand(current, line);
  }
  if (current) {
    if (format === 'spec') flushSpec(current);
    else {
      diag('warning', `table \`${current.name}' has no COMMIT: iptables-restore would not load it`, current.span);
      addBuiltins(current, current.span);
      finish(current);
    }
  }
  sink = lateDiagnostics;
  const deferred: DeferredRules | undefined = options.deferRules
    ? {
        unreadLines: () => unreadLines,
        diagnostics: () => lateDiagnostics,
        readAll: () => {
          for (const t of tables) for (const c of t.chains) void c.rules;
        },
      }
    : undefined;
  return { tables, diagnostics, format, ...(deferred ? { deferred } : {}) };
}

function readLines(text: string, diag: (severity: 'error' | 'warning', message: string, span: SourceSpan) => void, appends: AppendLines | null): LineRecord[] {
  const plain = readPlainLines(text, appends);
  if (plain) return plain;
  const grammar = parseSaveText(text);
  for (const e of grammar.lexErrors) {
    diag('error', e.message, { line: smallInt(e.line ?? 1), column: smallInt(e.column ?? 1), offset: smallInt(e.offset), length: smallInt(e.length) });
  }
  for (const e of grammar.parseErrors) {
    diag('error', e.message, tokenSpan(e.token));
  }
  return lineVisitor.collect(grammar.cst);
}

/** Rule numbers are positions in the chain, known only once every -A/-I has run (the table's COMMIT). */
function numberRules(rules: readonly Rule[], from = 0): void {
  // The rules are this parse's own objects, not yet seen by anyone: numbered in place rather
  // than copied (a copy of every rule was a large share of a 100k-rule parse's garbage).
  for (let i = from; i < rules.length; i++) (rules[i] as { number: number }).number = i + 1;
}

/** The table whose builtin chains are exactly these (contract: listing/spec inference). */
export function inferTableFromBuiltins(chains: readonly string[]): string | null {
  const set = new Set(chains.filter((c) => ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'].includes(c)));
  const has = (...names: string[]): boolean => names.every((n) => set.has(n));
  if (set.size === 5) return 'mangle';
  if (set.size === 4 && has('PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING')) return 'nat';
  if (set.size === 3 && has('INPUT', 'FORWARD', 'OUTPUT')) return 'filter';
  if (set.size === 2 && has('PREROUTING', 'OUTPUT')) return 'raw';
  return null;
}
