/**
 * Builds the AST from `iptables -L` / `ip6tables -L` listings (any of `-v -n -x --line-numbers`)
 * and terminal transcripts of them. Lines are first turned into records (grammar + CST visitor),
 * then grouped into listings (one per table: a prompt line, or a chain seen twice, starts the
 * next), then each row is read back into the words iptables-save would print and interpreted
 * like save input. What a listing cannot say is recorded (Table.listing, Rule.lost,
 * Rule.unparsed) and reported as a warning, never guessed silently.
 */
import { parseListingText } from '../../grammar/index.js';
import type { Chain, Counters, Diagnostic, Family, ListingFlags, Policy, Rule, SourceSpan, Table } from './types.js';
import { BUILTIN_CHAINS, isBuiltinTable } from './types.js';
import { interpretRuleArgs } from './rule-args.js';
import { inferTableFromBuiltins } from './from-save.js';
import { parsePromptCommand, type PromptCommand } from './prompt.js';
import { listingLineVisitor, tokenSpan, type ListingLine, type LineWord } from './listing/lines.js';
import { parseCounter, readColumnHeader, rowCounters, splitRow, type ColumnLayout, type RowCells } from './listing/row.js';
import { translateRow } from './listing/translate.js';

export interface FromListingOptions {
  readonly file: string;
  readonly table?: string;
  readonly family?: Family;
}

interface RowRecord {
  readonly cells: RowCells;
  readonly text: string;
  readonly span: SourceSpan;
}

interface ChainBuilder {
  readonly name: string;
  readonly policy: Policy | null;
  /** A `(policy …)` header: only builtin chains have one. */
  readonly hasPolicy: boolean;
  readonly counters: Counters | null;
  readonly references: number | null;
  readonly span: SourceSpan;
  layout: ColumnLayout | null;
  readonly rows: RowRecord[];
}

interface ListingBuilder {
  readonly prompt: PromptCommand | null;
  readonly span: SourceSpan | null;
  readonly chains: ChainBuilder[];
}

/** `Chain NAME (policy P [N packets, M bytes])` or `Chain NAME (N references)`. */
function readChainHeader(words: readonly LineWord[]): Omit<ChainBuilder, 'span' | 'layout' | 'rows'> | null {
  const text = words.map((w) => w.text).join(' ');
  const policy = /^(\S+) \(policy (ACCEPT|DROP)(?: (\d+[KMGT]?) packets, (\d+[KMGT]?) bytes)?\)$/.exec(text);
  if (policy) {
    let counters: Counters | null = null;
    if (policy[3] !== undefined) {
      const p = parseCounter(policy[3])!;
      const b = parseCounter(policy[4])!;
      counters = { packets: p.value, bytes: b.value, exact: p.exact && b.exact };
    }
    return { name: policy[1], policy: policy[2] as Policy, hasPolicy: true, counters, references: null };
  }
  const refs = /^(\S+) \((\d+) references\)$/.exec(text);
  if (refs) return { name: refs[1], policy: null, hasPolicy: false, counters: null, references: Number(refs[2]) };
  return null;
}

/** Family from the addresses and protocols the listing shows (an IPv6 address has a colon). */
function detectListingFamily(chains: readonly ChainBuilder[]): Family {
  for (const c of chains) {
    for (const r of c.rows) {
      for (const cell of [r.cells.source, r.cells.destination]) if (/^!?[0-9a-fA-F]*:[0-9a-fA-F:.]*(\/\d+)?$/.test(cell.text)) return 6;
      if (/^!?(ipv6-icmp|icmpv6)$/.test(r.cells.protocol.text)) return 6;
    }
  }
  return 4;
}

/** `-n` shows numbers: an `anywhere`, an `any` interface or a name where an address goes says it was not given. */
function detectNumeric(chains: readonly ChainBuilder[], family: Family): boolean {
  for (const c of chains) {
    for (const r of c.rows) {
      if (r.cells.inInterface?.text === 'any' || r.cells.outInterface?.text === 'any') return false;
      if (r.cells.inInterface?.text === '*' || r.cells.outInterface?.text === '*') return true;
      for (const cell of [r.cells.source, r.cells.destination]) {
        const t = cell.text.replace(/^!/, '').replace(/\/.*$/, '');
        if (t === 'anywhere') return false;
        if (family === 4 ? !/^\d+\.\d+\.\d+\.\d+$/.test(t) : !t.includes(':')) return false;
      }
    }
  }
  return true;
}

