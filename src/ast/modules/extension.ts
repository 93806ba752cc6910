/**
 * The contract every match (`-m NAME`) and target (`-j NAME`) extension implements.
 *
 * iptables itself works this way: each extension (libxt_tcp.c, libxt_LOG.c, …) declares its
 * options for getopt, parses them into a typed struct, validates the combination in a final
 * check, and prints the struct back for iptables-save. netfate mirrors that per extension so
 * that `fmt` prints exactly what `iptables-save` prints, and the evaluator reads typed options.
 */
import type { CoreSelectors, Family, RawOption } from '../types.js';

export interface OptionSpec {
  /** Canonical long option name without the leading `--`, e.g. `dport`. */
  readonly name: string;
  /** Other long names accepted for the same option (e.g. `destination-port`). */
  readonly aliases?: readonly string[];
  /**
   * Number of arguments the option takes. Most take 0 or 1; a few (`--tcp-flags MASK COMP`,
   * `--match-set NAME FLAGS`) take 2. `optional` means getopt's optional_argument: the value is
   * only taken from `--name=value` or from a following token that does not start with `-`.
   */
  readonly args: 0 | 1 | 2 | 'optional';
  /** Whether `! --name` is allowed. */
  readonly invertible?: boolean;
}

/** Where an extension is being used, and how to report problems. */
export interface ExtensionContext {
  readonly family: Family;
  /** Table the rule is loaded into (`filter`, `nat`, …). */
  readonly table: string;
  /** Chain the rule is appended to. */
  readonly chain: string;
  /** The rule's core selectors as parsed so far (`-p`, `-s`, …); complete when `parse` runs. */
  readonly core: CoreSelectors;
  /** An error makes the rule invalid, as iptables would refuse it. `at` defaults to the `-m`/`-j`. */
  error(message: string, at?: RawOption): void;
  /** A warning keeps the rule (iptables accepts it but something is off or lossy). */
  warn(message: string, at?: RawOption): void;
}

export interface SaveContext {
  readonly family: Family;
}

export interface ExtensionDef<O = unknown> {
  readonly kind: 'match' | 'target';
  /** Name as written after `-m` / `-j` (case matters: `LOG`, `tcp`). */
  readonly name: string;
  /** Other names that load this extension (e.g. the match `icmpv6` for `icmp6`). */
  readonly aliases?: readonly string[];
  /** Restricts the extension to one family (libipt_* = 4, libip6t_* = 6); absent = both. */
  readonly family?: Family;
  /** Tables the target may be used in (nat targets, mangle targets); absent = any. */
  readonly tables?: readonly string[];
  /** Builtin chains (hooks) the extension may be used from; absent = any. */
  readonly hooks?: readonly string[];
  readonly options: readonly OptionSpec[];
  /**
   * Turns the options as written (in order; repeats included) into the typed option record,
   * validating values and combinations as the iptables extension does. Returns null when the
   * rule must be refused (after reporting at least one error through `ctx.error`).
   */
  parse(options: readonly RawOption[], ctx: ExtensionContext): O | null;
  /**
   * The text iptables-save prints after `-m NAME` / `-j NAME` (without leading space),
   * e.g. `--dport 80` or `! --state NEW`; '' when there is nothing.
   */
  save(options: O, ctx: SaveContext): string;
  /** The module/target name iptables-save prints, when it differs from `name`. */
  saveName?(options: O, ctx: SaveContext): string;
}

/**
 * Prints a string value the way iptables-save does (xtables_save_string): bare when it is only
 * `[A-Za-z0-9_-]` and not empty, else in double quotes with `"`, `\\` and `'` escaped by a backslash.
 */
export function saveString(value: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(value)) return value;
  return '"' + value.replace(/["\\']/g, (c) => '\\' + c) + '"';
}

/** `! ` when negated, for building save text. */
export function bang(negated: boolean): string {
  return negated ? '! ' : '';
}
