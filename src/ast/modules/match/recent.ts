/**
 * `-m recent`: a named list of recently seen addresses (source or destination). One command
 * per rule: add the address (`--set`), test it (`--rcheck`), test and refresh (`--update`),
 * or test and forget (`--remove`), optionally within a time window and hit count.
 */
import type { Match } from '../../types.js';
import type { ExtensionDef } from '../extension.js';
import { badProcName } from './hashlimit.js';
import { checkOptionTable, fitCString, isKnownMatch, parseHostMask, parseXtUInt, type XtOption } from './state-util.js';

export type RecentCommand = 'set' | 'rcheck' | 'update' | 'remove';

export interface RecentOptions {
  readonly command: RecentCommand;
  /** `! --rcheck` etc.: the result of the command is inverted. */
  readonly negated: boolean;
  /** Only entries seen within this many seconds count; 0: any age. */
  readonly seconds: number;
  /** `--reap`: purge entries older than `seconds`. */
  readonly reap: boolean;
  /** The address must have been seen at least this many times; 0: once is enough. */
  readonly hitcount: number;
  /** `--rttl`: the TTL must also equal the one recorded. */
  readonly ttl: boolean;
  readonly name: string;
  /** Mask applied to the address before it is recorded or looked up. */
  readonly mask: string;
  readonly side: 'source' | 'destination';
}

export function isRecentMatch(m: Match): m is Match<RecentOptions> {
  return isKnownMatch(m, 'recent');
}

const COMMANDS: readonly RecentCommand[] = ['set', 'rcheck', 'update', 'remove'];
/** XT_RECENT_NAME_LEN */
const NAME_SIZE = 200;
/** XT_RECENT_MAX_NSTAMPS: the kernel refuses hit counts from here on. */
const MAX_NSTAMPS = 65536;

const OPTIONS: readonly XtOption[] = [
  ...COMMANDS.map((name): XtOption => ({ name, args: 0, invertible: true, excl: COMMANDS.filter((c) => c !== name) })),
  { name: 'seconds', args: 1 },
  { name: 'reap', args: 0, also: ['seconds'] },
  { name: 'hitcount', args: 1 },
  { name: 'rttl', args: 0, excl: ['set', 'remove'] },
  { name: 'name', args: 1 },
  { name: 'rsource', args: 0 },
  { name: 'rdest', args: 0 },
  { name: 'mask', args: 1 },
];

export const recentMatch: ExtensionDef<RecentOptions> = {
  kind: 'match',
  name: 'recent',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('recent', raw, OPTIONS, ctx)) return null;
    let command: RecentCommand | null = null;
    let negated = false;
    let seconds = 0;
    let hitcount = 0;
    let name = 'DEFAULT';
    let mask = parseHostMask(ctx.family === 4 ? '255.255.255.255' : 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', ctx.family)!.address;
    let side: RecentOptions['side'] = 'source';
    for (const opt of raw) {
      const arg = opt.args[0];
      switch (opt.name) {
        case 'set':
        case 'rcheck':
        case 'update':
        case 'remove':
          command = opt.name;
          negated = negated || opt.negated;
          break;
        case 'seconds':
        case 'hitcount': {
          const v = parseXtUInt(arg, opt.name === 'seconds' ? 1 : 0);
          if (v === null) {
            ctx.error(`recent: bad value for option "--${opt.name}", or out of range (${opt.name === 'seconds' ? 1 : 0}-4294967295).`, opt);
            return null;
          }
          if (opt.name === 'seconds') seconds = v;
          else hitcount = v;
          break;
        }
        case 'name':
          name = fitCString(arg, NAME_SIZE, ctx, opt, 'recent list name');
          break;
        case 'mask': {
          const host = parseHostMask(arg, ctx.family, false);
          if (!host) {
            ctx.error(`recent: bad address "${arg}" for "--mask"`, opt);
            return null;
          }
          mask = host.address;
          break;
        }
        case 'rsource':
          side = 'source';
          break;
        case 'rdest':
          side = 'destination';
          break;
      }
    }
    if (!command) {
      ctx.error("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
      return null;
    }
    const has = (n: string): boolean => raw.some((o) => o.name === n);
    // recent_mt_check: what the kernel refuses.
    if ((command === 'set' || command === 'remove') && (seconds || hitcount || has('rttl') || has('reap'))) {
      ctx.error(`recent: the kernel refuses --seconds, --hitcount, --rttl and --reap with --${command}`);
      return null;
    }
    if (hitcount >= MAX_NSTAMPS) {
      ctx.error(`recent: hitcount (${hitcount}) is larger than allowed maximum (${MAX_NSTAMPS - 1})`);
      return null;
    }
    if (badProcName(name)) {
      ctx.error(`recent: the kernel refuses the list name "${name}"`);
      return null;
    }
    return { command, negated, seconds, reap: has('reap'), hitcount, ttl: has('rttl'), name, mask, side };
  },
  save(o) {
    const parts = [`${o.negated ? '! ' : ''}--${o.command}`];
    if (o.seconds) parts.push(`--seconds ${o.seconds}`);
    if (o.reap) parts.push('--reap');
    if (o.hitcount) parts.push(`--hitcount ${o.hitcount}`);
    if (o.ttl) parts.push('--rttl');
    parts.push(`--name ${o.name}`, `--mask ${o.mask}`, o.side === 'source' ? '--rsource' : '--rdest');
    return parts.join(' ');
  },
};