export function listingToAst(text: string, options: FromListingOptions): { tables: Table[]; diagnostics: Diagnostic[] } {
  const file = options.file;
  const diagnostics: Diagnostic[] = [];
  const diag = (severity: 'error' | 'warning', message: string, span: SourceSpan): void => {
    diagnostics.push({ severity, message, file, span });
  };
  const grammar = parseListingText(text);
  for (const e of grammar.lexErrors) diag('error', e.message, { line: e.line ?? 1, column: e.column ?? 1, offset: e.offset, length: e.length });
  for (const e of grammar.parseErrors) diag('error', e.message, tokenSpan(e.token));
  const lines: ListingLine[] = listingLineVisitor.collect(grammar.cst, text);

  const listings: ListingBuilder[] = [];
  let current: ListingBuilder | null = null;
  let chain: ChainBuilder | null = null;
  let prompt: PromptCommand | null = null;
  let promptSpan: SourceSpan | null = null;

  const noise = (line: ListingLine, why: string): void => {
    const shown = line.text.trim();
    diag('warning', `${why}; ignored: ${shown.length > 60 ? shown.slice(0, 57) + '...' : shown}`, line.span);
  };

  for (const line of lines) {
    if (line.kind === 'chain') {
      const header = readChainHeader(line.words);
      if (!header) {
        noise(line, 'not a chain header');
        continue;
      }
      // iptables -L prints builtin chains, then user chains, each once: a repeat, or a builtin
      // after a user chain, is the next table of a transcript that has no prompt between them.
      const seen = current?.chains.some((c) => c.name === header.name) ?? false;
      const builtinAfterUser = header.hasPolicy && (current?.chains.some((c) => !c.hasPolicy) ?? false);
      if (!current || seen || builtinAfterUser) {
        current = { prompt, span: promptSpan ?? line.span, chains: [] };
        listings.push(current);
        prompt = null;
        promptSpan = null;
      }
      chain = { ...header, span: line.span, layout: null, rows: [] };
      current.chains.push(chain);
      continue;
    }
    if (line.kind === 'columns') {
      if (!chain) noise(line, 'column header outside of a chain');
      else chain.layout = readColumnHeader(line.text);
      continue;
    }
    const command = parsePromptCommand(line.text);
    if (command) {
      // A prompt ends the listing before it and names the table of the one after it.
      current = null;
      chain = null;
      prompt = command;
      promptSpan = line.span;
      if (command.kind !== 'list') {
        diag('warning', `prompt line runs \`${command.program}\` without -L; its output is not read as a listing`, line.span);
      }
      continue;
    }
    const cells = chain?.layout ? splitRow(line.text, line.words, chain.layout) : null;
    if (!chain || !cells) {
      noise(line, chain?.layout ? 'not a rule row' : 'not part of a listing');
      continue;
    }
    chain.rows.push({ cells, text: line.text.trimEnd(), span: line.span });
  }

  const tables = listings.map((l) => buildTable(l, options, diag));
  return { tables, diagnostics };
}

