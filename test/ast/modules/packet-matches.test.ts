/**
 * The packet-header matches: the typed options each produces (what the evaluator reads), the
 * text iptables-save prints for them, and values iptables (or the kernel) refuses.
 */
import { describe, expect, it } from 'vitest';
import { parseSingleRule } from '../../../src/ast/single-rule.js';
import type { Family, Match } from '../../../src/ast/types.js';
import { isTcpMatch } from '../../../src/ast/modules/match/tcp.js';
import { isUdpMatch } from '../../../src/ast/modules/match/udp.js';
import { isSctpMatch } from '../../../src/ast/modules/match/sctp.js';
import { isDccpMatch } from '../../../src/ast/modules/match/dccp.js';
import { isMultiportMatch } from '../../../src/ast/modules/match/multiport.js';
import { isIcmpMatch } from '../../../src/ast/modules/match/icmp.js';
import { isIcmp6Match } from '../../../src/ast/modules/match/icmp6.js';
import { isAhMatch } from '../../../src/ast/modules/match/ah.js';
import { isEspMatch } from '../../../src/ast/modules/match/esp.js';
import { isIpcompMatch } from '../../../src/ast/modules/match/ipcomp.js';
import { isMhMatch } from '../../../src/ast/modules/match/mh.js';
import { isFragMatch } from '../../../src/ast/modules/match/frag.js';
import { isHbhMatch } from '../../../src/ast/modules/match/hbh.js';
import { isDstMatch } from '../../../src/ast/modules/match/dst.js';
import { isRtMatch } from '../../../src/ast/modules/match/rt.js';
import { isIpv6HeaderMatch } from '../../../src/ast/modules/match/ipv6header.js';
import { isSrhMatch } from '../../../src/ast/modules/match/srh.js';
import { isEui64Match } from '../../../src/ast/modules/match/eui64.js';
import { isLengthMatch } from '../../../src/ast/modules/match/length.js';
import { isTtlMatch } from '../../../src/ast/modules/match/ttl.js';
import { isHlMatch } from '../../../src/ast/modules/match/hl.js';
import { isTosMatch } from '../../../src/ast/modules/match/tos.js';
import { isDscpMatch } from '../../../src/ast/modules/match/dscp.js';
import { isEcnMatch } from '../../../src/ast/modules/match/ecn.js';
import { isPkttypeMatch } from '../../../src/ast/modules/match/pkttype.js';
import { isTcpmssMatch } from '../../../src/ast/modules/match/tcpmss.js';
import { isU32Match } from '../../../src/ast/modules/match/u32.js';
import { isBpfMatch } from '../../../src/ast/modules/match/bpf.js';
import { isStringMatch } from '../../../src/ast/modules/match/string.js';
import { isAddrtypeMatch } from '../../../src/ast/modules/match/addrtype.js';
import { isIprangeMatch } from '../../../src/ast/modules/match/iprange.js';
import { isMacMatch } from '../../../src/ast/modules/match/mac.js';
import { isPhysdevMatch } from '../../../src/ast/modules/match/physdev.js';
import { isPolicyMatch } from '../../../src/ast/modules/match/policy.js';
import { isRealmMatch } from '../../../src/ast/modules/match/realm.js';
import { isOsfMatch } from '../../../src/ast/modules/match/osf.js';
import { isCpuMatch } from '../../../src/ast/modules/match/cpu.js';
import { isCgroupMatch } from '../../../src/ast/modules/match/cgroup.js';
import { isDevgroupMatch } from '../../../src/ast/modules/match/devgroup.js';

interface Where {
  family?: Family;
  table?: string;
  chain?: string;
}

function parse(rule: string, where: Where = {}) {
  return parseSingleRule(rule, { family: where.family ?? 4, table: where.table, chain: where.chain ?? 'INPUT' });
}

/** The saved text of an accepted rule. */
function saved(rule: string, where?: Where): string {
  const r = parse(rule, where);
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return r.saved.join('\n');
}

/** The one match a guard selects, from an accepted rule. */
function only<O>(rule: string, guard: (m: Match) => m is Match<O>, where?: Where): O {
  const r = parse(rule, where);
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  const found = r.rules[0].matches.filter(guard);
  expect(found).toHaveLength(1);
  return found[0].options;
}

function refused(rule: string, where?: Where): string {
  const r = parse(rule, where);
  expect(r.saved).toEqual([]);
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('\n');
}

