/**
 * `-m conntrack` (xt_conntrack revision 3, what current kernels and iptables use): state,
 * status, protocol, tuple addresses and ports of both directions, remaining lifetime, and the
 * direction of the packet within its connection.
 */
import type { Match, Negatable } from '../../types.js';
import { bang, type ExtensionContext, type ExtensionDef } from '../extension.js';
import { protocolNumber } from '../../../net/protocols.js';
import {
  checkOptionTable,
  formatHostMask,
  isKnownMatch,
  isPrefixOf,
  parseHostMask,
  parsePortSpan,
  parseUIntRange,
  type HostMask,
  type PortSpan,
  type XtOption,
} from './state-util.js';

/** Connection tracking states; SNAT and DNAT are "the connection is source/destination NATed". */
export type CtState = 'INVALID' | 'NEW' | 'ESTABLISHED' | 'RELATED' | 'UNTRACKED' | 'SNAT' | 'DNAT';
/** Connection status bits conntrack can test; an empty list is `NONE` (no bit set). */
export type CtStatus = 'EXPECTED' | 'SEEN_REPLY' | 'ASSURED' | 'CONFIRMED';
export type CtDirection = 'ORIGINAL' | 'REPLY';

/** The order iptables-save prints states in (print_state), whatever order they were written in. */
export const CT_STATE_ORDER: readonly CtState[] = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];
/** The order libxt_conntrack tries names in, which decides what an abbreviation means. */
const CT_STATE_LOOKUP: readonly CtState[] = ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT'];
const CT_STATUS_ORDER: readonly CtStatus[] = ['EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED'];

export interface CtExpire {
  /** Remaining lifetime in seconds, inclusive bounds. */
  readonly min: number;
  readonly max: number;
}

export interface ConntrackOptions {
  readonly state?: Negatable<readonly CtState[]>;
  /** Layer-4 protocol number of the original tuple. */
  readonly proto?: Negatable<number>;
  readonly origSrc?: Negatable<HostMask>;
  readonly origDst?: Negatable<HostMask>;
  readonly replSrc?: Negatable<HostMask>;
  readonly replDst?: Negatable<HostMask>;
  readonly origSrcPort?: Negatable<PortSpan>;
  readonly origDstPort?: Negatable<PortSpan>;
  readonly replSrcPort?: Negatable<PortSpan>;
  readonly replDstPort?: Negatable<PortSpan>;
  /** Status bits that must all be set; empty means NONE. */
  readonly status?: Negatable<readonly CtStatus[]>;
  readonly expire?: Negatable<CtExpire>;
  readonly direction?: CtDirection;
}

export function isConntrackMatch(m: Match): m is Match<ConntrackOptions> {
  return isKnownMatch(m, 'conntrack');
}

/**
 * A comma-separated list of names where each item may be a case-blind abbreviation
 * (strncasecmp against the full name, first hit wins). Null when an item is empty or unknown.
 */
export function parseNameList<T extends string>(text: string, lookup: readonly T[]): T[] | null {
  const out = new Set<T>();
  for (const item of text.split(',')) {
    if (item === '') return null;
    const hit = lookup.find((name) => isPrefixOf(item, name));
    if (!hit) return null;
    out.add(hit);
  }
  return [...out];
}

/** The states in print order. */
export function sortStates(states: Iterable<CtState>): CtState[] {
  const set = new Set(states);
  return CT_STATE_ORDER.filter((s) => set.has(s));
}

const OPTIONS: readonly XtOption[] = [
  { name: 'ctstate', args: 1, invertible: true },
  { name: 'ctproto', args: 1, invertible: true },
  { name: 'ctorigsrc', args: 1, invertible: true },
  { name: 'ctorigdst', args: 1, invertible: true },
  { name: 'ctreplsrc', args: 1, invertible: true },
  { name: 'ctrepldst', args: 1, invertible: true },
  { name: 'ctstatus', args: 1, invertible: true },
  { name: 'ctexpire', args: 1, invertible: true },
  { name: 'ctorigsrcport', args: 1, invertible: true },
  { name: 'ctorigdstport', args: 1, invertible: true },
  { name: 'ctreplsrcport', args: 1, invertible: true },
  { name: 'ctrepldstport', args: 1, invertible: true },
  { name: 'ctdir', args: 1 },
];

const ADDRESS_KEYS = {
  ctorigsrc: 'origSrc',
  ctorigdst: 'origDst',
  ctreplsrc: 'replSrc',
  ctrepldst: 'replDst',
} as const;
const PORT_KEYS = {
  ctorigsrcport: 'origSrcPort',
  ctorigdstport: 'origDstPort',
  ctreplsrcport: 'replSrcPort',
  ctrepldstport: 'replDstPort',
} as const;

