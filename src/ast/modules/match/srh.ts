/**
 * `-m srh` (libip6t_srh, revision 1, IPv6): Segment Routing Header fields.
 * The eq/gt/lt tests of one field share a single stored value, so when several are given
 * they all compare against the last value written, as in the kernel.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, parseHostMask, parseIntOption, U16, U8, type HostMask } from './packet-util.js';

export interface SrhComparison {
  readonly eq?: Negatable<number>;
  readonly gt?: Negatable<number>;
  readonly lt?: Negatable<number>;
}

export interface SrhOptions {
  readonly nextHeader?: Negatable<number>;
  readonly headerLength: SrhComparison;
  readonly segmentsLeft: SrhComparison;
  readonly lastEntry: SrhComparison;
  readonly tag?: Negatable<number>;
  /** Previous, next and last segment IDs, each with a prefix. */
  readonly previousSid?: Negatable<HostMask>;
  readonly nextSid?: Negatable<HostMask>;
  readonly lastSid?: Negatable<HostMask>;
}

export const isSrhMatch = matchGuard<SrhOptions>('srh');

const FIELDS = [
  ['hdr-len', 'headerLength'],
  ['segs-left', 'segmentsLeft'],
  ['last-entry', 'lastEntry'],
] as const;
const OPS = ['eq', 'gt', 'lt'] as const;
const SIDS = [
  ['psid', 'previousSid'],
  ['nsid', 'nextSid'],
  ['lsid', 'lastSid'],
] as const;

export const srhMatch: ExtensionDef<SrhOptions> = {
  kind: 'match',
  name: 'srh',
  family: 6,
  options: [
    { name: 'srh-next-hdr', args: 1, invertible: true },
    ...FIELDS.flatMap(([f]) => OPS.map((op) => ({ name: `srh-${f}-${op}`, args: 1 as const, invertible: true }))),
    { name: 'srh-tag', args: 1, invertible: true },
    ...SIDS.map(([s]) => ({ name: `srh-${s}`, args: 1 as const, invertible: true })),
  ],
  parse(options, ctx) {
    if (!checkOptionUse('srh', options, ctx)) return null;
    let nextHeader: Negatable<number> | undefined;
    let tag: Negatable<number> | undefined;
    const sids: Partial<Record<'previousSid' | 'nextSid' | 'lastSid', Negatable<HostMask>>> = {};
    const tests: Record<'headerLength' | 'segmentsLeft' | 'lastEntry', { value: number; ops: Partial<Record<'eq' | 'gt' | 'lt', boolean>> }> = {
      headerLength: { value: 0, ops: {} },
      segmentsLeft: { value: 0, ops: {} },
      lastEntry: { value: 0, ops: {} },
    };
    for (const o of options) {
      if (o.name === 'srh-next-hdr' || o.name === 'srh-tag') {
        const n = parseIntOption(o, 'srh', 0, o.name === 'srh-tag' ? U16 : U8, ctx);
        if (n === null) return null;
        if (o.name === 'srh-tag') tag = { value: n, negated: o.negated };
        else nextHeader = { value: n, negated: o.negated };
        continue;
      }
      const sid = SIDS.find(([s]) => o.name === `srh-${s}`);
      if (sid) {
        const h = parseHostMask(o.args[0], 6);
        if (typeof h === 'string') {
          ctx.error(h, o);
          return null;
        }
        sids[sid[1]] = { value: h, negated: o.negated };
        continue;
      }
      for (const [f, key] of FIELDS) {
        for (const op of OPS) {
          if (o.name !== `srh-${f}-${op}`) continue;
          const n = parseIntOption(o, 'srh', 0, U8, ctx);
          if (n === null) return null;
          tests[key].value = n;
          tests[key].ops[op] = o.negated;
        }
      }
    }
    const comparison = (t: (typeof tests)['headerLength']): SrhComparison => {
      const out: { -readonly [K in keyof SrhComparison]: SrhComparison[K] } = {};
      for (const op of OPS) {
        const negated = t.ops[op];
        if (negated !== undefined) out[op] = { value: t.value, negated };
      }
      return out;
    };
    return {
      ...(nextHeader ? { nextHeader } : {}),
      headerLength: comparison(tests.headerLength),
      segmentsLeft: comparison(tests.segmentsLeft),
      lastEntry: comparison(tests.lastEntry),
      ...(tag ? { tag } : {}),
      ...sids,
    };
  },
  save(o) {
    const parts: string[] = [];
    if (o.nextHeader) parts.push(`${bang(o.nextHeader.negated)}--srh-next-hdr ${o.nextHeader.value}`);
    for (const [f, key] of FIELDS) {
      for (const op of OPS) {
        const t = o[key][op];
        if (t) parts.push(`${bang(t.negated)}--srh-${f}-${op} ${t.value}`);
      }
    }
    if (o.tag) parts.push(`${bang(o.tag.negated)}--srh-tag ${o.tag.value}`);
    for (const [s, key] of SIDS) {
      const sid = o[key];
      // Printed as ADDR/CIDR even for a host (/128); a non-prefix mask prints as -1 in iptables.
      if (sid) parts.push(`${bang(sid.negated)}--srh-${s} ${sid.value.address}/${sid.value.prefix ?? 4294967295}`);
    }
    return parts.join(' ');
  },
};
