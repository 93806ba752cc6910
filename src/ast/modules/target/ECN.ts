/** ECN (libipt_ECN.c; kernel ipt_ECN.c): sets or clears the ECN bits of the IPv4 and TCP headers. */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, optionUint, positiveProtocol, targetGuard, type TargetOption } from './target-util.js';

export interface EcnOptions {
  /** New TCP ECE bit, when set. */
  readonly tcpEce?: number;
  /** New TCP CWR bit, when set. */
  readonly tcpCwr?: number;
  /** New ECT codepoint of the IP header, when set. */
  readonly ipEct?: number;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'ecn-tcp-remove', args: 0, excl: ['ecn-tcp-cwr', 'ecn-tcp-ece'] },
  { name: 'ecn-tcp-cwr', args: 1, excl: ['ecn-tcp-remove'] },
  { name: 'ecn-tcp-ece', args: 1, excl: ['ecn-tcp-remove'] },
  { name: 'ecn-ip-ect', args: 1 },
];

export const ECN: ExtensionDef<EcnOptions> = {
  kind: 'target',
  name: 'ECN',
  family: 4,
  tables: ['mangle'],
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): EcnOptions | null {
    if (!checkOptions('ECN', raw, OPTIONS, ctx)) return null;
    if (raw.length === 0) {
      ctx.error('ECN target: An operation is required');
      return null;
    }
    const out: { tcpEce?: number; tcpCwr?: number; ipEct?: number } = {};
    for (const o of raw) {
      if (o.name === 'ecn-tcp-remove') {
        out.tcpEce = 0;
        out.tcpCwr = 0;
      } else {
        const n = optionUint('ECN', o, 0, o.name === 'ecn-ip-ect' ? 3 : 1, ctx);
        if (n === null) return null;
        if (o.name === 'ecn-tcp-cwr') out.tcpCwr = n;
        else if (o.name === 'ecn-tcp-ece') out.tcpEce = n;
        else out.ipEct = n;
      }
    }
    if ((out.tcpEce !== undefined || out.tcpCwr !== undefined) && positiveProtocol(ctx.core) !== 6) {
      ctx.error('ECN: cannot use operation on non-tcp rule');
      return null;
    }
    return out;
  },
  save(o: EcnOptions): string {
    if (o.tcpEce === 0 && o.tcpCwr === 0 && o.ipEct === undefined) return '--ecn-tcp-remove';
    const parts: string[] = [];
    if (o.tcpEce !== undefined) parts.push(`--ecn-tcp-ece ${o.tcpEce}`);
    if (o.tcpCwr !== undefined) parts.push(`--ecn-tcp-cwr ${o.tcpCwr}`);
    if (o.ipEct !== undefined) parts.push(`--ecn-ip-ect ${o.ipEct}`);
    return parts.join(' ');
  },
};

export const isEcnTarget = targetGuard<EcnOptions>('ECN');
