/**
 * `-m dccp` (libxt_dccp): ports, packet types and a DCCP option. xt_dccp needs `-p dccp`.
 * Unlike tcp/udp, a port range given at all is printed back, even `0:65535`.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import {
  checkOptionUse, formatRange, matchGuard, parseIntOption, parsePortRC, requireProtocol, U8, type NumRange,
} from './packet-util.js';

export type DccpType =
  | 'REQUEST' | 'RESPONSE' | 'DATA' | 'ACK' | 'DATAACK' | 'CLOSEREQ' | 'CLOSE' | 'RESET' | 'SYNC' | 'SYNCACK' | 'INVALID';

/** Indexed by the DCCP packet type number; INVALID (10) also stands for types 11-15. */
export const DCCP_TYPES: readonly DccpType[] = [
  'REQUEST', 'RESPONSE', 'DATA', 'ACK', 'DATAACK', 'CLOSEREQ', 'CLOSE', 'RESET', 'SYNC', 'SYNCACK', 'INVALID',
];

export interface DccpOptions {
  readonly sport?: Negatable<NumRange>;
  readonly dport?: Negatable<NumRange>;
  /** Packet type numbers (0-15) that match. */
  readonly types?: Negatable<readonly number[]>;
  readonly option?: Negatable<number>;
}

export const isDccpMatch = matchGuard<DccpOptions>('dccp');

export const dccpMatch: ExtensionDef<DccpOptions> = {
  kind: 'match',
  name: 'dccp',
  options: [
    { name: 'source-port', aliases: ['sport'], args: 1, invertible: true },
    { name: 'destination-port', aliases: ['dport'], args: 1, invertible: true },
    { name: 'dccp-types', args: 1, invertible: true },
    { name: 'dccp-option', args: 1, invertible: true },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('dccp', options, ctx)) return null;
    const out: { -readonly [K in keyof DccpOptions]: DccpOptions[K] } = {};
    for (const o of options) {
      switch (o.name) {
        case 'source-port':
        case 'destination-port': {
          const r = parsePortRC(o.args[0], 'dccp', o.name);
          if (typeof r === 'string') {
            ctx.error(r, o);
            return null;
          }
          out[o.name === 'source-port' ? 'sport' : 'dport'] = { value: r, negated: o.negated };
          break;
        }
        case 'dccp-types': {
          let mask = 0;
          for (const word of o.args[0].split(',')) {
            if (word === '') continue;
            const i = DCCP_TYPES.findIndex((t) => t.toLowerCase() === word.toLowerCase());
            if (i < 0) {
              ctx.error(`Unknown DCCP type \`${word}'`, o);
              return null;
            }
            mask |= 1 << i;
          }
          if (mask & (1 << 10)) mask |= 0xf800;
          const types: number[] = [];
          for (let t = 0; t < 16; t++) if (mask & (1 << t)) types.push(t);
          out.types = { value: types, negated: o.negated };
          break;
        }
        case 'dccp-option': {
          const n = parseIntOption(o, 'dccp', 1, U8, ctx);
          if (n === null) return null;
          out.option = { value: n, negated: o.negated };
          break;
        }
      }
    }
    if (!requireProtocol(ctx, 'DCCP', 33)) return null;
    return out;
  },
  save(o) {
    const parts: string[] = [];
    if (o.sport) parts.push(`${bang(o.sport.negated)}--sport ${formatRange(o.sport.value)}`);
    if (o.dport) parts.push(`${bang(o.dport.negated)}--dport ${formatRange(o.dport.value)}`);
    if (o.types) {
      const names = o.types.value.filter((t) => t <= 10).map((t) => DCCP_TYPES[t]);
      parts.push(`${bang(o.types.negated)}--dccp-types ${names.join(',')}`);
    }
    if (o.option) parts.push(`${bang(o.option.negated)}--dccp-option ${o.option.value}`);
    return parts.join(' ');
  },
};
