/**
 * `-m ipvs`: the packet belongs to an IPVS (load balancer) connection, optionally with given
 * virtual address, port, protocol, direction, forwarding method or control-connection port.
 */
import type { Match, Negatable } from '../../types.js';
import { bang, type ExtensionDef } from '../extension.js';
import { protocolNumber } from '../../../net/protocols.js';
import { parsePort } from '../values.js';
import { checkOptionTable, formatHostMask, isKnownMatch, parseHostMask, type HostMask, type XtOption } from './state-util.js';

export type IpvsMethod = 'GATE' | 'IPIP' | 'MASQ';

export interface IpvsOptions {
  /** The IPVS property itself; implied (not negated) whenever another option is given. */
  readonly ipvs: Negatable<true>;
  readonly proto?: Negatable<number>;
  readonly vaddr?: Negatable<HostMask>;
  readonly vport?: Negatable<number>;
  readonly direction?: 'ORIGINAL' | 'REPLY';
  readonly method?: Negatable<IpvsMethod>;
  readonly vportctl?: Negatable<number>;
}

export function isIpvsMatch(m: Match): m is Match<IpvsOptions> {
  return isKnownMatch(m, 'ipvs');
}

const OPTIONS: readonly XtOption[] = [
  { name: 'ipvs', args: 0, invertible: true },
  { name: 'vproto', args: 1, invertible: true },
  { name: 'vaddr', args: 1, invertible: true },
  { name: 'vport', args: 1, invertible: true },
  { name: 'vdir', args: 1 },
  { name: 'vmethod', args: 1, invertible: true },
  { name: 'vportctl', args: 1, invertible: true },
];

export const ipvsMatch: ExtensionDef<IpvsOptions> = {
  kind: 'match',
  name: 'ipvs',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('ipvs', raw, OPTIONS, ctx)) return null;
    if (raw.length === 0) {
      ctx.error('IPVS: At least one option is required');
      return null;
    }
    const out: { -readonly [K in keyof IpvsOptions]: IpvsOptions[K] } = { ipvs: { value: true, negated: false } };
    for (const opt of raw) {
      const arg = opt.args[0];
      const negated = opt.negated;
      switch (opt.name) {
        case 'ipvs':
          out.ipvs = { value: true, negated };
          break;
        case 'vproto': {
          const proto = protocolNumber(arg);
          if (proto === null) {
            ctx.error(`unknown protocol "${arg}" specified`, opt);
            return null;
          }
          out.proto = { value: proto, negated };
          break;
        }
        case 'vaddr': {
          const host = parseHostMask(arg, ctx.family);
          if (!host) {
            ctx.error(`ipvs: bad address "${arg}" for "--vaddr"`, opt);
            return null;
          }
          out.vaddr = { value: host, negated };
          break;
        }
        case 'vport':
        case 'vportctl': {
          const port = parsePort(arg);
          if (port === null) {
            ctx.error(`Port "${arg}" does not resolve to anything.`, opt);
            return null;
          }
          out[opt.name] = { value: port, negated };
          break;
        }
        case 'vdir': {
          const dir = arg.toUpperCase();
          if (dir !== 'ORIGINAL' && dir !== 'REPLY') {
            ctx.error(`ipvs: Bad value for option "--vdir": "${arg}"`, opt);
            return null;
          }
          out.direction = dir;
          break;
        }
        case 'vmethod': {
          const method = arg.toUpperCase();
          if (method !== 'GATE' && method !== 'IPIP' && method !== 'MASQ') {
            ctx.error(`ipvs: Bad value for option "--vmethod": "${arg}"`, opt);
            return null;
          }
          out.method = { value: method, negated };
          break;
        }
      }
    }
    if (raw.some((o) => o.name !== 'ipvs') && out.ipvs.negated) {
      ctx.error('! --ipvs cannot be together with other options');
      return null;
    }
    return out;
  },
  save(o, { family }) {
    void family;
    const parts: string[] = [];
    const others = o.proto || o.vaddr || o.vport || o.direction || o.method || o.vportctl;
    if (!others) parts.push(`${bang(o.ipvs.negated)}--ipvs`);
    if (o.proto) parts.push(`${bang(o.proto.negated)}--vproto ${o.proto.value}`);
    if (o.vaddr) parts.push(`${bang(o.vaddr.negated)}--vaddr ${formatHostMask(o.vaddr.value)}`);
    if (o.vport) parts.push(`${bang(o.vport.negated)}--vport ${o.vport.value}`);
    if (o.direction) parts.push(`--vdir ${o.direction}`);
    if (o.method) parts.push(`${bang(o.method.negated)}--vmethod ${o.method.value}`);
    if (o.vportctl) parts.push(`${bang(o.vportctl.negated)}--vportctl ${o.vportctl.value}`);
    return parts.join(' ');
  },
};
