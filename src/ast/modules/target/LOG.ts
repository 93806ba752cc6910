/**
 * LOG (libxt_LOG.c; kernel xt_LOG.c): logs the packet to the kernel log and continues.
 */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { saveString } from '../extension.js';
import { checkOptions, fitBuffer, targetGuard, xtUint, type TargetOption } from './target-util.js';

export interface LogOptions {
  /** syslog level 0 (emerg) … 7 (debug); 4 (warning) by default. */
  readonly level: number;
  /** '' when none. */
  readonly prefix: string;
  readonly tcpSequence: boolean;
  readonly tcpOptions: boolean;
  readonly ipOptions: boolean;
  readonly uid: boolean;
  readonly macDecode: boolean;
}

export const LOG_DEFAULT_LEVEL = 4;

/** struct xt_log_info's prefix buffer. */
const PREFIX_SIZE = 30;

const LEVEL_NAMES: Readonly<Record<string, number>> = {
  alert: 1,
  crit: 2,
  debug: 7,
  emerg: 0,
  error: 3,
  info: 6,
  notice: 5,
  panic: 0,
  warning: 4,
};

const OPTIONS: readonly TargetOption[] = [
  { name: 'log-level', args: 1 },
  { name: 'log-prefix', args: 1 },
  { name: 'log-tcp-sequence', args: 0 },
  { name: 'log-tcp-options', args: 0 },
  { name: 'log-ip-options', args: 0 },
  { name: 'log-uid', args: 0 },
  { name: 'log-macdecode', args: 0 },
];

export const LOG: ExtensionDef<LogOptions> = {
  kind: 'target',
  name: 'LOG',
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): LogOptions | null {
    if (!checkOptions('LOG', raw, OPTIONS, ctx)) return null;
    let level = LOG_DEFAULT_LEVEL;
    let prefix = '';
    for (const o of raw) {
      if (o.name === 'log-level') {
        const arg = o.args[0];
        const parsed = xtUint(arg, 0, 7) ?? (Object.hasOwn(LEVEL_NAMES, arg) ? LEVEL_NAMES[arg] : null);
        if (parsed === null) {
          ctx.error(`log level "${arg}" unknown`, o);
          return null;
        }
        level = parsed;
      } else if (o.name === 'log-prefix') {
        if (o.args[0] === '') {
          ctx.error('Argument must have a minimum length of 1 characters', o);
          return null;
        }
        if (o.args[0].includes('\n')) {
          ctx.error('Newlines not allowed in --log-prefix', o);
          return null;
        }
        prefix = fitBuffer('LOG', o, PREFIX_SIZE, ctx);
      }
    }
    const has = (name: string): boolean => raw.some((o) => o.name === name);
    return {
      level,
      prefix,
      tcpSequence: has('log-tcp-sequence'),
      tcpOptions: has('log-tcp-options'),
      ipOptions: has('log-ip-options'),
      uid: has('log-uid'),
      macDecode: has('log-macdecode'),
    };
  },
  save(o: LogOptions): string {
    const parts: string[] = [];
    if (o.prefix !== '') parts.push(`--log-prefix ${saveString(o.prefix)}`);
    if (o.level !== LOG_DEFAULT_LEVEL) parts.push(`--log-level ${o.level}`);
    if (o.tcpSequence) parts.push('--log-tcp-sequence');
    if (o.tcpOptions) parts.push('--log-tcp-options');
    if (o.ipOptions) parts.push('--log-ip-options');
    if (o.uid) parts.push('--log-uid');
    if (o.macDecode) parts.push('--log-macdecode');
    return parts.join(' ');
  },
};

export const isLogTarget = targetGuard<LogOptions>('LOG');
