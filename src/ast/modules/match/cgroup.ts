/**
 * `-m cgroup` (libxt_cgroup, revision 2): the socket's net_cls classid or its cgroup2 path.
 * The kernel wants exactly one of the two.
 */
import type { ExtensionDef } from '../extension.js';
import { bang, saveString } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, parseIntOption, U32 } from './packet-util.js';

export interface CgroupOptions {
  /** cgroup2 path, relative to the cgroup2 root (matched recursively). */
  readonly path?: Negatable<string>;
  /** net_cls classid. */
  readonly classid?: Negatable<number>;
}

export const isCgroupMatch = matchGuard<CgroupOptions>('cgroup');

/** XT_CGROUP_PATH_MAX - 1 */
const MAX_PATH = 511;

export const cgroupMatch: ExtensionDef<CgroupOptions> = {
  kind: 'match',
  name: 'cgroup',
  options: [
    { name: 'path', args: 1, invertible: true },
    { name: 'cgroup', args: 1, invertible: true },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('cgroup', options, ctx)) return null;
    const out: { path?: Negatable<string>; classid?: Negatable<number> } = {};
    for (const o of options) {
      if (o.name === 'path') {
        out.path = { value: o.args[0].slice(0, MAX_PATH), negated: o.negated };
      } else {
        const n = parseIntOption(o, 'cgroup', 0, U32, ctx);
        if (n === null) return null;
        out.classid = { value: n, negated: o.negated };
      }
    }
    if (out.path && out.classid) {
      ctx.error('cgroup: path and classid specified');
      return null;
    }
    if (!out.path && !out.classid) {
      ctx.error('cgroup: --path or --cgroup is required');
      return null;
    }
    return out;
  },
  save(o) {
    const parts: string[] = [];
    if (o.path) parts.push(`${bang(o.path.negated)}--path ${saveString(o.path.value)}`);
    if (o.classid) parts.push(`${bang(o.classid.negated)}--cgroup ${o.classid.value}`);
    return parts.join(' ');
  },
};
