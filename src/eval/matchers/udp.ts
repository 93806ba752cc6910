/**
 * `-m udp` as xt_tcpudp's udp_mt decides it: `--sport` and `--dport` inclusive ranges, each
 * with its own `!`. (iptables has no `-m udplite` extension: UDP-Lite ports are matched with
 * multiport; xt_tcpudp's udplite match is the same test.)
 */
import { isUdpMatch, type UdpOptions } from '../../ast/modules/match/udp.js';
import type { EvalPacket } from '../state.js';
import { all, may, portTest, registerTyped, transportPorts } from './common.js';
import type { MatchResult } from './index.js';

export function evaluateUdp(o: UdpOptions, p: EvalPacket): MatchResult {
  const ports = transportPorts(p);
  // Reached with another protocol only through iptables-nft's raw transport-header read.
  if (ports === null) return may('a packet of this protocol holds no ports at the UDP port offsets');
  return all([portTest(ports.sport, o.sport, 'source port'), portTest(ports.dport, o.dport, 'destination port')]);
}

registerTyped('udp', isUdpMatch, (o, env) => evaluateUdp(o, env.packet));
