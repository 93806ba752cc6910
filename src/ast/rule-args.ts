/**
 * Interprets the arguments of one rule (`-s … -p tcp -m tcp --dport 80 -j ACCEPT`) the way
 * iptables' command-line parser does: getopt_long over the core options merged with the options
 * of every loaded extension, `!` before an option (or, deprecated, before its value), unique
 * prefixes of long options, joined short options (`-ptcp`), and the implicit loading of the
 * protocol's match (`-p tcp --dport 80` loads `-m tcp`).
 */
import type {
  CoreSelectors,
  Family,
  IpNet,
  Match,
  Negatable,
  RawOption,
  SourceSpan,
  Target,
  Counters,
} from './types.js';
import { isBuiltinChain } from './types.js';
import type { ExtensionContext, ExtensionDef, OptionSpec } from './modules/extension.js';
import { findMatch, findTarget, extensionExists } from './modules/registry.js';
import { parseAddressWithMask } from '../net/address.js';
import { protocolName, protocolNumber } from '../net/protocols.js';

/** A word of a rule line after quote removal. */
export interface ArgToken {
  readonly text: string;
  readonly span: SourceSpan;
}

export interface RuleArgsContext {
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
  /** Names of chains that exist (a `-j NAME` that is none of them must be an extension). */
  readonly isChain: (name: string) => boolean;
  /**
   * The chain's own name string, for a `-j NAME` that is a chain: the target then holds the very
   * string the chain does, and lookups of chains by target name compare one object, not text.
   */
  readonly chainName?: (name: string) => string | undefined;
}

export interface RuleParts {
  readonly core: CoreSelectors;
  readonly matches: readonly Match[];
  readonly target: Target | null;
  /** `-c PKTS BYTES` inside the rule. */
  readonly counters: Counters | null;
}

export interface RuleArgsProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly span: SourceSpan;
}

export interface RuleArgsResult {
  /** One entry per rule the arguments make: `-s a,b` makes two, as iptables does. */
  readonly rules: readonly RuleParts[];
  readonly problems: readonly RuleArgsProblem[];
}

type CoreKey = 's' | 'd' | 'i' | 'o' | 'p' | 'f' | 'j' | 'g' | 'm' | 'c' | '4' | '6';

interface CoreOption {
  readonly key: CoreKey;
  readonly args: 0 | 1;
}

/** Long names of iptables' own options that may appear in a rule (iptables.c original_opts). */
const CORE_LONG: Readonly<Record<string, CoreOption>> = {
  source: { key: 's', args: 1 },
  src: { key: 's', args: 1 },
  destination: { key: 'd', args: 1 },
  dst: { key: 'd', args: 1 },
  protocol: { key: 'p', args: 1 },
  'in-interface': { key: 'i', args: 1 },
  'out-interface': { key: 'o', args: 1 },
  jump: { key: 'j', args: 1 },
  goto: { key: 'g', args: 1 },
  match: { key: 'm', args: 1 },
  fragments: { key: 'f', args: 0 },
  fragment: { key: 'f', args: 0 },
  'set-counters': { key: 'c', args: 1 },
  ipv4: { key: '4', args: 0 },
  ipv6: { key: '6', args: 0 },
};

/** Long options of commands and listing flags: known to getopt (so prefixes are ambiguous), but not rule options. */
const COMMAND_LONG = [
  'append', 'delete', 'check', 'insert', 'replace', 'list', 'list-rules', 'flush', 'zero',
  'new-chain', 'delete-chain', 'rename-chain', 'policy', 'table', 'numeric', 'verbose', 'wait',
  'wait-interval', 'exact', 'version', 'help', 'line-numbers', 'modprobe',
];

const CORE_SHORT: Readonly<Record<string, CoreOption>> = {
  s: { key: 's', args: 1 },
  d: { key: 'd', args: 1 },
  p: { key: 'p', args: 1 },
  i: { key: 'i', args: 1 },
  o: { key: 'o', args: 1 },
  j: { key: 'j', args: 1 },
  g: { key: 'g', args: 1 },
  m: { key: 'm', args: 1 },
  f: { key: 'f', args: 0 },
  c: { key: 'c', args: 1 },
  '4': { key: '4', args: 0 },
  '6': { key: '6', args: 0 },
};