function buildTable(
  listing: ListingBuilder,
  options: FromListingOptions,
  diag: (severity: 'error' | 'warning', message: string, span: SourceSpan) => void,
): Table {
  const span = listing.span ?? listing.chains[0].span;
  const builtinNames = listing.chains.filter((c) => c.hasPolicy).map((c) => c.name);
  let name = options.table ?? listing.prompt?.table ?? inferTableFromBuiltins(builtinNames);
  if (!name) {
    name = 'filter';
    diag('warning', `cannot tell the table from the builtin chains (${builtinNames.join(', ') || 'none'}); assuming filter (use --table)`, span);
  } else if (!isBuiltinTable(name)) {
    diag('error', `table \`${name}' does not exist`, span);
  }
  const family = options.family ?? listing.prompt?.family ?? detectListingFamily(listing.chains);
  const layout = listing.chains.find((c) => c.layout)?.layout ?? { lineNumbers: false, verbose: false, exact: false };
  const flags: ListingFlags = {
    verbose: layout.verbose,
    numeric: detectNumeric(listing.chains, family),
    exact: layout.exact,
    lineNumbers: layout.lineNumbers,
  };
  if (!flags.verbose) {
    diag('warning', 'listing without -v: interfaces (and counters) are not shown; rules treat their interfaces as unknown', span);
  }
  const userChains = new Set(listing.chains.filter((c) => !c.hasPolicy).map((c) => c.name));
  const builtinHooks: readonly string[] = isBuiltinTable(name) ? BUILTIN_CHAINS[name] : [];

  const chains: Chain[] = listing.chains.map((c) => {
    const rules: Rule[] = c.rows.map((row, index) => buildRule(row, index + 1, c.name, name!, family, flags, userChains, diag));
    if (c.hasPolicy && !builtinHooks.includes(c.name)) {
      diag('warning', `chain ${c.name} has a policy but is not a builtin chain of table ${name}`, c.span);
    }
    return {
      type: 'Chain',
      name: c.name,
      builtin: c.hasPolicy,
      policy: c.policy,
      counters: c.counters,
      references: c.references,
      rules,
      span: c.span,
    };
  });
  // A listing of one chain (`iptables -L FORWARD`) leaves the other builtins unknown: they exist
  // in the kernel, so add them, without a policy since the listing does not say.
  const missing = builtinHooks.filter((hook) => !chains.some((c) => c.name === hook));
  if (missing.length) {
    diag('warning', `builtin chain${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not in the listing; policy unknown`, span);
    const added: Chain[] = missing.map((hook) => ({
      type: 'Chain', name: hook, builtin: true, policy: null, counters: null, references: null, rules: [], span,
    }));
    // Builtins first, in hook order, as iptables lists them.
    const builtins = builtinHooks.map((hook) => chains.find((c) => c.name === hook) ?? added.find((c) => c.name === hook)!);
    chains.splice(0, chains.length, ...builtins, ...chains.filter((c) => !builtinHooks.includes(c.name)));
  }
  return { type: 'Table', name, family, format: 'listing', file: options.file, chains, listing: flags, span };
}

function buildRule(
  row: RowRecord,
  number: number,
  chainName: string,
  table: string,
  family: Family,
  flags: ListingFlags,
  userChains: ReadonlySet<string>,
  diag: (severity: 'error' | 'warning', message: string, span: SourceSpan) => void,
): Rule {
  if (row.cells.number !== null && row.cells.number !== number) {
    diag('warning', `rule number ${row.cells.number} where ${number} was expected; rows are numbered in order`, row.span);
  }
  const words = translateRow(row.cells, { family, numeric: flags.numeric, verbose: flags.verbose, rowSpan: row.span });
  for (const note of words.notes) diag('warning', note.message, note.span);
  const lost = [...words.lost];
  let unparsed = words.unparsed;
  const ctx = { family, table, chain: chainName, isChain: (n: string) => userChains.has(n) };
  let result = interpretRuleArgs([...words.core, ...words.extensions], ctx);
  if (result.rules.length === 0) {
    // The words read back are refused (an extension rejects a value): keep the row's text
    // verbatim rather than lose the rule, and say that its matches are unknown.
    const why = result.problems.find((p) => p.severity === 'error')?.message ?? 'rule refused';
    diag('warning', `row not understood (${why}); its match text is kept verbatim`, row.span);
    unparsed = row.cells.rest || null;
    lost.push('matches');
    result = interpretRuleArgs([...words.core, ...words.jump], ctx);
    if (result.rules.length === 0) {
      result = interpretRuleArgs(words.core, ctx);
      lost.push('target');
    }
  } else {
    for (const p of result.problems) diag('warning', p.message, p.span);
  }
  if (unparsed !== null && !lost.includes('matches')) lost.push('matches');
  const parts = result.rules[0];
  return {
    type: 'Rule',
    chain: chainName,
    number,
    counters: rowCounters(row.cells),
    core: parts?.core ?? {},
    matches: parts?.matches ?? [],
    target: parts?.target ?? null,
    text: row.text,
    span: row.span,
    ...(lost.length ? { lost } : {}),
    ...(unparsed !== null ? { unparsed } : {}),
  };
}
