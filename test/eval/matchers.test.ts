import { describe, expect, it } from 'vitest';
import type { Family } from '../../src/ast/types.js';
import { parseSingleRule } from '../../src/ast/single-rule.js';
import { parseRuleset } from '../../src/ast/parse.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';
import { evaluateMatch, type MatchResult } from '../../src/eval/matchers/index.js';
import { all } from '../../src/eval/matchers/common.js';
import { EMPTY_HOST, withLoopback } from '../../src/eval/host.js';
import type { ConntrackView, EvalPacket, MatchEnv } from '../../src/eval/state.js';
import type { Hook, HostModel, Packet, Tristate } from '../../src/eval/types.js';
import '../../src/eval/register.js';

const HOST: HostModel = withLoopback({
  interfaces: [
    { name: 'eth0', addresses: ['192.0.2.2/24', '2001:db8::2/64'] },
    { name: 'eth1', addresses: ['10.1.0.1/24'] },
  ],
  routes: [{ dst: 'default', dev: 'eth0', via: '192.0.2.1' }, { dst: '::/0', dev: 'eth0' }],
  sysctl: { 'net.ipv4.ip_forward': 1 },
});

const TCP_IN: EvalPacket = {
  family: 4, inIface: 'eth0', outIface: '', src: '198.51.100.7', dst: '192.0.2.2', proto: 6, sport: 40000, dport: 22,
  tcpFlags: ['SYN'], mark: 0, length: 60, ttl: 64, ctState: 'NEW', ctDir: 'ORIGINAL', tracked: true, ct: null,
  local: false, bridged: false,
};

const CT: ConntrackView = {
  origSrc: '198.51.100.7', origDst: '192.0.2.2', origSport: 40000, origDport: 22,
  replSrc: '10.1.0.5', replDst: '198.51.100.7', replSport: 2222, replDport: 40000,
  status: ['CONFIRMED', 'SEEN_REPLY', 'DNAT'], mark: 0x10,
};

interface Case {
  /** What iptables takes after `-A CHAIN`. */
  readonly rule: string;
  readonly packet?: Partial<EvalPacket>;
  readonly family?: Family;
  readonly table?: string;
  readonly chain?: Hook;
  /** Host model; `null` for none given. */
  readonly host?: HostModel | null;
  readonly expect: Tristate;
  readonly probability?: number;
}

/** The rule's `-m` matches (not its core selectors), ANDed as the engine does. */
function decide(c: Case): MatchResult {
  const family = c.family ?? 4;
  const chain = c.chain ?? 'INPUT';
  const table = c.table ?? 'filter';
  const parsed = parseSingleRule(c.rule, { family, table, chain });
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const rule = parsed.rules[0];
  expect(rule).toBeDefined();
  const packet: EvalPacket = { ...TCP_IN, family, ...c.packet };
  const env: MatchEnv = {
    packet, hook: chain, table, chain,
    host: c.host === null ? EMPTY_HOST : c.host ?? HOST,
    hostKnown: c.host !== null,
  };
  return all(rule.matches.map((m) => evaluateMatch(m, env)));
}

function table(name: string, cases: readonly Case[]): void {
  describe(name, () => {
    for (const c of cases) {
      const where = [c.table && `-t ${c.table}`, c.chain, c.host === null && 'no host', c.packet && JSON.stringify(c.packet)].filter(Boolean).join(' ');
      it(`${c.rule} ${where} → ${c.expect}`, () => {
        const r = decide(c);
        expect(r.result).toBe(c.expect);
        if (c.expect === 'may') expect(r.because).toBeTruthy();
        if (c.probability !== undefined) expect(r.probability).toBeCloseTo(c.probability, 9);
      });
    }
  });
}

const UDP = { proto: 17, sport: 5353, dport: 53, tcpFlags: undefined };
const ICMP = { proto: 1, sport: undefined, dport: undefined, tcpFlags: undefined, icmpType: 8, icmpCode: 0 };
const V6 = { family: 6 as const, src: '2001:db8:1::7', dst: '2001:db8::2' };

