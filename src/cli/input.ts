/**
 * Reading the rulesets a command names: files, `-` for stdin, or `--live` (this host's
 * iptables-save and ip6tables-save, run without a shell).
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { Diagnostic, Family, InputFormat, Ruleset } from '../ast/types.js';
import { parseRuleset, mergeRulesets } from '../ast/parse.js';
import type { DeferredRules } from '../ast/deferred.js';

export interface InputOptions {
  readonly inputFormat?: InputFormat;
  readonly table?: string;
  readonly family?: Family;
  readonly live?: boolean;
  /**
   * Read a large file's chains only when they are reached (trace and step: one packet visits a
   * few chains of a kube-proxy ruleset). Files under DEFER_RULES_MIN_BYTES are read whole.
   */
  readonly deferRules?: boolean;
}

/** From this size (about 7,000 rules) trace and step read chains as the packet reaches them. */
export const DEFER_RULES_MIN_BYTES = 1 << 20;

export interface LoadedInput {
  readonly ruleset: Ruleset;
  readonly diagnostics: readonly Diagnostic[];
  /** file name -> text, to quote source lines in messages. */
  readonly texts: ReadonlyMap<string, string>;
  /** Inputs whose chains are read when reached (deferRules), with what they still owe. */
  readonly deferred: readonly { readonly file: string; readonly rules: DeferredRules }[];
}

export class InputError extends Error {}

function readInput(file: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputError(`${file}: cannot read: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
}

function runSave(program: string): string | null {
  const result = spawnSync(program, [], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.error || result.status !== 0) return null;
  return result.stdout;
}

export function loadRulesets(files: readonly string[], options: InputOptions): LoadedInput {
  const sources: { file: string; text: string; family?: Family; format?: InputFormat }[] = [];
  if (options.live) {
    const v4 = runSave('iptables-save');
    const v6 = runSave('ip6tables-save');
    if (v4 === null && v6 === null) {
      throw new InputError('--live: could not run iptables-save or ip6tables-save (is iptables installed, and are you root?)');
    }
    if (v4 !== null) sources.push({ file: 'iptables-save', text: v4, family: 4, format: 'save' });
    if (v6 !== null) sources.push({ file: 'ip6tables-save', text: v6, family: 6, format: 'save' });
  }
  for (const file of files) sources.push({ file, text: readInput(file) });
  if (sources.length === 0) throw new InputError('no input: give one or more FILE arguments, - for stdin, or --live');
  const parts: Ruleset[] = [];
  const diagnostics: Diagnostic[] = [];
  const texts = new Map<string, string>();
  const deferred: { file: string; rules: DeferredRules }[] = [];
  for (const s of sources) {
    texts.set(s.file, s.text);
    const result = parseRuleset(s.text, {
      file: s.file,
      format: s.format ?? options.inputFormat,
      table: options.table,
      family: s.family ?? options.family,
      deferRules: options.deferRules === true && s.text.length >= DEFER_RULES_MIN_BYTES,
    });
    parts.push(result.ruleset);
    diagnostics.push(...result.diagnostics);
    if (result.deferred) deferred.push({ file: s.file, rules: result.deferred });
  }
  return { ruleset: mergeRulesets(parts), diagnostics, texts, deferred };
}