describe('tcp', () => {
  it('reads ports and flags into ranges and flag lists', () => {
    expect(only('-p tcp --sport 1024: ! --dport ssh --syn', isTcpMatch)).toEqual({
      sport: { value: { from: 1024, to: 65535 }, negated: false },
      dport: { value: { from: 22, to: 22 }, negated: true },
      flags: { value: { mask: ['FIN', 'SYN', 'RST', 'ACK'], comp: ['SYN'] }, negated: false },
    });
  });
  it('prints the canonical form', () => {
    expect(saved('-p tcp --syn --sport :')).toBe('-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN');
    expect(saved('-p tcp --tcp-flags all none --tcp-option 2')).toBe(
      '-p tcp -m tcp --tcp-option 2 --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE',
    );
  });
  it('is loaded by a negated -p as iptables-nft does', () => {
    expect(saved('! -p tcp --dport 22')).toBe('! -p tcp -m tcp --dport 22');
  });
  it('refuses bad ports, unknown flags and a missing -p tcp', () => {
    expect(refused('-p tcp --dport 65536')).toMatch(/invalid port/);
    expect(refused('-p tcp --dport 4:3')).toMatch(/min > max/);
    expect(refused('-p tcp --tcp-flags SYN,FOO SYN')).toMatch(/Unknown TCP flag/);
    expect(refused('-p udp -m tcp --dport 1')).toMatch(/-p tcp/);
    expect(refused('! -p tcp -m tcp')).toMatch(/-p tcp/);
  });
});

describe('udp', () => {
  it('reads port ranges; 65536 wraps to 0 as getaddrinfo does', () => {
    expect(only('-p udp --dport 53 --sport 65536', isUdpMatch)).toEqual({
      sport: { value: { from: 0, to: 0 }, negated: false },
      dport: { value: { from: 53, to: 53 }, negated: false },
    });
    expect(saved('-p udp ! --sport :')).toBe('-p udp -m udp ! --sport 0:65535');
  });
  it('refuses a reversed range', () => {
    expect(refused('-p udp --dport 4:3')).toMatch(/negative/);
  });
});

describe('sctp, dccp', () => {
  it('reads sctp chunk types with flags', () => {
    const o = only('-p sctp --chunk-types any DATA:Be,INIT', isSctpMatch);
    expect(o.chunks?.value.matchType).toBe('any');
    expect(o.chunks?.value.chunkTypes).toEqual([0, 1]);
    expect(saved('-p sctp --chunk-types any DATA:Be,INIT')).toBe('-p sctp -m sctp --chunk-types any DATA:Be,INIT');
    expect(refused('-p sctp --chunk-types some DATA')).toMatch(/Match type/);
  });
  it('keeps a full dccp port range and expands INVALID to types 10-15', () => {
    const o = only('-p dccp --sport : --dccp-types INVALID', isDccpMatch);
    expect(o.types?.value).toEqual([10, 11, 12, 13, 14, 15]);
    expect(saved('-p dccp --sport :')).toBe('-p dccp -m dccp --sport 0:65535');
    expect(refused('-p dccp --dccp-option 0')).toMatch(/out of range/);
  });
});

