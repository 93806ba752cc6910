/** `-m pkttype` (libxt_pkttype): the link-layer packet type. */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, sameNoCase } from './packet-util.js';

export type PacketType = 'unicast' | 'broadcast' | 'multicast' | 'otherhost' | 'outgoing';

export interface PkttypeOptions {
  readonly pktType: Negatable<PacketType>;
}

export const isPkttypeMatch = matchGuard<PkttypeOptions>('pkttype');

/** Accepted spellings (the kernel's PACKET_* values behind them). */
const NAMES: readonly (readonly [string, PacketType])[] = [
  ['unicast', 'unicast'], ['broadcast', 'broadcast'], ['multicast', 'multicast'], ['otherhost', 'otherhost'],
  ['outgoing', 'outgoing'], ['bcast', 'broadcast'], ['mcast', 'multicast'], ['host', 'unicast'],
];

export const pkttypeMatch: ExtensionDef<PkttypeOptions> = {
  kind: 'match',
  name: 'pkttype',
  options: [{ name: 'pkt-type', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('pkttype', options, ctx, { mandatory: ['pkt-type'] })) return null;
    const o = options[0];
    const found = NAMES.find(([n]) => sameNoCase(n, o.args[0]));
    if (!found) {
      ctx.error(`Bad packet type '${o.args[0]}'`, o);
      return null;
    }
    return { pktType: { value: found[1], negated: o.negated } };
  },
  save(o) {
    return `${bang(o.pktType.negated)}--pkt-type ${o.pktType.value}`;
  },
};
