/**
 * `-m physdev` (libxt_physdev): bridge ports of bridged traffic. An output bridge port is not
 * known yet for locally generated packets, so the kernel refuses `--physdev-out` /
 * `--physdev-is-out` in OUTPUT unless the rule is limited to bridged traffic.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { InterfaceName, Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, ruleHook } from './packet-util.js';

export interface PhysdevOptions {
  readonly physdevIn?: Negatable<InterfaceName>;
  readonly physdevOut?: Negatable<InterfaceName>;
  /** The packet entered through a bridge port. */
  readonly isIn?: Negatable<true>;
  /** The packet will leave through a bridge port. */
  readonly isOut?: Negatable<true>;
  /** The packet is being bridged (not routed). */
  readonly isBridged?: Negatable<true>;
}

export const isPhysdevMatch = matchGuard<PhysdevOptions>('physdev');

/** IFNAMSIZ - 1 */
const MAX_IFNAME = 15;

export const physdevMatch: ExtensionDef<PhysdevOptions> = {
  kind: 'match',
  name: 'physdev',
  options: [
    { name: 'physdev-in', args: 1, invertible: true },
    { name: 'physdev-out', args: 1, invertible: true },
    { name: 'physdev-is-in', args: 0, invertible: true },
    { name: 'physdev-is-out', args: 0, invertible: true },
    { name: 'physdev-is-bridged', args: 0, invertible: true },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('physdev', options, ctx)) return null;
    if (options.length === 0) {
      ctx.error('PHYSDEV: no physdev option specified');
      return null;
    }
    const out: { -readonly [K in keyof PhysdevOptions]: PhysdevOptions[K] } = {};
    for (const o of options) {
      switch (o.name) {
        case 'physdev-in':
        case 'physdev-out': {
          const arg = o.args[0];
          if (arg.length > MAX_IFNAME) {
            ctx.error(`interface name \`${arg}' must be shorter than IFNAMSIZ (${MAX_IFNAME})`, o);
            return null;
          }
          if (/[/ ]/.test(arg)) {
            ctx.warn(`Warning: weird character in interface \`${arg}' ('/' and ' ' are not allowed by the kernel).`, o);
          }
          const name: InterfaceName = { name: arg.endsWith('+') ? arg.slice(0, -1) : arg, wildcard: arg.endsWith('+') };
          out[o.name === 'physdev-in' ? 'physdevIn' : 'physdevOut'] = { value: name, negated: o.negated };
          break;
        }
        case 'physdev-is-in': out.isIn = { value: true, negated: o.negated }; break;
        case 'physdev-is-out': out.isOut = { value: true, negated: o.negated }; break;
        case 'physdev-is-bridged': out.isBridged = { value: true, negated: o.negated }; break;
      }
    }
    const bridgedOnly = out.isBridged !== undefined && !out.isBridged.negated;
    if ((out.physdevOut || out.isOut) && !bridgedOnly && ruleHook(ctx) === 'OUTPUT') {
      ctx.error('physdev: --physdev-out and --physdev-is-out only supported in the FORWARD and POSTROUTING chains with bridged traffic');
      return null;
    }
    return out;
  },
  save(o) {
    const name = (n: InterfaceName): string => n.name + (n.wildcard ? '+' : '');
    const parts: string[] = [];
    if (o.isIn) parts.push(`${bang(o.isIn.negated)}--physdev-is-in`);
    if (o.physdevIn) parts.push(`${bang(o.physdevIn.negated)}--physdev-in ${name(o.physdevIn.value)}`);
    if (o.isOut) parts.push(`${bang(o.isOut.negated)}--physdev-is-out`);
    if (o.physdevOut) parts.push(`${bang(o.physdevOut.negated)}--physdev-out ${name(o.physdevOut.value)}`);
    if (o.isBridged) parts.push(`${bang(o.isBridged.negated)}--physdev-is-bridged`);
    return parts.join(' ');
  },
};
