import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';
import type { HostModel, Packet } from '../../src/eval/types.js';

const HOST: HostModel = {
  interfaces: [
    { name: 'eth0', addresses: ['192.0.2.2/24'] },
    { name: 'eth1', addresses: ['10.1.0.1/24'] },
  ],
  routes: [{ dst: 'default', dev: 'eth0', via: '192.0.2.1' }],
  sysctl: { 'net.ipv4.ip_forward': 1 },
};

function pkt(fields: Partial<Packet>): Packet {
  return {
    family: 4, in: 'eth0', src: '198.51.100.7', dst: '192.0.2.2', proto: 6, sport: 40000, dport: 22,
    tcpFlags: ['SYN'], state: 'NEW', ctDir: 'ORIGINAL', mark: 0, length: 60, ttl: 64, ...fields,
  };
}

function rules(text: string) {
  const { ruleset, diagnostics } = parseRuleset(text);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ruleset;
}

const FILTER = `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:ssh - [0:0]
:admins - [0:0]
:gone - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -j ssh
-A INPUT -s 10.1.0.0/24 -j ACCEPT
-A ssh -s 203.0.113.0/24 -j ACCEPT
-A ssh -g admins
-A ssh -j ACCEPT
-A admins -s 198.51.100.0/24 -j RETURN
-A admins -j DROP
-A FORWARD -i eth1 -o eth0 -j ACCEPT
-A FORWARD -j gone
-A gone -j RETURN
-A FORWARD -j DROP
COMMIT
`;

describe('chain traversal', () => {
  const ruleset = rules(FILTER);

  it('a RETURN after -g goes back to the chain that made the last -j', () => {
    const t = evaluatePacket(ruleset, pkt({}), { host: HOST });
    // admins RETURNs to INPUT (the -j caller), not to ssh (which did the goto): INPUT rule 3 then the policy.
    expect(t.steps.map((s) => [s.chain, s.rule, s.match, s.target])).toEqual([
      ['INPUT', 1, 'no', null],
      ['INPUT', 2, 'yes', 'jump:ssh'],
      ['ssh', 1, 'no', null],
      ['ssh', 2, 'yes', 'goto:admins'],
      ['admins', 1, 'yes', 'RETURN'],
      ['INPUT', 3, 'no', null],
      ['INPUT', null, 'yes', 'policy:DROP'],
    ]);
    expect(t.verdict).toBe('DROP');
    expect(t.path).toBe('input');
    expect(t.egress).toBeNull();
  });

  it('reports the input line of every rule and the declaration line of a policy', () => {
    const t = evaluatePacket(ruleset, pkt({}), { host: HOST });
    expect(t.steps[0].line).toBe(8);
    expect(t.steps[t.steps.length - 1].line).toBe(2);
  });

  it('falls off a user chain back to its caller', () => {
    const t = evaluatePacket(ruleset, pkt({ in: 'eth0', src: '8.8.8.8', dst: '10.1.0.5' }), { host: HOST });
    expect(t.path).toBe('forward');
    expect(t.egress).toBe('eth1');
    expect(t.steps.map((s) => [s.chain, s.rule, s.target])).toEqual([
      ['FORWARD', 1, null],
      ['FORWARD', 2, 'jump:gone'],
      ['gone', 1, 'RETURN'],
      ['FORWARD', 3, 'DROP'],
    ]);
    expect(t.verdict).toBe('DROP');
  });

  it('ACCEPT in one table lets the next table decide', () => {
    const twoTables = rules(`*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A INPUT -j ACCEPT
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -j DROP
COMMIT
`);
    const t = evaluatePacket(twoTables, pkt({}), { host: HOST });
    expect(t.verdict).toBe('DROP');
    expect(t.steps.map((s) => `${s.hook} ${s.table} ${s.chain} ${s.target}`)).toEqual([
      'PREROUTING mangle PREROUTING policy:ACCEPT',
      'INPUT mangle INPUT ACCEPT',
      'INPUT filter INPUT DROP',
    ]);
  });

  it('refuses a loop instead of hanging', () => {
    const loop = rules(`*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:a - [0:0]
:b - [0:0]
-A INPUT -j a
-A a -j b
-A b -j a
COMMIT
`);
    const t = evaluatePacket(loop, pkt({}), { host: HOST });
    expect(t.verdict).toBe('UNDECIDED');
    expect(t.summary).toMatch(/loop/);
  });
});

