/**
 * Match extensions that test packet headers and packet metadata (ports, ICMP types, IPv6
 * extension headers, TOS/DSCP/ECN, lengths, addresses, interfaces, IPsec policy, …).
 * Families differ where iptables has separate libipt_/libip6t_ extensions (ah) or only one.
 */
import type { ExtensionDef } from './extension.js';
import { tcpMatch } from './match/tcp.js';
import { udpMatch } from './match/udp.js';
import { sctpMatch } from './match/sctp.js';
import { dccpMatch } from './match/dccp.js';
import { multiportMatch } from './match/multiport.js';
import { icmpMatch } from './match/icmp.js';
import { icmp6Match } from './match/icmp6.js';
import { ahMatch4, ahMatch6 } from './match/ah.js';
import { espMatch } from './match/esp.js';
import { ipcompMatch } from './match/ipcomp.js';
import { mhMatch } from './match/mh.js';
import { fragMatch } from './match/frag.js';
import { hbhMatch } from './match/hbh.js';
import { dstMatch } from './match/dst.js';
import { rtMatch } from './match/rt.js';
import { ipv6headerMatch } from './match/ipv6header.js';
import { srhMatch } from './match/srh.js';
import { eui64Match } from './match/eui64.js';
import { lengthMatch } from './match/length.js';
import { ttlMatch } from './match/ttl.js';
import { hlMatch } from './match/hl.js';
import { tosMatch } from './match/tos.js';
import { dscpMatch } from './match/dscp.js';
import { ecnMatch } from './match/ecn.js';
import { pkttypeMatch } from './match/pkttype.js';
import { tcpmssMatch } from './match/tcpmss.js';
import { u32Match } from './match/u32.js';
import { bpfMatch } from './match/bpf.js';
import { stringMatch } from './match/string.js';
import { addrtypeMatch } from './match/addrtype.js';
import { iprangeMatch } from './match/iprange.js';
import { macMatch } from './match/mac.js';
import { physdevMatch } from './match/physdev.js';
import { policyMatch } from './match/policy.js';
import { realmMatch } from './match/realm.js';
import { osfMatch } from './match/osf.js';
import { cpuMatch } from './match/cpu.js';
import { cgroupMatch } from './match/cgroup.js';
import { devgroupMatch } from './match/devgroup.js';

/**
 * Drops the option type: the registry only ever hands a def's own parse result back to its
 * save, so the pairing stays sound.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function erased(def: ExtensionDef<any>): ExtensionDef {
  return def as ExtensionDef;
}

export const PACKET_MATCHES: readonly ExtensionDef[] = [
  tcpMatch, udpMatch, sctpMatch, dccpMatch, multiportMatch, icmpMatch, icmp6Match, ahMatch4, ahMatch6, espMatch,
  ipcompMatch, mhMatch, fragMatch, hbhMatch, dstMatch, rtMatch, ipv6headerMatch, srhMatch, eui64Match, lengthMatch,
  ttlMatch, hlMatch, tosMatch, dscpMatch, ecnMatch, pkttypeMatch, tcpmssMatch, u32Match, bpfMatch, stringMatch,
  addrtypeMatch, iprangeMatch, macMatch, physdevMatch, policyMatch, realmMatch, osfMatch, cpuMatch, cgroupMatch,
  devgroupMatch,
].map(erased);
