/**
 * `-m owner` (revision 1): the local socket's owner (uid/gid ranges, supplementary groups) or
 * that a socket exists at all. Only for locally generated packets: the kernel allows it in
 * OUTPUT and POSTROUTING.
 */
import type { Match, Negatable, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkHooks, checkOptionTable, isKnownMatch, strtoulPrefix, type XtOption } from './state-util.js';

/** An id range, or a name netfate could not resolve (the target system's passwd/group decides). */
export type OwnerId = { readonly min: number; readonly max: number } | { readonly name: string };

export interface OwnerOptions {
  readonly uid?: Negatable<OwnerId>;
  readonly gid?: Negatable<OwnerId>;
  readonly socketExists?: Negatable<true>;
  /** `--suppl-groups`: the gid test also looks at the supplementary groups. */
  readonly supplGroups: boolean;
}

export function isOwnerMatch(m: Match): m is Match<OwnerOptions> {
  return isKnownMatch(m, 'owner');
}

/** Debian's statically allocated users (base-passwd), the ones a ruleset can name anywhere. */
const USERS: Readonly<Record<string, number>> = {
  root: 0, daemon: 1, bin: 2, sys: 3, sync: 4, games: 5, man: 6, lp: 7, mail: 8, news: 9, uucp: 10,
  proxy: 13, 'www-data': 33, backup: 34, list: 38, irc: 39, nobody: 65534,
};
/** Debian's statically allocated groups (base-passwd). */
const GROUPS: Readonly<Record<string, number>> = {
  root: 0, daemon: 1, bin: 2, sys: 3, adm: 4, tty: 5, disk: 6, lp: 7, mail: 8, news: 9, uucp: 10,
  man: 12, proxy: 13, kmem: 15, dialout: 20, fax: 21, voice: 22, cdrom: 24, floppy: 25, tape: 26,
  sudo: 27, audio: 29, dip: 30, 'www-data': 33, backup: 34, operator: 37, list: 38, irc: 39, src: 40,
  shadow: 42, utmp: 43, video: 44, sasl: 45, plugdev: 46, staff: 50, games: 60, users: 100, nogroup: 65534,
};

/** `ID`, `FROM-TO` or `FROM:TO`; -1 is reserved, so ids stop at 2^32 - 2. */
function parseIdRange(text: string): { min: number; max: number } | null {
  const MAX = 0xfffffffen;
  const from = strtoulPrefix(text);
  if (!from || from.value > MAX) return null;
  let to = from;
  if (from.rest.startsWith('-') || from.rest.startsWith(':')) {
    const t = strtoulPrefix(from.rest.slice(1));
    if (!t || t.value > MAX) return null;
    to = t;
  }
  if (to.rest !== '') return null;
  return { min: Number(from.value), max: Number(to.value) };
}

function parseOwnerId(opt: RawOption, names: Readonly<Record<string, number>>, ctx: ExtensionContext): OwnerId | null {
  const text = opt.args[0];
  if (Object.prototype.hasOwnProperty.call(names, text)) return { min: names[text], max: names[text] };
  const range = parseIdRange(text);
  if (range) return range;
  if (/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(text)) {
    ctx.warn(`owner: "${text}" is resolved by the target system's ${opt.name === 'uid-owner' ? 'passwd' : 'group'} database; netfate keeps the name`, opt);
    return { name: text };
  }
  ctx.error(`owner: Bad value for option "--${opt.name}": "${text}"`, opt);
  return null;
}

const OPTIONS: readonly XtOption[] = [
  { name: 'uid-owner', args: 1, invertible: true },
  { name: 'gid-owner', args: 1, invertible: true },
  { name: 'socket-exists', args: 0, invertible: true },
  { name: 'suppl-groups', args: 0 },
];

function formatId(id: OwnerId): string {
  if ('name' in id) return id.name;
  return id.min === id.max ? String(id.min) : `${id.min}-${id.max}`;
}

export const ownerMatch: ExtensionDef<OwnerOptions> = {
  kind: 'match',
  name: 'owner',
  options: OPTIONS,
  hooks: ['OUTPUT', 'POSTROUTING'],
  parse(raw, ctx) {
    if (!checkOptionTable('owner', raw, OPTIONS, ctx)) return null;
    const out: { -readonly [K in keyof OwnerOptions]: OwnerOptions[K] } = { supplGroups: false };
    for (const opt of raw) {
      switch (opt.name) {
        case 'uid-owner':
        case 'gid-owner': {
          const id = parseOwnerId(opt, opt.name === 'uid-owner' ? USERS : GROUPS, ctx);
          if (!id) return null;
          if (opt.name === 'uid-owner') out.uid = { value: id, negated: opt.negated };
          else out.gid = { value: id, negated: opt.negated };
          break;
        }
        case 'socket-exists':
          out.socketExists = { value: true, negated: opt.negated };
          break;
        case 'suppl-groups':
          if (!out.gid) {
            ctx.error('owner: Bad value for option "--suppl-groups": "you need to use --gid-owner first"', opt);
            return null;
          }
          out.supplGroups = true;
          break;
      }
    }
    if (raw.length === 0) {
      ctx.error('owner: At least one of --uid-owner, --gid-owner or --socket-exists is required');
      return null;
    }
    if (!checkHooks('owner', ['OUTPUT', 'POSTROUTING'], ctx)) return null;
    return out;
  },
  save(o) {
    const parts: string[] = [];
    if (o.socketExists) parts.push(`${o.socketExists.negated ? '! ' : ''}--socket-exists`);
    if (o.uid) parts.push(`${o.uid.negated ? '! ' : ''}--uid-owner ${formatId(o.uid.value)}`);
    if (o.gid) parts.push(`${o.gid.negated ? '! ' : ''}--gid-owner ${formatId(o.gid.value)}`);
    if (o.supplGroups) parts.push('--suppl-groups');
    return parts.join(' ');
  },
};