describe('routing', () => {
  const ruleset = rules(FILTER);

  it('drops forwarded packets when forwarding is off, outside iptables', () => {
    const t = evaluatePacket(ruleset, pkt({ in: 'eth1', src: '10.1.0.5', dst: '8.8.8.8' }), {
      host: { ...HOST, sysctl: { 'net.ipv4.ip_forward': 0 } },
    });
    expect(t.verdict).toBe('DROP');
    expect(t.path).toBe('forward');
    expect(t.summary).toMatch(/forwarding is off/);
    expect(t.steps.every((s) => s.hook === 'PREROUTING')).toBe(true);
  });

  it('drops a loopback destination arriving on eth0 as a martian', () => {
    const t = evaluatePacket(ruleset, pkt({ dst: '127.0.0.1' }), { host: HOST });
    expect(t.verdict).toBe('DROP');
    expect(t.path).toBe('prerouting');
    expect(t.summary).toMatch(/martian destination/);
  });

  it('sends a packet to our own address out of lo and back in through INPUT', () => {
    const t = evaluatePacket(ruleset, pkt({ in: null, src: '192.0.2.2', dst: '192.0.2.2' }), { host: HOST });
    expect(t.path).toBe('output');
    expect(t.egress).toBe('lo');
    expect(t.verdict).toBe('ACCEPT');
    expect(t.steps.map((s) => `${s.hook} ${s.chain} ${s.rule ?? 'policy'} ${s.match}`)).toEqual([
      'OUTPUT OUTPUT policy yes',
      'INPUT INPUT 1 yes',
    ]);
  });

  it('lists what it assumed without a host model', () => {
    const t = evaluatePacket(ruleset, pkt({ dst: '192.0.2.2' }));
    expect(t.assumptions.join('\n')).toMatch(/no host model/);
  });
});

