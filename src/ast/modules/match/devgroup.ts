/**
 * `-m devgroup` (libxt_devgroup): the device group of the in/out interface, `VALUE[/MASK]`
 * or a name from /etc/iproute2/group (Debian's default table: `0 default`).
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, formatValueMaskOrName, matchGuard, parseValueMaskOrName, requireHooks } from './packet-util.js';

export interface DeviceGroup {
  readonly value: number;
  readonly mask: number;
}

export interface DevgroupOptions {
  readonly srcGroup?: Negatable<DeviceGroup>;
  readonly dstGroup?: Negatable<DeviceGroup>;
}

export const isDevgroupMatch = matchGuard<DevgroupOptions>('devgroup');

const GROUP_NAMES: ReadonlyMap<number, string> = new Map([[0, 'default']]);

export const devgroupMatch: ExtensionDef<DevgroupOptions> = {
  kind: 'match',
  name: 'devgroup',
  options: [
    { name: 'src-group', args: 1, invertible: true },
    { name: 'dst-group', args: 1, invertible: true },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('devgroup', options, ctx)) return null;
    const out: { srcGroup?: Negatable<DeviceGroup>; dstGroup?: Negatable<DeviceGroup> } = {};
    for (const o of options) {
      const r = parseValueMaskOrName(o.args[0], GROUP_NAMES, 'devgroup', o.name);
      if (typeof r === 'string') {
        ctx.error(r, o);
        return null;
      }
      out[o.name === 'src-group' ? 'srcGroup' : 'dstGroup'] = { value: r, negated: o.negated };
    }
    if (!out.srcGroup && !out.dstGroup) {
      ctx.error("devgroup match: You must specify either '--src-group' or '--dst-group'");
      return null;
    }
    // The kernel needs an input device for the source group and an output device for the other.
    if (out.srcGroup && !requireHooks(ctx, 'devgroup --src-group', ['PREROUTING', 'INPUT', 'FORWARD'])) return null;
    if (out.dstGroup && !requireHooks(ctx, 'devgroup --dst-group', ['FORWARD', 'OUTPUT', 'POSTROUTING'])) return null;
    return out;
  },
  save(o) {
    const parts: string[] = [];
    if (o.srcGroup) parts.push(`${bang(o.srcGroup.negated)}--src-group ${formatValueMaskOrName(o.srcGroup.value, GROUP_NAMES)}`);
    if (o.dstGroup) parts.push(`${bang(o.dstGroup.negated)}--dst-group ${formatValueMaskOrName(o.dstGroup.value, GROUP_NAMES)}`);
    return parts.join(' ');
  },
};