table('tcp', [
  { rule: '-p tcp --dport 22', expect: 'yes' },
  { rule: '-p tcp --dport 23', expect: 'no' },
  { rule: '-p tcp ! --dport 22', expect: 'no' },
  { rule: '-p tcp ! --dport 23', expect: 'yes' },
  { rule: '-p tcp --dport 20:22', expect: 'yes' },
  { rule: '-p tcp --dport 22:30', expect: 'yes' },
  { rule: '-p tcp --dport 23:30', expect: 'no' },
  { rule: '-p tcp --sport 1024:', expect: 'yes' },
  { rule: '-p tcp --sport :1023', expect: 'no' },
  { rule: '-p tcp --sport 40000 --dport 80', expect: 'no' },
  { rule: '-p tcp ! --sport 40000 --dport 22', expect: 'no' },
  { rule: '-p tcp --syn', expect: 'yes' },
  { rule: '-p tcp --syn', packet: { tcpFlags: ['SYN', 'ACK'] }, expect: 'no' },
  { rule: '-p tcp ! --syn', packet: { tcpFlags: ['SYN', 'ACK'] }, expect: 'yes' },
  { rule: '-p tcp --syn', packet: { tcpFlags: ['SYN', 'ECE', 'CWR'] }, expect: 'yes' },
  { rule: '-p tcp --tcp-flags SYN,ACK SYN,ACK', packet: { tcpFlags: ['SYN', 'ACK', 'PSH'] }, expect: 'yes' },
  { rule: '-p tcp --tcp-flags ALL NONE', packet: { tcpFlags: [] }, expect: 'yes' },
  { rule: '-p tcp --tcp-flags ALL NONE', expect: 'no' },
  { rule: '-p tcp --tcp-flags ALL FIN,PSH,URG', packet: { tcpFlags: ['FIN', 'PSH', 'URG'] }, expect: 'yes' },
  { rule: '-p tcp --tcp-flags FIN,RST FIN,RST', packet: { tcpFlags: ['FIN', 'ACK'] }, expect: 'no' },
  { rule: '-p tcp ! --tcp-flags FIN,RST FIN,RST', packet: { tcpFlags: ['FIN', 'ACK'] }, expect: 'yes' },
  { rule: '-p tcp --syn', packet: { tcpFlags: undefined }, expect: 'may' },
  { rule: '-p tcp --dport 22', packet: { dport: undefined }, expect: 'may' },
  { rule: '-p tcp --tcp-option 2', expect: 'may' },
  // A port test that fails decides the match even when another option is undecided.
  { rule: '-p tcp --dport 80 --tcp-option 2', expect: 'no' },
  // iptables-nft's `! -p tcp --dport` reads the transport header raw: udp keeps its ports there.
  { rule: '! -p tcp --dport 53', packet: UDP, expect: 'yes' },
  { rule: '! -p tcp --dport 54', packet: UDP, expect: 'no' },
  { rule: '! -p tcp --dport 53', packet: ICMP, expect: 'may' },
  { rule: '! -p tcp --syn', packet: UDP, expect: 'may' },
]);

table('udp', [
  { rule: '-p udp --dport 53', packet: UDP, expect: 'yes' },
  { rule: '-p udp --dport 53 --sport 1:1024', packet: UDP, expect: 'no' },
  { rule: '-p udp ! --sport 1:1024', packet: UDP, expect: 'yes' },
  { rule: '-p udp --dport 0:52', packet: UDP, expect: 'no' },
  { rule: '-p udp --dport 53:', packet: UDP, expect: 'yes' },
]);

table('sctp and dccp', [
  { rule: '-p sctp --dport 22', expect: 'yes', packet: { proto: 132 } },
  { rule: '-p sctp ! --dport 22', expect: 'no', packet: { proto: 132 } },
  { rule: '-p sctp --chunk-types any INIT', expect: 'may', packet: { proto: 132 } },
  { rule: '-p sctp --dport 80 --chunk-types any INIT', expect: 'no', packet: { proto: 132 } },
  { rule: '-p dccp --sport 40000:40010', expect: 'yes', packet: { proto: 33 } },
  { rule: '-p dccp --dccp-types REQUEST', expect: 'may', packet: { proto: 33 } },
]);

table('icmp', [
  { rule: '-p icmp --icmp-type echo-request', packet: ICMP, expect: 'yes' },
  { rule: '-p icmp --icmp-type echo-reply', packet: ICMP, expect: 'no' },
  { rule: '-p icmp ! --icmp-type echo-request', packet: ICMP, expect: 'no' },
  { rule: '-p icmp --icmp-type any', packet: ICMP, expect: 'yes' },
  { rule: '-p icmp ! --icmp-type any', packet: ICMP, expect: 'no' },
  { rule: '-p icmp --icmp-type any', packet: { ...ICMP, icmpType: undefined }, expect: 'yes' },
  { rule: '-p icmp --icmp-type port-unreachable', packet: { ...ICMP, icmpType: 3, icmpCode: 3 }, expect: 'yes' },
  { rule: '-p icmp --icmp-type port-unreachable', packet: { ...ICMP, icmpType: 3, icmpCode: 1 }, expect: 'no' },
  { rule: '-p icmp --icmp-type destination-unreachable', packet: { ...ICMP, icmpType: 3, icmpCode: 13 }, expect: 'yes' },
  { rule: '-p icmp --icmp-type 3/1', packet: { ...ICMP, icmpType: 3, icmpCode: 1 }, expect: 'yes' },
  { rule: '-p icmp --icmp-type echo-request', packet: { ...ICMP, icmpType: undefined }, expect: 'may' },
]);