describe('listings that lost information', () => {
  it('treats interfaces of a listing without -v as unknown: may, never true', () => {
    // What `iptables -L -n` shows of "-A INPUT -i lo -j ACCEPT": no interface at all.
    const table = rules('*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n').tables[0];
    const ruleset = { type: 'Ruleset' as const, tables: [{ ...table, listing: { verbose: false, numeric: true, exact: false, lineNumbers: false } }] };
    const t = evaluatePacket(ruleset, pkt({}), { host: HOST });
    expect(t.steps[0]).toMatchObject({ chain: 'INPUT', rule: 1, match: 'may', target: 'ACCEPT' });
    expect(t.verdict).toBe('UNDECIDED');
    expect(t.outcomes?.map((o) => o.verdict).sort()).toEqual(['ACCEPT', 'DROP']);
    expect(t.outcomes?.find((o) => o.verdict === 'DROP')?.because).toMatch(/filter INPUT rule 1 did not match \(in-interface not shown/);
  });
});

describe('kernel details', () => {
  it('lowers the TTL before FORWARD, and drops a packet whose TTL expires there', () => {
    const ruleset = rules('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -m ttl --ttl-eq 63 -j DROP\nCOMMIT\n');
    const forwarded = { in: 'eth0', src: '8.8.8.8', dst: '10.1.0.5' };
    expect(evaluatePacket(ruleset, pkt({ ...forwarded, ttl: 64 }), { host: HOST }).verdict).toBe('DROP');
    expect(evaluatePacket(ruleset, pkt({ ...forwarded, ttl: 65 }), { host: HOST }).verdict).toBe('ACCEPT');
    const expired = evaluatePacket(ruleset, pkt({ ...forwarded, ttl: 1 }), { host: HOST });
    expect(expired.verdict).toBe('DROP');
    expect(expired.summary).toMatch(/time-exceeded/);
  });

  it('shows UNTRACKED to raw rules after a NOTRACK, and never runs nat for it', () => {
    const ruleset = rules(`*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -m conntrack --ctstate INVALID -j NOTRACK
-A PREROUTING -m conntrack --ctstate UNTRACKED -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -j DNAT --to-destination 10.1.0.9
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m state --state UNTRACKED -j ACCEPT
COMMIT
`);
    const t = evaluatePacket(ruleset, pkt({}), { host: HOST });
    expect(t.steps.map((s) => `${s.table} ${s.chain} ${s.rule ?? 'policy'} ${s.match} ${s.target}`)).toEqual([
      'raw PREROUTING 1 yes NOTRACK',
      'raw PREROUTING 2 yes ACCEPT',
      'filter INPUT 1 yes ACCEPT',
    ]);
    expect(t.verdict).toBe('ACCEPT');
    expect(t.packet.dst).toBe('192.0.2.2');
  });
});

describe('host names', () => {
  it('a rule with a host name iptables would resolve is "may", never "any address"', () => {
    const ruleset = rules('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d ntp.example.net -j DROP\nCOMMIT\n');
    const t = evaluatePacket(ruleset, pkt({ in: null, src: '192.0.2.2', dst: '203.0.113.5', proto: 17, tcpFlags: undefined, dport: 123 }), { host: HOST });
    expect(t.steps[0]).toMatchObject({ rule: 1, match: 'may' });
    expect(t.verdict).toBe('UNDECIDED');
  });
});

describe('reverse-path filtering', () => {
  const ruleset = rules('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n');
  const spoofed = pkt({ in: 'eth0', src: '10.1.0.7', dst: '192.0.2.2' });

  it('rp_filter=1 drops a packet whose source routes back out of another interface', () => {
    const t = evaluatePacket(ruleset, spoofed, { host: { ...HOST, sysctl: { ...HOST.sysctl, 'net.ipv4.conf.all.rp_filter': 1 } } });
    expect(t).toMatchObject({ verdict: 'DROP', path: 'prerouting' });
    expect(t.summary).toMatch(/rp_filter=1.*leaves by eth1, not eth0/);
  });

  it('rp_filter=2 (loose) and 0 let it through', () => {
    expect(evaluatePacket(ruleset, spoofed, { host: { ...HOST, sysctl: { ...HOST.sysctl, 'net.ipv4.conf.all.rp_filter': 2 } } }).verdict).toBe('ACCEPT');
    expect(evaluatePacket(ruleset, spoofed, { host: HOST }).verdict).toBe('ACCEPT');
  });

  it('the interface setting counts when it is higher than all', () => {
    const t = evaluatePacket(ruleset, spoofed, { host: { ...HOST, sysctl: { ...HOST.sysctl, 'net.ipv4.conf.eth0.rp_filter': 1 } } });
    expect(t.verdict).toBe('DROP');
  });
});

describe('bridge hairpin', () => {
  const ruleset = rules('*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -d 172.17.0.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\nCOMMIT\n');
  const bridgeHost = (hairpin: boolean): HostModel => ({
    interfaces: [
      { name: 'docker0', addresses: ['172.17.0.1/16'], bridge: true },
      { name: 'veth1', addresses: [], master: 'docker0', hairpin },
    ],
    routes: [],
    sysctl: { 'net.ipv4.ip_forward': 1, 'net.bridge.bridge-nf-call-iptables': 1 },
  });
  const self = pkt({ in: 'docker0', physdevIn: 'veth1', src: '172.17.0.2', dst: '172.17.0.1', dport: 8080 });

  it('a container reaching itself through a DNAT is not delivered without hairpin on its port', () => {
    const t = evaluatePacket(ruleset, self, { host: bridgeHost(false) });
    expect(t.verdict).toBe('DROP');
    expect(t.summary).toMatch(/hairpin mode is off/);
  });

  it('is delivered with hairpin on', () => {
    expect(evaluatePacket(ruleset, self, { host: bridgeHost(true) }).verdict).toBe('ACCEPT');
  });
});
