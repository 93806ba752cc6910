/**
 * `-m osf` (libxt_osf, registered for IPv4): passive OS fingerprinting of TCP SYNs against
 * the fingerprints loaded with nfnl_osf. xt_osf needs `-p tcp`.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, parseIntOption, requireHooks, requireProtocol } from './packet-util.js';

export interface OsfOptions {
  /** OS genre (e.g. `Linux`), at most 31 bytes. */
  readonly genre: Negatable<string>;
  /** 0: TTL must be the same; 1: check whether it is local; 2: do not compare. */
  readonly ttl?: number;
  /** 0: log all matches; 1: log only the first; 2: log all, matched or not. */
  readonly log?: number;
}

export const isOsfMatch = matchGuard<OsfOptions>('osf');

/** MAXGENRELEN - 1 */
const MAX_GENRE = 31;

export const osfMatch: ExtensionDef<OsfOptions> = {
  kind: 'match',
  name: 'osf',
  family: 4,
  hooks: ['PREROUTING', 'INPUT', 'FORWARD'],
  options: [
    { name: 'genre', args: 1, invertible: true },
    { name: 'ttl', args: 1 },
    { name: 'log', args: 1 },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('osf', options, ctx, { mandatory: ['genre'] })) return null;
    const out: { genre: Negatable<string>; ttl?: number; log?: number } = { genre: { value: '', negated: false } };
    for (const o of options) {
      if (o.name === 'genre') {
        out.genre = { value: o.args[0].slice(0, MAX_GENRE), negated: o.negated };
      } else {
        const n = parseIntOption(o, 'osf', 0, 2, ctx);
        if (n === null) return null;
        out[o.name === 'ttl' ? 'ttl' : 'log'] = n;
      }
    }
    if (!requireProtocol(ctx, 'osf', 6)) return null;
    if (!requireHooks(ctx, 'osf', ['PREROUTING', 'INPUT', 'FORWARD'])) return null;
    return out;
  },
  save(o) {
    const parts = [`${bang(o.genre.negated)}--genre ${o.genre.value}`];
    if (o.ttl !== undefined) parts.push(`--ttl ${o.ttl}`);
    if (o.log !== undefined) parts.push(`--log ${o.log}`);
    return parts.join(' ');
  },
};