table('icmp6', [
  { rule: '-p ipv6-icmp --icmpv6-type echo-request', family: 6, packet: { ...V6, ...ICMP, proto: 58, icmpType: 128 }, expect: 'yes' },
  { rule: '-p ipv6-icmp -m icmpv6 ! --icmpv6-type echo-request', family: 6, packet: { ...V6, ...ICMP, proto: 58, icmpType: 128 }, expect: 'no' },
  { rule: '-p ipv6-icmp --icmpv6-type neighbour-solicitation', family: 6, packet: { ...V6, ...ICMP, proto: 58, icmpType: 135 }, expect: 'yes' },
  { rule: '-p ipv6-icmp --icmpv6-type no-route', family: 6, packet: { ...V6, ...ICMP, proto: 58, icmpType: 1, icmpCode: 3 }, expect: 'no' },
  { rule: '-p ipv6-icmp --icmpv6-type 1/3', family: 6, packet: { ...V6, ...ICMP, proto: 58, icmpType: 1, icmpCode: 3 }, expect: 'yes' },
]);

table('multiport', [
  { rule: '-p tcp -m multiport --dports 80,443,22', expect: 'yes' },
  { rule: '-p tcp -m multiport --dports 80,443', expect: 'no' },
  { rule: '-p tcp -m multiport ! --dports 80,443', expect: 'yes' },
  { rule: '-p tcp -m multiport ! --dports 80,22', expect: 'no' },
  { rule: '-p tcp -m multiport --dports 10:22', expect: 'yes' },
  { rule: '-p tcp -m multiport --dports 23:30,1:21', expect: 'no' },
  { rule: '-p tcp -m multiport --sports 40000', expect: 'yes' },
  { rule: '-p tcp -m multiport --sports 22', expect: 'no' },
  { rule: '-p tcp -m multiport --ports 22', packet: { sport: 22, dport: 40000 }, expect: 'yes' },
  { rule: '-p tcp -m multiport --ports 22', packet: { sport: 40000, dport: 22 }, expect: 'yes' },
  { rule: '-p tcp -m multiport ! --ports 22', packet: { sport: 22, dport: 40000 }, expect: 'no' },
  { rule: '-p udplite -m multiport --dports 53', packet: { ...UDP, proto: 136 }, expect: 'yes' },
  { rule: '-p tcp -m multiport --ports 80', packet: { sport: undefined }, expect: 'may' },
  { rule: '-p tcp -m multiport --ports 22', packet: { sport: undefined }, expect: 'yes' },
]);

const ESTABLISHED = { ctState: 'ESTABLISHED' as const, ct: CT };
const REPLY = { ctState: 'ESTABLISHED' as const, ctDir: 'REPLY' as const, ct: CT };

