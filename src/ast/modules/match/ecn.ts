/**
 * `-m ecn` (libxt_ecn): the ECN bits of the IP header and TCP's ECE/CWR flags. The TCP tests
 * need `-p tcp` (xt_ecn refuses them otherwise).
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, parseIntOption, requireProtocol } from './packet-util.js';

export interface EcnOptions {
  /** TCP ECE flag set. */
  readonly tcpEce?: Negatable<true>;
  /** TCP CWR flag set. */
  readonly tcpCwr?: Negatable<true>;
  /** The IP header's ECN codepoint (0-3). */
  readonly ipEct?: Negatable<number>;
}

export const isEcnMatch = matchGuard<EcnOptions>('ecn');

export const ecnMatch: ExtensionDef<EcnOptions> = {
  kind: 'match',
  name: 'ecn',
  options: [
    { name: 'ecn-tcp-cwr', args: 0, invertible: true },
    { name: 'ecn-tcp-ece', args: 0, invertible: true },
    { name: 'ecn-ip-ect', args: 1, invertible: true },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('ecn', options, ctx)) return null;
    if (options.length === 0) {
      ctx.error('ECN match: some option required');
      return null;
    }
    const out: { -readonly [K in keyof EcnOptions]: EcnOptions[K] } = {};
    for (const o of options) {
      if (o.name === 'ecn-ip-ect') {
        const n = parseIntOption(o, 'ecn', 0, 3, ctx);
        if (n === null) return null;
        out.ipEct = { value: n, negated: o.negated };
      } else {
        out[o.name === 'ecn-tcp-cwr' ? 'tcpCwr' : 'tcpEce'] = { value: true, negated: o.negated };
      }
    }
    if ((out.tcpCwr || out.tcpEce) && !requireProtocol(ctx, 'ECN TCP', 6)) return null;
    return out;
  },
  save(o) {
    const parts: string[] = [];
    if (o.tcpEce) parts.push(`${bang(o.tcpEce.negated)}--ecn-tcp-ece`);
    if (o.tcpCwr) parts.push(`${bang(o.tcpCwr.negated)}--ecn-tcp-cwr`);
    if (o.ipEct) parts.push(`${bang(o.ipEct.negated)}--ecn-ip-ect ${o.ipEct.value}`);
    return parts.join(' ');
  },
};
