/**
 * `-m pkttype` as xt_pkttype decides it: the link-layer type the skb carries; `!` inverts.
 *
 * netfate has no link layer, so the type is read from what decides it in practice:
 * - a packet this host sends carries PACKET_HOST (unicast) through OUTPUT and POSTROUTING;
 * - a routed forwarded packet is unicast too (ip_forward drops every other type);
 * - a received (or bridged) packet's frame was addressed to a multicast group for a multicast
 *   destination, to everyone for 255.255.255.255 or the broadcast address of a prefix on the
 *   interface it came in by, and to this host otherwise.
 * `otherhost` never reaches iptables (ip_rcv drops those frames; br_netfilter relabels them as
 * host) and `outgoing` is only what packet sockets see, so neither ever matches.
 */
import { isPkttypeMatch, type PacketType, type PkttypeOptions } from '../../ast/modules/match/pkttype.js';
import type { MatchEnv } from '../state.js';
import { addressBytes, inPrefix } from '../../net/ip.js';
import { hitUnless, may, registerTyped } from './common.js';
import { ownAddresses } from './addrtype.js';
import type { MatchResult } from './index.js';

/** The packet type, or a reason why it cannot be told. */
export function packetType(env: MatchEnv): PacketType | { undecided: string } {
  const p = env.packet;
  if (p.local) return 'unicast';
  if (!p.bridged && (env.hook === 'FORWARD' || env.hook === 'POSTROUTING')) return 'unicast';
  const dst = addressBytes(p.dst);
  if (!dst) return { undecided: `the destination ${p.dst} is not an address` };
  if (dst.length === 16) return dst[0] === 0xff ? 'multicast' : 'unicast';
  if (dst[0] >= 224 && dst[0] <= 239) return 'multicast';
  if (dst.every((b) => b === 255)) return 'broadcast';
  // A prefix's broadcast address has at least its last two bits set (prefixes up to /30 have one).
  const mayBeBroadcast = (dst[3] & 3) === 3;
  if (!mayBeBroadcast) return 'unicast';
  if (!env.hostKnown) return { undecided: `without a host model, ${p.dst} may be the broadcast address of ${p.inIface || 'the incoming interface'}` };
  const onLink = ownAddresses(env.host, 4).filter((a) => a.iface === p.inIface && a.prefix < 31 && inPrefix(dst, a.bytes, a.prefix));
  const broadcast = onLink.some((a) => {
    for (let bit = a.prefix; bit < 32; bit++) if (!(dst[bit >> 3] & (0x80 >> (bit & 7)))) return false;
    return true;
  });
  return broadcast ? 'broadcast' : 'unicast';
}

export function evaluatePkttype(o: PkttypeOptions, env: MatchEnv): MatchResult {
  const type = packetType(env);
  if (typeof type !== 'string') return may(type.undecided);
  return hitUnless(type === o.pktType.value, o.pktType.negated);
}

registerTyped('pkttype', isPkttypeMatch, evaluatePkttype);