describe('multiport', () => {
  it('reads a port list with ranges', () => {
    expect(only('-p tcp -m multiport ! --dports ssh,1024:2048', isMultiportMatch)).toEqual({
      direction: 'destination',
      ports: { value: [{ from: 22, to: 22 }, { from: 1024, to: 2048 }], negated: true },
    });
    expect(saved('-p udp -m multiport --ports 53,1024:65535')).toBe('-p udp -m multiport --ports 53,1024:65535');
  });
  it('needs a port protocol, not negated, and proper ranges', () => {
    expect(refused('-m multiport --dports 1')).toMatch(/needs `-p tcp'/);
    expect(refused('! -p tcp -m multiport --dports 1')).toMatch(/only works with/);
    expect(refused('-p tcp -m multiport --dports 5:5')).toMatch(/invalid portrange/);
    expect(refused('-p tcp -m multiport --dports 1 --sports 2')).toMatch(/cannot be used together/);
  });
});

describe('icmp, icmp6', () => {
  it('reads names and numbers, prints numbers', () => {
    expect(only('-p icmp --icmp-type host-unreachable', isIcmpMatch)).toEqual({
      icmpType: { value: { type: 3, codeMin: 1, codeMax: 1 }, negated: false },
    });
    expect(only('-p icmp --icmp-type any', isIcmpMatch).icmpType.value).toBe('any');
    expect(saved('-p icmp --icmp-type echo-req')).toBe('-p icmp -m icmp --icmp-type 8');
    expect(saved('-p icmp --icmp-type 255/0:255')).toBe('-p icmp -m icmp --icmp-type any');
    expect(saved('-p icmpv6 --icmpv6-type neighbor-solicitation', { family: 6 })).toBe(
      '-p ipv6-icmp -m icmp6 --icmpv6-type 135',
    );
    expect(only('-p ipv6-icmp -m icmpv6 --icmpv6-type 1/3', isIcmp6Match, { family: 6 }).icmpv6Type.value).toEqual({
      type: 1, codeMin: 3, codeMax: 3,
    });
  });
  it('refuses ambiguous names, type ranges and the wrong family', () => {
    expect(refused('-p icmp --icmp-type echo')).toMatch(/Ambiguous/);
    expect(refused('-p icmp --icmp-type 1:3')).toMatch(/range not supported/);
    expect(refused('-p icmp -m icmp6 --icmpv6-type 1')).toMatch(/not available for IPv4/);
  });
});

describe('IPsec headers and the IPv6 extension headers', () => {
  it('ah differs between IPv4 and IPv6', () => {
    expect(only('-p ah -m ah --ahspi 3:', isAhMatch).spi?.value).toEqual({ from: 3, to: 4294967295 });
    expect(refused('-m ah --ahspi 1')).toMatch(/-p ah/);
    expect(only('-m ah ! --ahlen 0 --ahres', isAhMatch, { family: 6 })).toEqual({
      length: { value: 0, negated: true },
      reservedZero: true,
    });
    expect(saved('-m ah --ahspi 0:4294967295', { family: 6 })).toBe('-m ah');
  });
  it('esp, ipcomp and mh read ranges', () => {
    expect(only('-p esp -m esp --espspi :32', isEspMatch).spi?.value).toEqual({ from: 0, to: 32 });
    expect(only('-p ipcomp -m ipcomp', isIpcompMatch).spi.value).toEqual({ from: 0, to: 0 });
    expect(saved('-p ipcomp -m ipcomp')).toBe('-p ipcomp -m ipcomp --ipcompspi 0');
    expect(only('-p mh --mh-type binding-update', isMhMatch, { family: 6 }).type?.value).toEqual({ from: 5, to: 5 });
    expect(refused('-p esp -m esp --espspi 1:2:3')).toMatch(/Too many components/);
  });
  it('frag, hbh, dst, rt', () => {
    expect(only('-m frag --fragid 1:42 --fragmore', isFragMatch, { family: 6 })).toEqual({
      id: { value: { from: 1, to: 42 }, negated: false },
      reservedZero: false, first: false, more: true, last: false,
    });
    expect(refused('-m frag --fragmore --fraglast', { family: 6 })).toMatch(/cannot be used together/);
    expect(only('-m hbh --hbh-opts 1:2,5', isHbhMatch, { family: 6 }).options).toEqual([
      { type: 1, length: 2 }, { type: 5, length: null },
    ]);
    expect(refused('-m dst --dst-opts 0:3', { family: 6 })).toMatch(/PAD0/);
    expect(only('-m dst --dst-len 8', isDstMatch, { family: 6 }).length).toEqual({ value: 8, negated: false });
    expect(only('-m rt --rt-type 0 --rt-0-addrs 2001:DB8::1', isRtMatch, { family: 6 }).addresses).toEqual(['2001:db8::1']);
    expect(refused('-m rt --rt-0-res', { family: 6 })).toMatch(/--rt-type 0/);
  });
  it('ipv6header prints protocol names', () => {
    expect(only('-m ipv6header --header hop,frag --soft', isIpv6HeaderMatch, { family: 6 })).toEqual({
      headers: { value: ['hop-by-hop', 'frag'], negated: false },
      soft: true,
    });
    expect(saved('-m ipv6header ! --header route,dst,prot', { family: 6 })).toBe(
      '-m ipv6header ! --header ipv6-opts,ipv6-route,protocol',
    );
    expect(refused('-m ipv6header --header tcp', { family: 6 })).toMatch(/unknown header/);
  });
  it('srh comparisons of one field share the last value', () => {
    const o = only('-m srh --srh-hdr-len-gt 5 --srh-hdr-len-lt 10', isSrhMatch, { family: 6 });
    expect(o.headerLength).toEqual({ gt: { value: 10, negated: false }, lt: { value: 10, negated: false } });
    expect(saved('-m srh ! --srh-psid a::/64', { family: 6 })).toBe('-m srh ! --srh-psid a::/64');
  });
  it('eui64 only where a MAC header exists', () => {
    expect(only('-m eui64', isEui64Match, { family: 6, table: 'raw', chain: 'PREROUTING' })).toEqual({});
    expect(refused('-m eui64', { family: 6, chain: 'OUTPUT' })).toMatch(/only valid/);
  });
});

describe('IP header fields', () => {
  it('length, ttl, hl', () => {
    expect(only('-m length --length 4:', isLengthMatch).length.value).toEqual({ from: 4, to: 65535 });
    expect(refused('-m length --length 0:65536')).toMatch(/out of range/);
    expect(only('-m ttl ! --ttl 5', isTtlMatch)).toEqual({ op: 'ne', value: 5 });
    expect(saved('-m ttl --ttl-lt 5')).toBe('-m ttl --ttl-lt 5');
    expect(refused('-m ttl --ttl-lt 5 --ttl-gt 1')).toMatch(/cannot be used together/);
    expect(only('-m hl --hl-gt 42', isHlMatch, { family: 6 })).toEqual({ op: 'gt', value: 42 });
    expect(refused('-m ttl --ttl-eq 1', { family: 6 })).toMatch(/not available for IPv6/);
  });
  it('tos, dscp, ecn', () => {
    expect(only('-m tos --tos Minimize-Delay', isTosMatch).tos.value).toEqual({ value: 0x10, mask: 0x3f });
    expect(saved('-m tos ! --tos 16')).toBe('-m tos ! --tos 0x10/0xff');
    expect(refused('-m tos --tos wrong')).toMatch(/unknown/);
    expect(only('-m dscp --dscp-class EF', isDscpMatch).dscp).toEqual({ value: 0x2e, negated: false });
    expect(saved('-m dscp --dscp 10')).toBe('-m dscp --dscp 0x0a');
    expect(refused('-m dscp --dscp 0x40')).toMatch(/out of range/);
    expect(only('-p tcp -m ecn ! --ecn-tcp-ece --ecn-ip-ect 2', isEcnMatch)).toEqual({
      tcpEce: { value: true, negated: true },
      ipEct: { value: 2, negated: false },
    });
    expect(refused('-m ecn --ecn-tcp-cwr')).toMatch(/-p tcp/);
  });
  it('pkttype, tcpmss, realm', () => {
    expect(only('-m pkttype --pkt-type BCAST', isPkttypeMatch).pktType.value).toBe('broadcast');
    expect(saved('-m pkttype --pkt-type host')).toBe('-m pkttype --pkt-type unicast');
    expect(only('-p tcp -m tcpmss --mss 42:', isTcpmssMatch).mss.value).toEqual({ from: 42, to: 65535 });
    expect(refused('-m tcpmss --mss 42')).toMatch(/-p tcp/);
    expect(only('-m realm --realm 0x1/0x2a', isRealmMatch).realm.value).toEqual({ value: 1, mask: 0x2a });
    expect(saved('-m realm --realm 0')).toBe('-m realm --realm cosmos');
  });
});

describe('payload matches', () => {
  it('u32 parses tests and prints hex', () => {
    const o = only('-m u32 --u32 "6&0xFF=1:3,5&&0>>22&0x3C@12=0x47"', isU32Match);
    expect(o.tests.value[0]).toEqual({ start: 6, steps: [{ op: 'and', number: 255 }], values: [{ min: 1, max: 3 }, { min: 5, max: 5 }] });
    expect(saved('-m u32 --u32 "6&0xFF=1:3,5&&0>>22&0x3C@12=0x47"')).toBe(
      '-m u32 --u32 "0x6&0xff=0x1:0x3,0x5&&0x0>>0x16&0x3c@0xc=0x47"',
    );
    expect(refused('-m u32 --u32 "0"')).toMatch(/abrupt end/);
  });
  it('bpf reads the program', () => {
    expect(only('-m bpf --bytecode "1,6 0 0 65535"', isBpfMatch)).toEqual({
      mode: 'bytecode',
      program: [{ code: 6, jt: 0, jf: 0, k: 65535 }],
    });
    expect(refused('-m bpf --bytecode "2,6 0 0 65535"')).toMatch(/less than/);
  });
  it('string prints printable patterns as --string, others as --hex-string', () => {
    expect(only('-m string --hex-string "|41 42|C" --algo bm', isStringMatch).pattern.value).toEqual([0x41, 0x42, 0x43]);
    expect(saved('-m string --hex-string "|41 42|C" --algo bm --to 10')).toBe('-m string --string "ABC" --algo bm --to 10');
    expect(saved('-m string --string "a\\\\" --algo kmp')).toBe('-m string --hex-string "|615c|" --algo kmp');
    expect(refused('-m string --string x --algo fsm')).toMatch(/algorithm/);
  });
});

describe('addresses, interfaces, policy and the rest', () => {
  it('addrtype: type lists and interface limits by hook', () => {
    expect(only('-m addrtype --src-type uni,LOC', isAddrtypeMatch)).toEqual({
      srcType: { value: ['UNICAST', 'LOCAL'], negated: false },
      limitIfaceIn: false,
      limitIfaceOut: false,
    });
    expect(saved('-m addrtype --dst-type LOCAL --limit-iface-out', { chain: 'OUTPUT' })).toBe(
      '-m addrtype --dst-type LOCAL --limit-iface-out',
    );
    expect(refused('-m addrtype --src-type LOCAL --limit-iface-out', { chain: 'INPUT' })).toMatch(/not valid/);
    expect(refused('-m addrtype --dst-type BROADCAST', { family: 6 })).toMatch(/ipv6/);
  });
  it('iprange and mac', () => {
    expect(only('-m iprange --src-range 10.0.0.1-10.0.0.9', isIprangeMatch).src?.value).toEqual({
      family: 4, from: '10.0.0.1', to: '10.0.0.9',
    });
    expect(refused('-m iprange --src-range 10.0.0.1-2001:db8::1')).toMatch(/Bad value/);
    expect(only('-m mac --mac-source A:B:C:D:E:F', isMacMatch).macSource.value).toBe('0a:0b:0c:0d:0e:0f');
    expect(refused('-m mac --mac-source 00:11:22:33:44:55', { chain: 'OUTPUT' })).toMatch(/only valid/);
  });
  it('physdev', () => {
    expect(only('-m physdev --physdev-in eth+ ! --physdev-is-out', isPhysdevMatch, { chain: 'FORWARD' })).toEqual({
      physdevIn: { value: { name: 'eth', wildcard: true }, negated: false },
      isOut: { value: true, negated: true },
    });
    expect(refused('-m physdev --physdev-out lo', { chain: 'OUTPUT' })).toMatch(/bridged/);
  });
  it('policy elements and checks', () => {
    const o = only('-m policy --dir in --pol ipsec --strict --mode tunnel --tunnel-src 10.1.2.3/8 --next --proto ah', isPolicyMatch);
    expect(o.elements).toHaveLength(2);
    expect(o.elements[0].tunnelSrc?.value.address).toBe('10.1.2.3');
    expect(saved('-m policy --dir in --pol ipsec --strict --mode tunnel --tunnel-src 10.1.2.3/8 --next --proto ah')).toBe(
      '-m policy --dir in --pol ipsec --strict --mode tunnel --tunnel-src 10.1.2.3/8 --next --proto ah',
    );
    expect(refused('-m policy --dir in --pol ipsec --reqid 1 --next --reqid 2')).toMatch(/--strict/);
    expect(refused('-m policy --dir out --pol ipsec', { chain: 'INPUT' })).toMatch(/not valid/);
  });
  it('osf, cpu, cgroup, devgroup', () => {
    expect(only('-p tcp -m osf --genre Linux --ttl 1', isOsfMatch)).toEqual({ genre: { value: 'Linux', negated: false }, ttl: 1 });
    expect(refused('-p tcp -m osf --genre Linux --log 3')).toMatch(/out of range/);
    expect(only('-m cpu ! --cpu 3', isCpuMatch).cpu).toEqual({ value: 3, negated: true });
    expect(only('-m cgroup --path /', isCgroupMatch, { table: 'mangle', chain: 'OUTPUT' }).path?.value).toBe('/');
    expect(saved('-m cgroup --path /', { table: 'mangle', chain: 'OUTPUT' })).toBe('-m cgroup --path "/"');
    expect(refused('-m cgroup --cgroup 1 --path /')).toMatch(/path and classid/);
    expect(only('-m devgroup --src-group 1/0xf', isDevgroupMatch).srcGroup?.value).toEqual({ value: 1, mask: 15 });
    expect(saved('-m devgroup --src-group 0')).toBe('-m devgroup --src-group default');
    expect(refused('-m devgroup --dst-group 1', { chain: 'INPUT' })).toMatch(/only valid/);
  });
});
