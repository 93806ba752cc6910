/**
 * parseRuleset: any supported text in, one AST and diagnostics out. Detects the format unless told.
 */
import type { Family, InputFormat, ParseResult, Ruleset } from './types.js';
import { saveToAst } from './from-save.js';
import { listingToAst } from './from-listing.js';

export interface ParseOptions {
  /** File name used in spans and messages (`-` for stdin). */
  readonly file?: string;
  /** Overrides format detection. */
  readonly format?: InputFormat;
  /** Table of a listing or `-S` output that does not say. */
  readonly table?: string;
  /** Address family of input that does not say. */
  readonly family?: Family;
  /**
   * Save text only: read each chain's `-A` lines when its rules are first asked for, and leave
   * the rest unread (see `ParseResult.deferred`). For a trace of one packet through a large
   * ruleset, which visits a few of its chains.
   */
  readonly deferRules?: boolean;
}

const LISTING_HEADER = /^Chain \S+ \((?:policy \S+|\d+ references)/m;

/** Which of the three formats this text is written in. */
export function detectFormat(text: string): InputFormat {
  if (/^\*(filter|nat|mangle|raw|security)\s*$/m.test(text) && /^:\S+ \S+/m.test(text)) return 'save';
  if (LISTING_HEADER.test(text)) return 'listing';
  if (/^-[PNA] \S+/m.test(text)) return 'spec';
  return 'save';
}

export function parseRuleset(text: string, options: ParseOptions = {}): ParseResult {
  const file = options.file ?? '<input>';
  const format = options.format ?? detectFormat(text);
  if (format === 'listing') {
    const { tables, diagnostics } = listingToAst(text, { file, table: options.table, family: options.family });
    return { ruleset: { type: 'Ruleset', tables }, diagnostics };
  }
  const { tables, diagnostics, deferred } = saveToAst(text, { file, table: options.table, family: options.family, deferRules: options.deferRules });
  return { ruleset: { type: 'Ruleset', tables }, diagnostics, ...(deferred ? { deferred } : {}) };
}

/** Several inputs that together describe one host (e.g. filter and nat listings, v4 and v6 saves). */
export function mergeRulesets(parts: readonly Ruleset[]): Ruleset {
  return { type: 'Ruleset', tables: parts.flatMap((p) => p.tables) };
}
