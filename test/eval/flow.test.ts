import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { evaluateFlow } from '../../src/eval/flow.js';
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

// A router: 10.1.0.0/24 behind it is masqueraded; 192.0.2.2:80 is forwarded to 10.1.0.5:8080.
const RULES = parseRuleset(`*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 192.0.2.2/32 -i eth0 -p tcp -j DNAT --to-destination 10.1.0.5:8080
-A POSTROUTING -s 10.1.0.0/24 -o eth0 -j MASQUERADE
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth1 -o eth0 -j ACCEPT
-A FORWARD -d 10.1.0.5/32 -i eth0 -o eth1 -p tcp -j ACCEPT
COMMIT
`).ruleset;

const tcp = (fields: Partial<Packet>): Packet => ({
  family: 4, in: 'eth0', src: '198.51.100.7', dst: '192.0.2.2', proto: 6, sport: 40000, dport: 80,
  tcpFlags: ['SYN'], state: 'NEW', ctDir: 'ORIGINAL', mark: 0, length: 40, ttl: 64, ...fields,
});

describe('a flow through one conntrack table', () => {
  it('masquerades a client and undoes it on the reply, without the nat chains', () => {
    const { traces, problems } = evaluateFlow(RULES, [
      { kind: 'packet', packet: tcp({ in: 'eth1', src: '10.1.0.5', dst: '203.0.113.9', sport: 50000, dport: 443 }) },
      { kind: 'reply', to: 0 },
    ], { host: HOST });
    expect(problems).toEqual([]);
    expect(traces[0]).toMatchObject({ verdict: 'ACCEPT', path: 'forward', egress: 'eth0', packet: { src: '192.0.2.2', dst: '203.0.113.9' } });
    const reply = traces[1];
    // The server answers 192.0.2.2; conntrack sends it on to 10.1.0.5, where FORWARD rule 2 takes it.
    expect(reply.packet).toMatchObject({ src: '203.0.113.9', dst: '10.1.0.5', sport: 443, dport: 50000 });
    expect(reply.path).toBe('forward');
    expect(reply.egress).toBe('eth1');
    expect(reply.steps.some((s) => s.table === 'nat')).toBe(false);
    expect(reply.rewrites?.[0]).toMatchObject({ hook: 'PREROUTING' });
    expect(reply.verdict).toBe('ACCEPT');
    expect(reply.steps.filter((s) => s.match === 'yes').map((s) => s.rule)).toEqual([2]);
  });

  it('DNATs only the first packet through the chains; later packets keep the binding', () => {
    const first = tcp({});
    const { traces } = evaluateFlow(RULES, [
      { kind: 'packet', packet: first },
      { kind: 'reply', to: 0 },
      { kind: 'packet', packet: { ...first, tcpFlags: ['ACK'] } },
    ], { host: HOST });
    expect(traces[0].packet).toMatchObject({ dst: '10.1.0.5', dport: 8080 });
    expect(traces[0].steps.filter((s) => s.table === 'nat' && s.target === 'DNAT')).toHaveLength(1);
    // The reply leaves with the public address again (DNAT undone at POSTROUTING).
    expect(traces[1].packet).toMatchObject({ src: '192.0.2.2', sport: 80, dst: '198.51.100.7', dport: 40000 });
    expect(traces[1].egress).toBe('eth0');
    expect(traces[2].steps.some((s) => s.table === 'nat')).toBe(false);
    expect(traces[2].packet).toMatchObject({ dst: '10.1.0.5', dport: 8080 });
  });

  it('a single ESTABLISHED packet never sees the nat chains', () => {
    const t = evaluatePacket(RULES, tcp({ state: 'ESTABLISHED', tcpFlags: ['ACK'] }), { host: HOST });
    expect(t.steps.some((s) => s.table === 'nat')).toBe(false);
    expect(t.packet.dst).toBe('192.0.2.2');
    expect(t.path).toBe('input');
  });

  it('refuses a reply to a packet that made no connection', () => {
    const { problems } = evaluateFlow(RULES, [
      { kind: 'packet', packet: tcp({ dst: '192.0.2.2', dport: 22, proto: 17, tcpFlags: undefined }) },
      { kind: 'reply', to: 0 },
    ], { host: HOST });
    expect(problems[0]?.message).toMatch(/made no connection/);
  });
});

describe('statistic --mode nth in a flow', () => {
  it('is exact: the rule counts every packet that reaches it, as xt_statistic does', () => {
    const ruleset = parseRuleset(`*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p udp -m statistic --mode nth --every 3 --packet 1 -j DROP
COMMIT
`).ruleset;
    const udp = (sport: number): Packet => tcp({ proto: 17, sport, dport: 53, tcpFlags: undefined });
    const { traces } = evaluateFlow(ruleset, [1, 2, 3, 4, 5, 6].map((n) => ({ kind: 'packet' as const, packet: udp(40000 + n) })), { host: HOST });
    // The counter starts at 1: 1->2 (no), 2->0 (match), 0->1, 1->2, 2->0 (match), 0->1.
    expect(traces.map((t) => t.verdict)).toEqual(['ACCEPT', 'DROP', 'ACCEPT', 'ACCEPT', 'DROP', 'ACCEPT']);
    // A single packet cannot know the counter.
    expect(evaluatePacket(ruleset, udp(40000), { host: HOST }).verdict).toBe('UNDECIDED');
  });
});