table('conntrack', [
  { rule: '-m conntrack --ctstate NEW', expect: 'yes' },
  { rule: '-m conntrack --ctstate ESTABLISHED,RELATED', expect: 'no' },
  { rule: '-m conntrack ! --ctstate ESTABLISHED,RELATED', expect: 'yes' },
  { rule: '-m conntrack --ctstate ESTABLISHED,RELATED', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack --ctstate RELATED', packet: { ctState: 'RELATED' }, expect: 'yes' },
  // Before the conntrack hook (raw) there is no entry: every packet is INVALID.
  { rule: '-m conntrack --ctstate NEW', table: 'raw', chain: 'PREROUTING', packet: { tracked: false }, expect: 'no' },
  { rule: '-m conntrack --ctstate INVALID', table: 'raw', chain: 'PREROUTING', packet: { tracked: false }, expect: 'yes' },
  { rule: '-m conntrack --ctstate INVALID', packet: { ctState: 'INVALID' }, expect: 'yes' },
  { rule: '-m conntrack --ctstate UNTRACKED', packet: { ctState: 'UNTRACKED' }, expect: 'yes' },
  { rule: '-m conntrack --ctstate INVALID', packet: { ctState: 'UNTRACKED' }, expect: 'no' },
  { rule: '-m conntrack ! --ctstate UNTRACKED', packet: { ctState: 'UNTRACKED' }, expect: 'no' },
  // No entry: --ctstate alone decides; without it the match is false.
  { rule: '-m conntrack --ctstate INVALID --ctproto udp', packet: { ctState: 'INVALID' }, expect: 'yes' },
  { rule: '-m conntrack --ctproto tcp', packet: { ctState: 'INVALID' }, expect: 'no' },
  { rule: '-m conntrack ! --ctproto tcp', packet: { ctState: 'UNTRACKED' }, expect: 'no' },
  { rule: '-m conntrack --ctdir ORIGINAL', packet: { ctState: 'UNTRACKED' }, expect: 'no' },
  { rule: '-m conntrack --ctstate DNAT', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack --ctstate SNAT', packet: ESTABLISHED, expect: 'no' },
  { rule: '-m conntrack ! --ctstate SNAT', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack --ctstate NEW,DNAT', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack --ctproto tcp', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack ! --ctproto tcp', packet: ESTABLISHED, expect: 'no' },
  { rule: '-m conntrack --ctproto tcp', packet: { ...ICMP, ctState: 'RELATED', ct: CT }, expect: 'may' },
  { rule: '-m conntrack --ctorigsrc 198.51.100.0/24', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack --ctorigdst 192.0.2.2', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack ! --ctorigdst 192.0.2.2', packet: ESTABLISHED, expect: 'no' },
  { rule: '-m conntrack --ctreplsrc 10.1.0.0/16', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack --ctrepldst 203.0.113.0/24', packet: ESTABLISHED, expect: 'no' },
  // The address is kept as written and masked only when compared.
  { rule: '-m conntrack --ctreplsrc 10.1.9.9/16', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack --ctorigdstport 22', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack --ctreplsrcport 2000:2222', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack ! --ctreplsrcport 2000:2222', packet: ESTABLISHED, expect: 'no' },
  { rule: '-m conntrack --ctorigsrcport 1:1023', packet: ESTABLISHED, expect: 'no' },
  { rule: '-m conntrack --ctstatus ASSURED', packet: ESTABLISHED, expect: 'no' },
  { rule: '-m conntrack --ctstatus ASSURED,SEEN_REPLY', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack ! --ctstatus ASSURED', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack --ctstatus NONE', packet: ESTABLISHED, expect: 'no' },
  { rule: '-m conntrack ! --ctstatus NONE', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack --ctdir ORIGINAL', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m conntrack --ctdir REPLY', packet: ESTABLISHED, expect: 'no' },
  { rule: '-m conntrack --ctdir REPLY', packet: REPLY, expect: 'yes' },
  { rule: '-m conntrack --ctexpire 10:100', packet: ESTABLISHED, expect: 'may' },
  { rule: '-m conntrack --ctstate NEW --ctexpire 10:100', packet: ESTABLISHED, expect: 'no' },
  { rule: '-m conntrack --ctorigsrc 198.51.100.0/24', packet: { ctState: 'ESTABLISHED', ct: null }, expect: 'may' },
]);

table('state', [
  { rule: '-m state --state NEW', expect: 'yes' },
  { rule: '-m state --state ESTABLISHED,RELATED', expect: 'no' },
  { rule: '-m state ! --state ESTABLISHED,RELATED', expect: 'yes' },
  { rule: '-m state --state ESTABLISHED', packet: REPLY, expect: 'yes' },
  { rule: '-m state --state NEW', table: 'raw', chain: 'PREROUTING', packet: { tracked: false }, expect: 'no' },
  { rule: '-m state --state INVALID', table: 'raw', chain: 'OUTPUT', packet: { tracked: false, local: true, inIface: '' }, expect: 'yes' },
  { rule: '-m state --state UNTRACKED', packet: { ctState: 'UNTRACKED' }, expect: 'yes' },
  { rule: '-m state ! --state INVALID', packet: { ctState: 'INVALID' }, expect: 'no' },
]);

const V6_LOCAL = { ...V6, proto: 58, icmpType: 128, icmpCode: 0, sport: undefined, dport: undefined, tcpFlags: undefined };
table('addrtype', [
  { rule: '-m addrtype --dst-type LOCAL', expect: 'yes' },
  { rule: '-m addrtype ! --dst-type LOCAL', expect: 'no' },
  { rule: '-m addrtype --dst-type LOCAL', packet: { dst: '10.1.0.1' }, expect: 'yes' },
  { rule: '-m addrtype --dst-type LOCAL', packet: { dst: '8.8.8.8' }, expect: 'no' },
  { rule: '-m addrtype --dst-type UNICAST', packet: { dst: '8.8.8.8' }, expect: 'yes' },
  // inet_dev_addr_type only reads the local table: an unroutable address is still UNICAST.
  { rule: '-m addrtype --dst-type UNICAST', packet: { dst: '8.8.8.8' }, host: withLoopback({ interfaces: [], routes: [], sysctl: {} }), expect: 'yes' },
  { rule: '-m addrtype --dst-type UNREACHABLE', packet: { dst: '8.8.8.8' }, host: withLoopback({ interfaces: [], routes: [], sysctl: {} }), expect: 'no' },
  { rule: '-m addrtype --dst-type LOCAL', packet: { dst: '127.0.0.53' }, expect: 'yes' },
  { rule: '-m addrtype --dst-type LOCAL', packet: { dst: '127.0.0.53' }, host: null, expect: 'yes' },
  { rule: '-m addrtype --dst-type LOCAL', host: null, expect: 'may' },
  { rule: '-m addrtype ! --dst-type LOCAL', host: null, expect: 'may' },
  { rule: '-m addrtype --dst-type BROADCAST', packet: { dst: '255.255.255.255' }, host: null, expect: 'yes' },
  { rule: '-m addrtype --dst-type BROADCAST', packet: { dst: '192.0.2.255' }, expect: 'yes' },
  { rule: '-m addrtype --dst-type BROADCAST', packet: { dst: '192.0.2.254' }, expect: 'no' },
  { rule: '-m addrtype --dst-type MULTICAST', packet: { dst: '224.0.0.251' }, host: null, expect: 'yes' },
  { rule: '-m addrtype --dst-type LOCAL,BROADCAST,MULTICAST', packet: { dst: '224.0.0.251' }, expect: 'yes' },
  { rule: '-m addrtype --src-type LOCAL', expect: 'no' },
  { rule: '-m addrtype --src-type LOCAL --dst-type LOCAL', expect: 'no' },
  { rule: '-m addrtype --src-type LOCAL --dst-type LOCAL', host: null, expect: 'may' },
  // --limit-iface-in: the local-table entry must belong to the incoming interface.
  { rule: '-m addrtype --dst-type LOCAL --limit-iface-in', packet: { inIface: 'eth0', dst: '192.0.2.2' }, expect: 'yes' },
  { rule: '-m addrtype --dst-type LOCAL --limit-iface-in', packet: { inIface: 'eth0', dst: '10.1.0.1' }, expect: 'no' },
  { rule: '-m addrtype --dst-type UNICAST --limit-iface-in', packet: { inIface: 'eth0', dst: '10.1.0.1' }, expect: 'yes' },
  { rule: '-m addrtype --dst-type LOCAL --limit-iface-out', chain: 'FORWARD', packet: { outIface: 'eth1', dst: '10.1.0.1' }, expect: 'yes' },
  { rule: '-m addrtype --dst-type LOCAL', family: 6, packet: V6_LOCAL, expect: 'yes' },
  { rule: '-m addrtype --dst-type LOCAL', family: 6, packet: { ...V6_LOCAL, dst: '2001:db8:5::1' }, expect: 'no' },
  { rule: '-m addrtype --dst-type UNICAST', family: 6, packet: { ...V6_LOCAL, dst: '2001:db8:5::1' }, expect: 'yes' },
  // IPv6 makes every listed class a requirement: a local address is not MULTICAST.
  { rule: '-m addrtype --dst-type MULTICAST,LOCAL', family: 6, packet: V6_LOCAL, expect: 'no' },
  { rule: '-m addrtype --dst-type MULTICAST', family: 6, packet: { ...V6_LOCAL, dst: 'ff02::1' }, host: null, expect: 'yes' },
  { rule: '-m addrtype --dst-type UNREACHABLE', family: 6, packet: { ...V6_LOCAL, dst: '2001:db8:5::1' }, host: withLoopback({ interfaces: [], routes: [], sysctl: {} }), expect: 'yes' },
  { rule: '-m addrtype --dst-type LOCAL', family: 6, packet: { ...V6_LOCAL, dst: '::1' }, host: null, expect: 'yes' },
  { rule: '-m addrtype --dst-type LOCAL', family: 6, packet: V6_LOCAL, host: null, expect: 'may' },
]);

table('mark and connmark', [
  { rule: '-m mark --mark 0x1', packet: { mark: 1 }, expect: 'yes' },
  { rule: '-m mark --mark 0x1', packet: { mark: 3 }, expect: 'no' },
  { rule: '-m mark --mark 0x1/0x1', packet: { mark: 3 }, expect: 'yes' },
  { rule: '-m mark ! --mark 0x1/0x1', packet: { mark: 3 }, expect: 'no' },
  { rule: '-m mark --mark 0x0/0xff00', packet: { mark: 0xff }, expect: 'yes' },
  // The value is compared as written: bits outside the mask never match.
  { rule: '-m mark --mark 0x3/0x1', packet: { mark: 3 }, expect: 'no' },
  { rule: '-m mark --mark 0x80000000/0x80000000', packet: { mark: 0xffffffff }, expect: 'yes' },
  { rule: '-m connmark --mark 0x10', packet: ESTABLISHED, expect: 'yes' },
  { rule: '-m connmark ! --mark 0x10', packet: ESTABLISHED, expect: 'no' },
  { rule: '-m connmark --mark 0x0', expect: 'yes' },
  { rule: '-m connmark --mark 0x10', packet: { ctState: 'ESTABLISHED', ct: null }, expect: 'may' },
  // No entry: false, negated or not.
  { rule: '-m connmark ! --mark 0x10', packet: { ctState: 'UNTRACKED' }, expect: 'no' },
  { rule: '-m connmark ! --mark 0x10', table: 'raw', chain: 'PREROUTING', packet: { tracked: false }, expect: 'no' },
]);

table('comment, iprange, length, ttl, hl', [
  { rule: '-m comment --comment "anything at all"', expect: 'yes' },
  { rule: '-m iprange --src-range 198.51.100.1-198.51.100.7', expect: 'yes' },
  { rule: '-m iprange --src-range 198.51.100.7-198.51.100.9', expect: 'yes' },
  { rule: '-m iprange --src-range 198.51.100.8-198.51.100.9', expect: 'no' },
  { rule: '-m iprange ! --src-range 198.51.100.8-198.51.100.9', expect: 'yes' },
  { rule: '-m iprange --src-range 198.51.100.0-198.51.100.255 ! --dst-range 192.0.2.1-192.0.2.3', expect: 'no' },
  { rule: '-m iprange --dst-range 2001:db8::1-2001:db8::ff', family: 6, packet: V6_LOCAL, expect: 'yes' },
  { rule: '-m length --length 60', expect: 'yes' },
  { rule: '-m length --length 0:59', expect: 'no' },
  { rule: '-m length --length 61:', expect: 'no' },
  { rule: '-m length ! --length 61:', expect: 'yes' },
  { rule: '-m ttl --ttl-eq 64', expect: 'yes' },
  { rule: '-m ttl ! --ttl-eq 64', expect: 'no' },
  { rule: '-m ttl --ttl-lt 64', expect: 'no' },
  { rule: '-m ttl --ttl-lt 65', expect: 'yes' },
  { rule: '-m ttl --ttl-gt 63', expect: 'yes' },
  { rule: '-m ttl --ttl-gt 64', expect: 'no' },
  { rule: '-m hl --hl-eq 255', family: 6, packet: { ...V6_LOCAL, ttl: 255 }, expect: 'yes' },
  { rule: '-m hl --hl-lt 2', family: 6, packet: { ...V6_LOCAL, ttl: 255 }, expect: 'no' },
]);

table('pkttype', [
  { rule: '-m pkttype --pkt-type unicast', expect: 'yes' },
  { rule: '-m pkttype ! --pkt-type unicast', expect: 'no' },
  { rule: '-m pkttype --pkt-type multicast', packet: { dst: '224.0.0.251' }, expect: 'yes' },
  { rule: '-m pkttype --pkt-type broadcast', packet: { dst: '255.255.255.255' }, expect: 'yes' },
  { rule: '-m pkttype --pkt-type broadcast', packet: { dst: '192.0.2.255' }, expect: 'yes' },
  // 10.1.0.255 is the broadcast of eth1's prefix, but this frame came in by eth0.
  { rule: '-m pkttype --pkt-type broadcast', packet: { dst: '10.1.0.255' }, expect: 'no' },
  { rule: '-m pkttype --pkt-type broadcast', packet: { dst: '192.0.2.255' }, host: null, expect: 'may' },
  { rule: '-m pkttype --pkt-type unicast', packet: { dst: '192.0.2.4' }, host: null, expect: 'yes' },
  { rule: '-m pkttype --pkt-type multicast', family: 6, packet: { ...V6_LOCAL, dst: 'ff02::1' }, expect: 'yes' },
  { rule: '-m pkttype --pkt-type unicast', chain: 'OUTPUT', packet: { local: true, inIface: '', dst: '224.0.0.251' }, expect: 'yes' },
  { rule: '-m pkttype --pkt-type otherhost', expect: 'no' },
]);

const BRIDGED = { bridged: true, physdevIn: 'veth1', inIface: 'br0', outIface: 'br0' };
table('physdev', [
  { rule: '-m physdev --physdev-in veth1', expect: 'no' },
  { rule: '-m physdev ! --physdev-in veth1', expect: 'yes' },
  { rule: '-m physdev ! --physdev-is-bridged', expect: 'yes' },
  { rule: '-m physdev --physdev-in veth1', chain: 'FORWARD', packet: BRIDGED, expect: 'yes' },
  { rule: '-m physdev --physdev-in veth+', chain: 'FORWARD', packet: BRIDGED, expect: 'yes' },
  { rule: '-m physdev ! --physdev-in veth1', chain: 'FORWARD', packet: BRIDGED, expect: 'no' },
  { rule: '-m physdev --physdev-is-bridged', chain: 'FORWARD', packet: BRIDGED, expect: 'yes' },
  // The out port is not chosen before the bridge forwards: not bridged yet in PREROUTING.
  { rule: '-m physdev --physdev-is-bridged', table: 'mangle', chain: 'PREROUTING', packet: BRIDGED, expect: 'no' },
  { rule: '-m physdev --physdev-is-in', chain: 'FORWARD', packet: BRIDGED, expect: 'yes' },
  { rule: '-m physdev --physdev-is-bridged --physdev-out veth2', chain: 'FORWARD', packet: BRIDGED, expect: 'may' },
  { rule: '-m physdev --physdev-is-bridged --physdev-out veth2', chain: 'FORWARD', packet: { ...BRIDGED, physdevOut: 'veth2' }, expect: 'yes' },
  { rule: '-m physdev --physdev-is-bridged ! --physdev-out veth2', chain: 'FORWARD', packet: { ...BRIDGED, physdevOut: 'veth2' }, expect: 'no' },
  // Routed in from a bridge port: no output port, so --physdev-out fails even negated.
  { rule: '-m physdev --physdev-in veth1 ! --physdev-is-bridged', chain: 'INPUT', packet: { physdevIn: 'veth1', inIface: 'br0' }, expect: 'yes' },
  { rule: '-m physdev ! --physdev-is-out', chain: 'INPUT', packet: { physdevIn: 'veth1', inIface: 'br0' }, expect: 'yes' },
]);

const LOCAL_OUT = { local: true, inIface: '', outIface: 'eth0', src: '192.0.2.2', dst: '198.51.100.7', uid: 1000 };
table('owner', [
  { rule: '-m owner --uid-owner 1000', chain: 'OUTPUT', packet: LOCAL_OUT, expect: 'yes' },
  { rule: '-m owner --uid-owner 0', chain: 'OUTPUT', packet: LOCAL_OUT, expect: 'no' },
  { rule: '-m owner ! --uid-owner 0', chain: 'OUTPUT', packet: LOCAL_OUT, expect: 'yes' },
  { rule: '-m owner --uid-owner 500-1000', chain: 'OUTPUT', packet: LOCAL_OUT, expect: 'yes' },
  { rule: '-m owner --socket-exists', chain: 'OUTPUT', packet: LOCAL_OUT, expect: 'yes' },
  { rule: '-m owner ! --socket-exists', chain: 'OUTPUT', packet: LOCAL_OUT, expect: 'no' },
  { rule: '-m owner --gid-owner 100', chain: 'OUTPUT', packet: LOCAL_OUT, expect: 'may' },
  { rule: '-m owner --uid-owner 0 --gid-owner 100', chain: 'OUTPUT', packet: LOCAL_OUT, expect: 'no' },
  { rule: '-m owner --uid-owner 1000', chain: 'OUTPUT', packet: { ...LOCAL_OUT, uid: undefined }, expect: 'may' },
  // A forwarded packet has no socket: only all-negated options match.
  { rule: '-m owner --uid-owner 1000', table: 'mangle', chain: 'POSTROUTING', expect: 'no' },
  { rule: '-m owner ! --uid-owner 1000', table: 'mangle', chain: 'POSTROUTING', expect: 'yes' },
  { rule: '-m owner ! --socket-exists', table: 'mangle', chain: 'POSTROUTING', expect: 'yes' },
  { rule: '-m owner ! --uid-owner 1000 --gid-owner 100', table: 'mangle', chain: 'POSTROUTING', expect: 'no' },
  { rule: '-m owner ! --gid-owner 100 --suppl-groups', table: 'mangle', chain: 'POSTROUTING', expect: 'no' },
]);

table('mac', [
  { rule: '-m mac --mac-source 00:11:22:33:44:55', expect: 'may' },
  { rule: '-m mac --mac-source 00:11:22:33:44:55', packet: { inIface: 'lo' }, expect: 'no' },
  { rule: '-m mac ! --mac-source 00:11:22:33:44:55', packet: { inIface: 'lo' }, expect: 'no' },
]);

table('statistic', [
  { rule: '-m statistic --mode random --probability 0.25', expect: 'may', probability: 0.25 },
  { rule: '-m statistic --mode random ! --probability 0.25', expect: 'may', probability: 0.75 },
  { rule: '-m statistic --mode random --probability 0', expect: 'no' },
  { rule: '-m statistic --mode random --probability 1', expect: 'yes' },
  { rule: '-m statistic --mode random ! --probability 1', expect: 'no' },
  { rule: '-m statistic --mode nth --every 3 --packet 0', expect: 'may' },
  // Two random matches in one rule: both must hit.
  { rule: '-m statistic --mode random --probability 0.5 -m statistic --mode random --probability 0.5', expect: 'may', probability: 0.25 },
]);

table('rpfilter', [
  { rule: '-m rpfilter', table: 'raw', chain: 'PREROUTING', expect: 'yes' },
  { rule: '-m rpfilter --invert', table: 'raw', chain: 'PREROUTING', expect: 'no' },
  // 10.1.0.5 is routed back out of eth1, but the packet came in by eth0.
  { rule: '-m rpfilter', table: 'raw', chain: 'PREROUTING', packet: { src: '10.1.0.5' }, expect: 'no' },
  { rule: '-m rpfilter --loose', table: 'raw', chain: 'PREROUTING', packet: { src: '10.1.0.5' }, expect: 'yes' },
  { rule: '-m rpfilter', table: 'raw', chain: 'PREROUTING', packet: { src: '192.0.2.2' }, expect: 'no' },
  { rule: '-m rpfilter --accept-local', table: 'raw', chain: 'PREROUTING', packet: { src: '192.0.2.2' }, expect: 'yes' },
  { rule: '-m rpfilter', table: 'raw', chain: 'PREROUTING', packet: { src: '198.51.100.7' }, host: withLoopback({ interfaces: [{ name: 'eth0', addresses: ['192.0.2.2/24'] }], routes: [], sysctl: {} }), expect: 'no' },
  { rule: '-m rpfilter', table: 'raw', chain: 'PREROUTING', packet: { inIface: 'lo', src: '127.0.0.1' }, expect: 'yes' },
  { rule: '-m rpfilter', table: 'raw', chain: 'PREROUTING', packet: { src: '0.0.0.0', dst: '255.255.255.255', ...UDP }, host: null, expect: 'yes' },
  { rule: '-m rpfilter', table: 'raw', chain: 'PREROUTING', host: null, expect: 'may' },
]);

table('history, payload and host state: may', [
  { rule: '-m limit --limit 5/min', expect: 'may' },
  { rule: '-m hashlimit --hashlimit-upto 5/min --hashlimit-name x', expect: 'may' },
  { rule: '-m recent --name ssh --rcheck --seconds 60', expect: 'may' },
  { rule: '-m recent --name ssh --set', expect: 'yes' },
  { rule: '-m recent --name ssh ! --set', expect: 'no' },
  { rule: '-m set --match-set blocklist src', expect: 'may' },
  { rule: '-p tcp -m connlimit --connlimit-above 10', expect: 'may' },
  { rule: '-m time --timestart 09:00 --timestop 17:00', expect: 'may' },
  { rule: '-m string --algo bm --string GET', expect: 'may' },
  { rule: '-m quota --quota 1000', expect: 'may' },
  { rule: '-m policy --dir in --pol ipsec', expect: 'may' },
  { rule: '-m helper --helper ftp', expect: 'may' },
  // A may with a failing test in the same rule: the rule does not match.
  { rule: '-p tcp --dport 80 -m limit --limit 5/min', expect: 'no' },
]);

describe('matches inside the evaluator', () => {
  const HOST_PLAIN: HostModel = {
    interfaces: [{ name: 'eth0', addresses: ['192.0.2.2/24'] }],
    routes: [{ dst: 'default', dev: 'eth0', via: '192.0.2.1' }],
    sysctl: {},
  };
  const pkt = (fields: Partial<Packet>): Packet => ({
    family: 4, in: 'eth0', src: '198.51.100.7', dst: '192.0.2.2', proto: 6, sport: 40000, dport: 22,
    tcpFlags: ['SYN'], state: 'NEW', ctDir: 'ORIGINAL', mark: 0, length: 60, ttl: 64, ...fields,
  });
  const rules = (text: string) => {
    const { ruleset, diagnostics } = parseRuleset(text);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return ruleset;
  };

  it('raw sees no conntrack entry; filter sees the state', () => {
    const ruleset = rules(`*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -m conntrack --ctstate NEW -j DROP
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT
-A INPUT -j DROP
COMMIT
`);
    const t = evaluatePacket(ruleset, pkt({}), { host: HOST_PLAIN });
    expect(t.verdict).toBe('ACCEPT');
    expect(t.steps.map((s) => [s.table, s.rule, s.match])).toEqual([
      ['raw', 1, 'no'],
      ['raw', null, 'yes'],
      ['filter', 1, 'no'],
      ['filter', 2, 'yes'],
    ]);
  });

  it('addrtype LOCAL is decided with a host model and left open without one', () => {
    const ruleset = rules(`*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m addrtype ! --dst-type LOCAL -j DROP
COMMIT
`);
    const known = evaluatePacket(ruleset, pkt({}), { host: HOST_PLAIN });
    expect(known.verdict).toBe('ACCEPT');
    expect(known.steps[0].match).toBe('no');
    // Without a host model, only 127.0.0.0/8 is known to be local.
    const loopback = evaluatePacket(ruleset, pkt({ dst: '127.0.0.1', in: 'lo', src: '127.0.0.1' }));
    expect(loopback.steps[0].match).toBe('no');
    const open = evaluatePacket(rules(`*mangle
:PREROUTING ACCEPT [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j ACCEPT
COMMIT
`), pkt({}));
    expect(open.steps[0].match).toBe('may');
    expect(open.steps[0].note).toMatch(/host model/);
  });

  it('statistic random gives each fate its chance', () => {
    const ruleset = rules(`*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m statistic --mode random --probability 0.25 -j DROP
COMMIT
`);
    const t = evaluatePacket(ruleset, pkt({}), { host: HOST_PLAIN });
    expect(t.verdict).toBe('UNDECIDED');
    const chance = Object.fromEntries((t.outcomes ?? []).map((o) => [o.verdict, o.probability]));
    expect(chance.DROP).toBeCloseTo(0.25, 9);
    expect(chance.ACCEPT).toBeCloseTo(0.75, 9);
  });
});