const STANDARD_TARGETS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);
/** IFNAMSIZ - 1 */
const MAX_IFNAME = 15;
/** XT_EXTENSION_MAXNAMELEN - 1 */
const MAX_CHAIN_NAME = 28;

/** A loaded extension while the rule is being read. */
interface Loaded {
  readonly def: ExtensionDef | undefined;
  readonly kind: 'match' | 'target';
  readonly name: string;
  readonly nameSpan: SourceSpan;
  readonly raw: RawOption[];
  /** Unknown extensions: every token until the next core option. */
  readonly args: string[];
  goto: boolean;
}

function joinSpan(a: SourceSpan, b: SourceSpan): SourceSpan {
  return { line: a.line, column: a.column, offset: a.offset, length: b.offset + b.length - a.offset };
}

/** Each extension's options by long name and alias (the first option with the name wins, as `find` did). */
const optionsByName = new WeakMap<ExtensionDef, Map<string, OptionSpec>>();

function optionNamed(def: ExtensionDef | undefined, name: string): OptionSpec | undefined {
  if (!def) return undefined;
  let byName = optionsByName.get(def);
  if (!byName) {
    byName = new Map();
    for (const o of def.options) {
      for (const n of [o.name, ...(o.aliases ?? [])]) if (!byName.has(n)) byName.set(n, o);
    }
    optionsByName.set(def, byName);
  }
  return byName.get(name);
}

/**
 * A copy of an array built by push, sized to its length: V8 gives a pushed-to array room for 17
 * elements, and the AST keeps several such arrays per rule (matches, options, their arguments).
 * Empty arrays have no element storage to trim.
 */
/** One empty list for every empty `raw`/`args`/`matches` of the AST: most rules have several. */
const EMPTY: readonly never[] = Object.freeze([]);

function exact<T>(items: T[]): T[] {
  return items.length === 0 ? (EMPTY as unknown as T[]) : items.slice();
}

/** iptables' "--opt ! value" form: xtables_check_inverse. */
const BANG = '!';

