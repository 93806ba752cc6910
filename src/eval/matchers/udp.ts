/**
 * `-m udp` as xt_tcpudp's udp_mt decides it: `--sport` and `--dport` inclusive ranges, each
 * with its own `!`. (iptables has no `-m udplite` extension: UDP-Lite ports are matched with
 * multiport; xt_tcpudp's udplite match is the same test.)
 */
import { isUdpMatch, type UdpOptions } from '../../ast/modules/match/udp.js';
import type { EvalPacket } from '../state.js';
import { both, hasTransportPorts, may, portTest, registerTyped } from './common.js';
import type { MatchResult } from './index.js';

const NO_PORTS = may('a packet of this protocol holds no ports at the UDP port offsets');

export function evaluateUdp(o: UdpOptions, p: EvalPacket): MatchResult {
  // Reached with another protocol only through iptables-nft's raw transport-header read.
  if (!hasTransportPorts(p)) return NO_PORTS;
  return both(portTest(p.sport, o.sport, 'source port'), portTest(p.dport, o.dport, 'destination port'));
}

registerTyped('udp', isUdpMatch, (o, env) => evaluateUdp(o, env.packet));