function parseConntrack(raw: Parameters<ExtensionDef['parse']>[0], ctx: ExtensionContext): ConntrackOptions | null {
  if (!checkOptionTable('conntrack', raw, OPTIONS, ctx)) return null;
  if (raw.length === 0) {
    ctx.error('conntrack: At least one option is required');
    return null;
  }
  const out: { -readonly [K in keyof ConntrackOptions]: ConntrackOptions[K] } = {};
  for (const opt of raw) {
    const arg = opt.args[0];
    const negated = opt.negated;
    switch (opt.name) {
      case 'ctstate': {
        const states = parseNameList(arg, CT_STATE_LOOKUP);
        if (!states) {
          ctx.error(`Bad ctstate "${arg}"`, opt);
          return null;
        }
        out.state = { value: sortStates(states), negated };
        break;
      }
      case 'ctproto': {
        const proto = protocolNumber(arg);
        if (proto === null) {
          ctx.error(`unknown protocol "${arg}" specified`, opt);
          return null;
        }
        if (proto === 0) {
          ctx.error(negated ? 'conntrack: condition would always match protocol' : 'conntrack: rule would never match protocol', opt);
          return null;
        }
        out.proto = { value: proto, negated };
        break;
      }
      case 'ctorigsrc':
      case 'ctorigdst':
      case 'ctreplsrc':
      case 'ctrepldst': {
        const host = parseHostMask(arg, ctx.family);
        if (!host) {
          ctx.error(`conntrack: bad address "${arg}" for "--${opt.name}"`, opt);
          return null;
        }
        out[ADDRESS_KEYS[opt.name]] = { value: host, negated };
        break;
      }
      case 'ctorigsrcport':
      case 'ctorigdstport':
      case 'ctreplsrcport':
      case 'ctrepldstport': {
        const span = parsePortSpan(arg);
        if (!span) {
          ctx.error(`conntrack: bad port or port range "${arg}" for "--${opt.name}"`, opt);
          return null;
        }
        out[PORT_KEYS[opt.name]] = { value: span, negated };
        break;
      }
      case 'ctstatus': {
        const names = parseNameList(arg, ['NONE', ...CT_STATUS_ORDER] as const);
        if (!names) {
          ctx.error(`Bad ctstatus "${arg}"`, opt);
          return null;
        }
        out.status = { value: CT_STATUS_ORDER.filter((s) => names.includes(s)), negated };
        break;
      }
      case 'ctexpire': {
        const range = parseUIntRange(arg, 0xffffffffn);
        if (!range) {
          ctx.error(`conntrack: bad value for option "--ctexpire" near "${arg}", or out of range (0-4294967295).`, opt);
          return null;
        }
        out.expire = { value: { min: Number(range.from), max: Number(range.to) }, negated };
        break;
      }
      case 'ctdir': {
        const dir = arg.toUpperCase();
        if (dir !== 'ORIGINAL' && dir !== 'REPLY') {
          ctx.error(`Bad value for "--ctdir" option: "${arg}"`, opt);
          return null;
        }
        out.direction = dir;
        break;
      }
    }
  }
  return out;
}

function savePort(name: string, p: Negatable<PortSpan> | undefined): string[] {
  if (!p) return [];
  const { from, to } = p.value;
  // conntrack_dump_ports: a zero upper bound reads as "no range".
  const text = to === 0 || from === to ? String(from) : `${from}:${to}`;
  return [`${bang(p.negated)}--${name} ${text}`];
}

export function saveConntrack(o: ConntrackOptions): string {
  const parts: string[] = [];
  if (o.state) parts.push(`${bang(o.state.negated)}--ctstate ${o.state.value.join(',')}`);
  if (o.proto) parts.push(`${bang(o.proto.negated)}--ctproto ${o.proto.value}`);
  for (const [name, key] of Object.entries(ADDRESS_KEYS) as [keyof typeof ADDRESS_KEYS, (typeof ADDRESS_KEYS)[keyof typeof ADDRESS_KEYS]][]) {
    const a = o[key];
    if (a) parts.push(`${bang(a.negated)}--${name} ${formatHostMask(a.value)}`);
  }
  for (const [name, key] of Object.entries(PORT_KEYS) as [string, (typeof PORT_KEYS)[keyof typeof PORT_KEYS]][]) {
    parts.push(...savePort(name, o[key]));
  }
  if (o.status) {
    parts.push(`${bang(o.status.negated)}--ctstatus ${o.status.value.length ? o.status.value.join(',') : 'NONE'}`);
  }
  if (o.expire) {
    const { min, max } = o.expire.value;
    parts.push(`${bang(o.expire.negated)}--ctexpire ${min === max ? min : `${min}:${max}`}`);
  }
  if (o.direction) parts.push(`--ctdir ${o.direction}`);
  return parts.join(' ');
}

export const conntrackMatch: ExtensionDef<ConntrackOptions> = {
  kind: 'match',
  name: 'conntrack',
  options: OPTIONS,
  parse: parseConntrack,
  save: saveConntrack,
};
