/**
 * `-m tcp` as xt_tcpudp's tcp_mt decides it: each option is its own test with its own `!`
 * (`--sport`, `--dport` inclusive ranges; `--tcp-flags MASK COMP`: (flags & MASK) == COMP;
 * `--syn` is `SYN,RST,ACK,FIN SYN`; `--tcp-option`). netfate's packets are never non-first
 * fragments, for which the kernel's tcp match is false.
 */
import type { Negatable } from '../../ast/types.js';
import { isTcpMatch, tcpFlagBits, type TcpFlag, type TcpFlagsTest, type TcpOptions } from '../../ast/modules/match/tcp.js';
import type { EvalPacket } from '../state.js';
import { both, hasTransportPorts, hitUnless, may, NO, portTest, registerTyped, YES } from './common.js';
import type { MatchResult } from './index.js';

const TCP = 6;

function flagsTest(sel: Negatable<TcpFlagsTest> | undefined, p: EvalPacket): MatchResult {
  if (!sel) return YES;
  // The flags byte is TCP's own: another protocol (reachable only through iptables-nft, which
  // accepts `! -p tcp --tcp-flags …`) keeps something netfate does not model at that offset.
  if (p.proto !== TCP) return may('the TCP flags offset of a non-TCP packet is not modelled');
  if (!p.tcpFlags) return may("the packet's TCP flags are not given");
  // The match's masks cover the six classic flags only; ECE and CWR never take part.
  const bits = tcpFlagBits(p.tcpFlags.filter((f): f is TcpFlag => f !== 'ECE' && f !== 'CWR'));
  return hitUnless((bits & tcpFlagBits(sel.value.mask)) === tcpFlagBits(sel.value.comp), sel.negated);
}

// iptables-nft compiles `! -p tcp --dport N` to a raw read of the transport header: for udp,
// sctp, dccp and udplite that read finds their ports; for other protocols it finds other fields.
const NO_PORTS = may('a non-TCP packet holds no ports at the TCP port offsets');
const OPTIONS_UNKNOWN = may('TCP options are not part of the packet description');

export function evaluateTcp(o: TcpOptions, p: EvalPacket): MatchResult {
  // Test by test, without an array: it runs for every tcp rule a packet reaches.
  const ported = hasTransportPorts(p);
  let r = ported ? portTest(p.sport, o.sport, 'source port') : o.sport === undefined ? YES : NO_PORTS;
  if (r.result === 'no') return NO;
  r = both(r, ported ? portTest(p.dport, o.dport, 'destination port') : o.dport === undefined ? YES : NO_PORTS);
  if (r.result === 'no') return NO;
  if (o.flags !== undefined) r = both(r, flagsTest(o.flags, p));
  return o.option ? both(r, OPTIONS_UNKNOWN) : r;
}

// `-m tcp` alone (kube-proxy's endpoint rules) tests nothing: every packet passes it.
registerTyped('tcp', isTcpMatch, (o, env) => evaluateTcp(o, env.packet), (o) =>
  o.sport === undefined && o.dport === undefined && o.flags === undefined && !o.option ? YES : undefined,
);