export function interpretRuleArgs(tokens: readonly ArgToken[], ctx: RuleArgsContext): RuleArgsResult {
  const problems: RuleArgsProblem[] = [];
  const error = (message: string, span: SourceSpan): void => {
    problems.push({ severity: 'error', message, span });
  };
  const warn = (message: string, span: SourceSpan): void => {
    problems.push({ severity: 'warning', message, span });
  };

  const sources: { text: string; negated: boolean; span: SourceSpan } [] = [];
  const dests: { text: string; negated: boolean; span: SourceSpan }[] = [];
  const core: {
    -readonly [K in keyof CoreSelectors]: CoreSelectors[K];
  } = {};
  const seenCore = new Set<CoreKey>();
  const loaded: Loaded[] = [];
  let target: Loaded | null = null;
  let counters: Counters | null = null;
  let pendingBang: SourceSpan | null = null;

  /** Options known to getopt right now: core, commands, and every loaded extension's. */
  function resolveLong(name: string, span: SourceSpan):
    | { kind: 'core'; option: CoreOption; name: string }
    | { kind: 'ext'; owner: Loaded; spec: OptionSpec }
    | { kind: 'command'; name: string }
    | { kind: 'none' }
    | { kind: 'ambiguous' } {
    // Exact names first; the newest extension wins (xtables_merge_options puts new options first).
    if (CORE_LONG[name]) return { kind: 'core', option: CORE_LONG[name], name };
    // Newest first: the target, then the matches from the last loaded (no arrays built: this runs
    // for every long option of every rule).
    if (target) {
      const spec = optionNamed(target.def, name);
      if (spec) return { kind: 'ext', owner: target, spec };
    }
    for (let k = loaded.length - 1; k >= 0; k--) {
      const spec = optionNamed(loaded[k].def, name);
      if (spec) return { kind: 'ext', owner: loaded[k], spec };
    }
    if (COMMAND_LONG.includes(name)) return { kind: 'command', name };
    const owners: Loaded[] = target ? [target, ...[...loaded].reverse()] : [...loaded].reverse();
    // Unique prefix, as getopt_long allows.
    type Candidate =
      | { kind: 'core'; option: CoreOption; name: string }
      | { kind: 'ext'; owner: Loaded; spec: OptionSpec }
      | { kind: 'command'; name: string };
    const candidates: Candidate[] = [];
    for (const [long, option] of Object.entries(CORE_LONG)) {
      if (long.startsWith(name)) candidates.push({ kind: 'core', option, name: long });
    }
    for (const owner of owners) {
      for (const spec of owner.def?.options ?? []) {
        for (const long of [spec.name, ...(spec.aliases ?? [])]) {
          if (long.startsWith(name)) candidates.push({ kind: 'ext', owner, spec });
        }
      }
    }
    for (const long of COMMAND_LONG) if (long.startsWith(name)) candidates.push({ kind: 'command', name: long });
    if (candidates.length === 0) return { kind: 'none' };
    const first = candidates[0];
    const same = candidates.every((c) =>
      first.kind === 'core' ? c.kind === 'core' && c.option.key === first.option.key
        : first.kind === 'ext' ? c.kind === 'ext' && c.spec === first.spec && c.owner === first.owner
          : c.kind === 'command' && c.name === first.name);
    void span;
    return same ? first : { kind: 'ambiguous' };
  }

  function takeBang(): boolean {
    const negated = pendingBang !== null;
    pendingBang = null;
    return negated;
  }

  /** Reads the option's arguments from tokens[i+1…], honouring `--opt ! value`. */
  function readArgs(
    i: number,
    count: number,
    inline: string | null,
    optSpan: SourceSpan,
    optName: string,
    intrapositionedBang = true,
  ): { args: string[]; next: number; negated: boolean; end: SourceSpan } | null {
    const args: string[] = [];
    let negated = false;
    let next = i + 1;
    let end = optSpan;
    if (inline !== null) {
      if (count === 0) {
        error(`option "${optName}" takes no argument`, optSpan);
        return null;
      }
      args.push(inline);
    }
    while (args.length < count) {
      const tok = tokens[next];
      if (!tok) {
        error(`option "${optName}" requires an argument`, optSpan);
        return null;
      }
      // Extensions still accept the old `--dport ! 22` (xtables_check_inverse); iptables' own
      // options (-s, -d, -p, -i, -o) no longer do: there `!` is read as the value, and refused.
      if (tok.text === BANG && args.length === 0 && !negated && intrapositionedBang) {
        // Deprecated intrapositioned negation: `--dport ! 22`.
        warn(`Using intrapositioned negation (\`${optName} ! this\`) is deprecated in favor of extrapositioned (\`! ${optName} this\`).`, tok.span);
        negated = true;
        next++;
        continue;
      }
      args.push(tok.text);
      end = tok.span;
      next++;
    }
    return { args, next, negated, end };
  }

  function loadMatch(name: string, span: SourceSpan): Loaded {
    const def = findMatch(name, ctx.family);
    if (!def && extensionExists('match', name)) {
      error(`match "${name}" is not available for IPv${ctx.family}`, span);
    }
    else if (!def) warn(`unknown match "${name}": kept verbatim, not evaluated`, span);
    const entry: Loaded = { def, kind: 'match', name, nameSpan: span, raw: [], args: [], goto: false };
    loaded.push(entry);
    return entry;
  }

  /** The protocol match iptables loads by itself when an option is unknown (xtables_find_match on the -p name). */
  function implicitProtocolMatch(span: SourceSpan): Loaded | null {
    // iptables loads it whether or not `-p` is negated (xshared.c load_proto).
    if (!core.protocol) return null;
    const num = core.protocol.value.number;
    // Names whose extension is called differently: ipv6-icmp (icmp6), mobility-header (`-p mh`).
    const names = num === 58 ? ['icmp6', 'icmpv6'] : num === 135 ? ['mh']
      : [core.protocol.value.name, protocolName(num, ctx.family)];
    for (const name of names) {
      if (loaded.some((l) => l.name === name)) continue;
      const def = findMatch(name, ctx.family);
      if (def) {
        const entry: Loaded = { def, kind: 'match', name: def.name, nameSpan: span, raw: [], args: [], goto: false };
        loaded.push(entry);
        return entry;
      }
    }
    return null;
  }

  let i = 0;
  // The unknown extension that swallows following words, until a core option appears.
  let verbatimOwner: Loaded | null = null;
  while (i < tokens.length) {
    const tok = tokens[i];
    const text = tok.text;
    if (text === BANG) {
      if (pendingBang) {
        error('multiple consecutive ! not allowed', tok.span);
      }
      pendingBang = tok.span;
      i++;
      continue;
    }

    let coreOption: CoreOption | null = null;
    let coreName = '';
    let inline: string | null = null;
    let extOwner: Loaded | null = null;
    let extSpec: OptionSpec | null = null;
    let optName = text;

    if (text.startsWith('--') && text.length > 2) {
      const eq = text.indexOf('=');
      const name = eq < 0 ? text.slice(2) : text.slice(2, eq);
      inline = eq < 0 ? null : text.slice(eq + 1);
      // The word itself when it has no =value: the same text, without a new string per option.
      optName = eq < 0 ? text : '--' + name;
      const resolved = resolveLong(name, tok.span);
      if (resolved.kind === 'core') {
        coreOption = resolved.option;
        coreName = '--' + resolved.name;
      } else if (resolved.kind === 'ext') {
        extOwner = resolved.owner;
        extSpec = resolved.spec;
      } else if (resolved.kind === 'command') {
        error(`Illegal option \`--${resolved.name}' with this command`, tok.span);
        return { rules: [], problems };
      } else if (verbatimOwner) {
        verbatimOwner.args.push(text);
        i++;
        continue;
      } else if (resolved.kind === 'ambiguous') {
        error(`option "${text}" is ambiguous`, tok.span);
        return { rules: [], problems };
      } else {
        const implicit = implicitProtocolMatch(tok.span);
        const spec = implicit?.def?.options.find((o) => o.name === name || o.aliases?.includes(name))
          ?? implicit?.def?.options.find((o) => [o.name, ...(o.aliases ?? [])].some((n) => n.startsWith(name)));
        if (implicit && spec) {
          extOwner = implicit;
          extSpec = spec;
        } else {
          error(`unknown option "${text}"`, tok.span);
          return { rules: [], problems };
        }
      }
    } else if (text.startsWith('-') && text.length >= 2 && text !== '--') {
      const letter = text[1];
      const opt = CORE_SHORT[letter];
      if (!opt) {
        if (verbatimOwner) {
          verbatimOwner.args.push(text);
          i++;
          continue;
        }
        error(`unknown option "${text}"`, tok.span);
        return { rules: [], problems };
      }
      coreOption = opt;
      coreName = '-' + letter;
      if (text.length > 2) {
        if (opt.args === 0) {
          // Clustered flags such as `-f4` are not used in rule files; keep it simple and strict.
          error(`unknown option "${text}"`, tok.span);
          return { rules: [], problems };
        }
        inline = text.slice(2);
      }
    } else {
      if (verbatimOwner) {
        verbatimOwner.args.push(text);
        i++;
        continue;
      }
      error(`Bad argument \`${text}'`, tok.span);
      return { rules: [], problems };
    }

    if (coreOption) {
      verbatimOwner = null;
      const negatedBefore = takeBang();
      const read = readArgs(i, coreOption.args, inline, tok.span, coreName, false);
      if (!read) return { rules: [], problems };
      const negated = negatedBefore || read.negated;
      const span = joinSpan(tok.span, read.end);
      const key = coreOption.key;
      const arg = read.args[0];
      i = read.next;
      const once = (): boolean => {
        if (seenCore.has(key)) {
          error(`multiple -${key} flags not allowed`, tok.span);
          return false;
        }
        seenCore.add(key);
        return true;
      };
      switch (key) {
        case 's':
        case 'd': {
          if (!once()) return { rules: [], problems };
          const list = key === 's' ? sources : dests;
          for (const part of arg.split(',')) list.push({ text: part, negated, span: read.end });
          break;
        }
        case 'i':
        case 'o': {
          if (!once()) return { rules: [], problems };
          if (arg.length > MAX_IFNAME) {
            error(`interface name \`${arg}' must be shorter than 16 characters`, span);
            return { rules: [], problems };
          }
          if (arg.length === 0) {
            error('Empty interface is likely to be undesired', span);
            return { rules: [], problems };
          }
          const value = { name: arg.endsWith('+') ? arg.slice(0, -1) : arg, wildcard: arg.endsWith('+') };
          const entry: Negatable<typeof value> = { value, negated };
          if (key === 'i') core.inInterface = entry;
          else core.outInterface = entry;
          break;
        }
        case 'p': {
          if (!once()) return { rules: [], problems };
          const num = protocolNumber(arg);
          if (num === null) {
            error(`unknown protocol "${arg}" specified`, span);
            return { rules: [], problems };
          }
          if (num === 0 && negated) {
            error('rule would never match protocol', span);
            return { rules: [], problems };
          }
          core.protocol = { value: { number: num, name: protocolName(num, ctx.family) }, negated };
          break;
        }
        case 'f': {
          if (!once()) return { rules: [], problems };
          if (ctx.family === 6) {
            error('-f is not supported by ip6tables (use -m frag)', span);
            return { rules: [], problems };
          }
          core.fragment = { value: true, negated };
          break;
        }
        case 'm': {
          if (negated) {
            error('unexpected ! flag before --match', span);
            return { rules: [], problems };
          }
          const entry = loadMatch(arg, span);
          verbatimOwner = entry.def ? null : entry;
          break;
        }
        case 'j':
        case 'g': {
          if (negated) {
            error(`cannot have ! before -${key}`, span);
            return { rules: [], problems };
          }
          if (target) {
            error('multiple -j flags not allowed', span);
            return { rules: [], problems };
          }
          const def = STANDARD_TARGETS.has(arg) || ctx.isChain(arg) ? undefined : findTarget(arg, ctx.family);
          if (key === 'g' && !ctx.isChain(arg)) {
            error(`goto '${arg}' is not a user-defined chain`, span);
            return { rules: [], problems };
          }
          target = { def, kind: 'target', name: arg, nameSpan: span, raw: [], args: [], goto: key === 'g' };
          // An unknown name that is not a chain is an unknown target extension: keep its words.
          verbatimOwner = !def && !STANDARD_TARGETS.has(arg) && !ctx.isChain(arg) ? target : null;
          if (verbatimOwner) warn(`unknown target "${arg}": kept verbatim, not evaluated`, span);
          break;
        }
        case 'c': {
          if (negated) {
            error('cannot have ! before -c', span);
            return { rules: [], problems };
          }
          // `-c PKTS BYTES`, or `-c PKTS,BYTES` (iptables >= 1.8.8).
          let parts: string[];
          if (arg.includes(',')) {
            parts = arg.split(',');
          } else {
            const second = tokens[i];
            if (!second) {
              error('-c requires packet and byte counter', span);
              return { rules: [], problems };
            }
            parts = [arg, second.text];
            i++;
          }
          if (parts.length !== 2 || !parts.every((p) => /^\d+$/.test(p))) {
            error('-c packet counter not numeric', span);
            return { rules: [], problems };
          }
          counters = { packets: Number(parts[0]), bytes: Number(parts[1]), exact: true };
          break;
        }
        case '4':
          if (ctx.family === 6) {
            // iptables-restore skips `-4` lines in ip6tables input; as a rule word it is an error.
            warn('-4 in an IPv6 ruleset: ip6tables ignores this rule', span);
          }
          break;
        case '6':
          if (ctx.family === 4) warn('-6 in an IPv4 ruleset: iptables ignores this rule', span);
          break;
      }
      continue;
    }

    // An extension option.
    const owner = extOwner!;
    const spec = extSpec!;
    verbatimOwner = null;
    const negatedBefore = takeBang();
    let argCount: number;
    if (spec.args === 'optional') {
      const following = tokens[i + 1];
      argCount = inline !== null ? 1 : following && !following.text.startsWith('-') && following.text !== BANG ? 1 : 0;
    } else {
      argCount = spec.args;
    }
    const read = readArgs(i, argCount, spec.args === 'optional' && argCount === 1 && inline === null ? null : inline, tok.span, optName);
    if (!read) return { rules: [], problems };
    const negated = negatedBefore || read.negated;
    if (negated && !spec.invertible) {
      error(`option "--${spec.name}" cannot be inverted`, tok.span);
      return { rules: [], problems };
    }
    owner.raw.push({
      name: spec.name,
      spelling: text.startsWith('--') ? optName : text,
      negated,
      args: exact(read.args),
      span: joinSpan(tok.span, read.end),
    });
    i = read.next;
  }
  if (pendingBang) {
    error('! must be followed by an option', pendingBang);
    return { rules: [], problems };
  }
  // iptables refuses an interface the hook cannot have (generic_opt_check): no output interface
  // for incoming packets, no input interface for outgoing ones. It goes by the chain's name.
  if (core.outInterface && (ctx.chain === 'PREROUTING' || ctx.chain === 'INPUT')) {
    error(`Can't use -o with ${ctx.chain}`, tokens.find((t) => t.text === '-o' || t.text.startsWith('--out'))?.span ?? tokens[0]?.span ?? { line: 1, column: 1, offset: 0, length: 0 });
  }
  if (core.inInterface && (ctx.chain === 'POSTROUTING' || ctx.chain === 'OUTPUT')) {
    error(`Can't use -i with ${ctx.chain}`, tokens.find((t) => t.text === '-i' || t.text.startsWith('--in'))?.span ?? tokens[0]?.span ?? { line: 1, column: 1, offset: 0, length: 0 });
  }
  if (problems.some((p) => p.severity === 'error')) return { rules: [], problems };

  // Addresses: iptables makes one rule per source x destination.
  const names: { source?: Negatable<string>; destination?: Negatable<string> } = {};
  const parseAddrs = (list: typeof sources, side: 'source' | 'destination'): Negatable<IpNet>[] | null => {
    const out: Negatable<IpNet>[] = [];
    for (const item of list) {
      const parsed = parseAddressWithMask(item.text, ctx.family);
      if (!parsed.ok) {
        // A host name (not address syntax): iptables resolves it when loading; netfate keeps it.
        if (isHostName(item.text) && list.length === 1) {
          warn(`host name \`${item.text}' is resolved by iptables when loading; netfate does not resolve names, so the ${side} is unknown`, item.span);
          names[side] = { value: item.text, negated: item.negated };
          continue;
        }
        error(parsed.message, item.span);
        return null;
      }
      out.push({ value: parsed.value, negated: item.negated });
    }
    return out;
  };
  const srcs = parseAddrs(sources, 'source');
  const dsts = parseAddrs(dests, 'destination');
  if (!srcs || !dsts) return { rules: [], problems };
  if (names.source) core.sourceName = names.source;
  if (names.destination) core.destinationName = names.destination;
  if ((srcs.length > 1 && srcs[0].negated) || (dsts.length > 1 && dsts[0].negated)) {
    error('! not allowed with multiple source or destination IP addresses', (sources[0] ?? dests[0]).span);
    return { rules: [], problems };
  }

  // Extensions: each parses its options into a typed record.
  const extCtx = (owner: Loaded): ExtensionContext => ({
    family: ctx.family,
    table: ctx.table,
    chain: ctx.chain,
    core,
    error: (message, at) => error(message, at?.span ?? owner.nameSpan),
    warn: (message, at) => warn(message, at?.span ?? owner.nameSpan),
  });
  const matches: Match[] = [];
  for (const entry of loaded) {
    let options: unknown = {};
    if (entry.def) {
      const parsed = entry.def.parse(entry.raw, extCtx(entry));
      if (parsed === null) return { rules: [], problems };
      options = parsed;
    }
    const last = entry.raw.length ? entry.raw[entry.raw.length - 1].span : entry.nameSpan;
    matches.push({
      type: 'Match',
      module: entry.def?.name ?? entry.name,
      known: entry.def !== undefined,
      options,
      raw: exact(entry.raw),
      args: exact(entry.args),
      span: joinSpan(entry.nameSpan, last),
    });
  }
  let targetNode: Target | null = null;
  const t = target as Loaded | null;
  if (t) {
    let options: unknown = {};
    if (t.def) {
      const parsed = t.def.parse(t.raw, extCtx(t));
      if (parsed === null) return { rules: [], problems };
      options = parsed;
      // Targets' kernel restrictions (xt_check_target: .table, .hooks). From a user chain the
      // hooks depend on who jumps there: the linter checks that, not the parser.
      if (t.def.tables && !t.def.tables.includes(ctx.table)) {
        error(`"${t.def.name}" target is not valid in the ${ctx.table} table (only ${t.def.tables.join(', ')})`, t.nameSpan);
        return { rules: [], problems };
      }
      if (t.def.hooks && isBuiltinChain(ctx.table, ctx.chain) && !t.def.hooks.includes(ctx.chain)) {
        error(`"${t.def.name}" target is not valid in the ${ctx.chain} chain (only ${t.def.hooks.join(', ')})`, t.nameSpan);
        return { rules: [], problems };
      }
    }
    const isStandard = STANDARD_TARGETS.has(t.name);
    const isChain = !isStandard && ctx.isChain(t.name);
    targetNode = {
      type: 'Target',
      name: t.def?.name ?? (isChain ? ctx.chainName?.(t.name) : undefined) ?? t.name,
      kind: isStandard ? 'standard' : isChain ? 'chain' : 'extension',
      goto: t.goto,
      known: isStandard || isChain || t.def !== undefined,
      options,
      raw: exact(t.raw),
      args: exact(t.args),
      span: joinSpan(t.nameSpan, t.raw.length ? t.raw[t.raw.length - 1].span : t.nameSpan),
    };
  }

  if (srcs.length <= 1 && dsts.length <= 1) {
    // One rule (nearly always): its selectors are `core` itself, with the addresses added last,
    // in the key order the spread below gives; no copy of it per rule.
    if (srcs.length) core.source = srcs[0];
    if (dsts.length) core.destination = dsts[0];
    return { rules: [{ core, matches: exact(matches), target: targetNode, counters }], problems };
  }
  const rules: RuleParts[] = [];
  const srcList: (Negatable<IpNet> | undefined)[] = srcs.length ? srcs : [undefined];
  const dstList: (Negatable<IpNet> | undefined)[] = dsts.length ? dsts : [undefined];
  for (const s of srcList) {
    for (const d of dstList) {
      const c: CoreSelectors = { ...core, ...(s ? { source: s } : {}), ...(d ? { destination: d } : {}) };
      rules.push({ core: c, matches, target: targetNode, counters });
    }
  }
  return { rules, problems };
}

export { MAX_CHAIN_NAME };

/** A DNS name: letters, digits, dots, hyphens and underscores, with a letter somewhere, not address syntax. */
function isHostName(text: string): boolean {
  const host = text.split('/')[0];
  return /^[A-Za-z0-9_.-]+$/.test(host) && /[A-Za-z_]/.test(host) && !host.includes('..');
}
