/**
 * Canonical `iptables-save` text for an AST: what `netfate fmt` prints. Rules are printed the way
 * iptables-save prints them (core selectors in its fixed order, each extension's own save form),
 * so loading the output gives the same kernel ruleset as loading the input.
 */
import type { Chain, CoreSelectors, Family, Match, Rule, Ruleset, Table, Target } from './types.js';
import { findMatch, findTarget } from './modules/registry.js';
import { formatIpNet, isAnyNet } from '../net/address.js';

/** Quotes a verbatim word for iptables-restore, which splits on blanks and honours "…" with \ escapes. */
export function quoteRestoreWord(word: string): string {
  if (word !== '' && !/[\s"\\]/.test(word)) return word;
  return '"' + word.replace(/["\\]/g, (c) => '\\' + c) + '"';
}

function bang(negated: boolean): string {
  return negated ? '! ' : '';
}

export function formatCore(core: CoreSelectors): string[] {
  const parts: string[] = [];
  if (core.source && !(isAnyNet(core.source.value) && !core.source.negated)) {
    parts.push(`${bang(core.source.negated)}-s ${formatIpNet(core.source.value)}`);
  }
  if (core.sourceName) parts.push(`${bang(core.sourceName.negated)}-s ${quoteRestoreWord(core.sourceName.value)}`);
  if (core.destination && !(isAnyNet(core.destination.value) && !core.destination.negated)) {
    parts.push(`${bang(core.destination.negated)}-d ${formatIpNet(core.destination.value)}`);
  }
  if (core.destinationName) parts.push(`${bang(core.destinationName.negated)}-d ${quoteRestoreWord(core.destinationName.value)}`);
  for (const [flag, iface] of [['-i', core.inInterface], ['-o', core.outInterface]] as const) {
    if (!iface) continue;
    const text = iface.value.name + (iface.value.wildcard ? '+' : '');
    // `-i +` matches every interface: iptables drops it, but `! -i +` is kept.
    if (text === '+' && !iface.negated) continue;
    parts.push(`${bang(iface.negated)}${flag} ${text}`);
  }
  if (core.protocol && !(core.protocol.value.number === 0 && !core.protocol.negated)) {
    parts.push(`${bang(core.protocol.negated)}-p ${core.protocol.value.name}`);
  }
  if (core.fragment) parts.push(`${bang(core.fragment.negated)}-f`);
  return parts;
}

function verbatim(args: readonly string[]): string {
  return args.map(quoteRestoreWord).join(' ');
}

function rawOptionsText(node: Match | Target): string {
  return node.raw
    .map((o) => `${bang(o.negated)}--${o.name}${o.args.length ? ' ' + o.args.map(quoteRestoreWord).join(' ') : ''}`)
    .join(' ');
}

export function formatMatch(match: Match, family: Family): string {
  const def = match.known ? findMatch(match.module, family) : undefined;
  if (!def) {
    const rest = [rawOptionsText(match), verbatim(match.args)].filter(Boolean).join(' ');
    return `-m ${match.module}${rest ? ' ' + rest : ''}`;
  }
  const name = def.saveName ? def.saveName(match.options, { family }) : def.name;
  const text = def.save(match.options, { family });
  return `-m ${name}${text ? ' ' + text : ''}`;
}

export function formatTarget(target: Target, family: Family): string {
  const flag = target.goto ? '-g' : '-j';
  const def = target.kind === 'extension' && target.known ? findTarget(target.name, family) : undefined;
  if (!def) {
    const rest = [rawOptionsText(target), verbatim(target.args)].filter(Boolean).join(' ');
    return `${flag} ${target.name}${rest ? ' ' + rest : ''}`;
  }
  const name = def.saveName ? def.saveName(target.options, { family }) : def.name;
  const text = def.save(target.options, { family });
  return `${flag} ${name}${text ? ' ' + text : ''}`;
}

/** The rule's text after `-A CHAIN` as iptables-save prints it. */
/**
 * iptables-nft stores tcp and udp matches as native payload expressions and prints them back as one
 * `-m tcp`/`-m udp` at the place of the first (checked on 1.8.9: `-p tcp --dport 80 -m state …
 * -m tcp --sport 22` saves as `-m tcp --sport 22 --dport 80 -m state …`). Matches whose options
 * overlap stay apart: one match cannot say both.
 */
const MERGED_BY_NFT = new Set(['tcp', 'udp']);

function mergeNativeMatches(matches: readonly Match[]): readonly Match[] {
  if (matches.filter((m) => MERGED_BY_NFT.has(m.module)).length < 2) return matches;
  const out: Match[] = [];
  for (const m of matches) {
    const into = MERGED_BY_NFT.has(m.module) && m.known ? out.findIndex((o) => o.module === m.module && o.known) : -1;
    if (into < 0) {
      out.push(m);
      continue;
    }
    const a = out[into].options as Record<string, unknown>;
    const b = m.options as Record<string, unknown>;
    if (Object.keys(b).some((k) => k in a)) {
      out.push(m);
      continue;
    }
    out[into] = { ...out[into], options: { ...a, ...b }, raw: [...out[into].raw, ...m.raw] };
  }
  return out;
}

export function formatRuleBody(rule: Pick<Rule, 'core' | 'matches' | 'target'>, family: Family): string {
  const parts = formatCore(rule.core);
  for (const m of mergeNativeMatches(rule.matches)) parts.push(formatMatch(m, family));
  if (rule.target) parts.push(formatTarget(rule.target, family));
  return parts.join(' ');
}

export function formatRule(rule: Rule, family: Family, withCounters: boolean): string {
  // A rule iptables would refuse is printed back as it was written: nothing the user gave is lost.
  const body = rule.invalid ? rule.unparsed ?? '' : formatRuleBody(rule, family);
  const counters = withCounters && rule.counters ? `[${rule.counters.packets}:${rule.counters.bytes}] ` : '';
  return `${counters}-A ${rule.chain}${body ? ' ' + body : ''}`;
}

function formatChainHeader(chain: Chain): string {
  const policy = chain.builtin ? chain.policy ?? 'ACCEPT' : '-';
  const c = chain.counters;
  return `:${chain.name} ${policy} [${c && c.exact ? c.packets : 0}:${c && c.exact ? c.bytes : 0}]`;
}

export function formatTable(table: Table): string {
  const withCounters = table.chains.some((c) => c.rules.some((r) => r.counters !== null));
  const lines = [`*${table.name}`];
  for (const chain of table.chains) lines.push(formatChainHeader(chain));
  for (const chain of table.chains) {
    for (const rule of chain.rules) lines.push(formatRule(rule, table.family, withCounters));
  }
  lines.push('COMMIT');
  return lines.join('\n') + '\n';
}

/** Canonical iptables-save text of every table of one family, in input order. */
export function formatRuleset(ruleset: Ruleset, family?: Family): string {
  return ruleset.tables
    .filter((t) => family === undefined || t.family === family)
    .map(formatTable)
    .join('');
}
