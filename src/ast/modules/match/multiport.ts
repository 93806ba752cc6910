/**
 * `-m multiport` (libxt_multiport, revision 1): up to 15 ports, a range taking two slots.
 * The rule's `-p` must already name tcp, udp, udplite, sctp or dccp, not inverted: the
 * extension resolves service names for that protocol.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, formatRange, matchGuard, parsePortNumber, type NumRange } from './packet-util.js';

export type MultiportDirection = 'source' | 'destination' | 'both';

export interface MultiportOptions {
  /** `both`: the source or the destination port is in the list (`--ports`). */
  readonly direction: MultiportDirection;
  readonly ports: Negatable<readonly NumRange[]>;
}

export const isMultiportMatch = matchGuard<MultiportOptions>('multiport');

/** XT_MULTI_PORTS */
const MAX_SLOTS = 15;

const PROTOS: Readonly<Record<number, string>> = { 6: 'tcp', 17: 'udp', 136: 'udplite', 132: 'sctp', 33: 'dccp' };

export const multiportMatch: ExtensionDef<MultiportOptions> = {
  kind: 'match',
  name: 'multiport',
  options: [
    { name: 'source-ports', aliases: ['sports'], args: 1, invertible: true },
    { name: 'destination-ports', aliases: ['dports'], args: 1, invertible: true },
    { name: 'ports', args: 1, invertible: true },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('multiport', options, ctx, { exclusive: [['source-ports', 'destination-ports', 'ports']] })) {
      return null;
    }
    const o = options[0];
    if (!o) {
      ctx.error('no ports specified');
      return null;
    }
    const p = ctx.core.protocol;
    const proto = p && !p.negated ? PROTOS[p.value.number] : undefined;
    if (!proto) {
      ctx.error(
        !p || (!p.negated && p.value.number === 0)
          ? "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'"
          : 'multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP',
        o,
      );
      return null;
    }
    const ports: NumRange[] = [];
    let slots = 0;
    const items = o.args[0].split(',');
    for (let i = 0; i < items.length; i++) {
      if (slots >= MAX_SLOTS) {
        ctx.error('too many ports specified', o);
        return null;
      }
      const item = items[i];
      const colon = item.indexOf(':');
      if (colon >= 0 && slots === MAX_SLOTS - 1) {
        ctx.error('too many ports specified', o);
        return null;
      }
      const texts = colon < 0 ? [item] : [item.slice(0, colon), item.slice(colon + 1)];
      const values: number[] = [];
      for (const t of texts) {
        const port = parsePortNumber(t, proto);
        if (port === null) {
          ctx.error(`invalid port/service \`${t}' specified`, o);
          return null;
        }
        values.push(port);
      }
      if (values.length === 2 && values[0] >= values[1]) {
        ctx.error('invalid portrange specified', o);
        return null;
      }
      ports.push({ from: values[0], to: values[values.length - 1] });
      slots += values.length;
    }
    const direction: MultiportDirection =
      o.name === 'source-ports' ? 'source' : o.name === 'destination-ports' ? 'destination' : 'both';
    return { direction, ports: { value: ports, negated: o.negated } };
  },
  save(o) {
    const flag = o.direction === 'source' ? '--sports' : o.direction === 'destination' ? '--dports' : '--ports';
    return `${bang(o.ports.negated)}${flag} ${o.ports.value.map(formatRange).join(',')}`;
  },
};
