import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';
import { parseIpSet } from '../../src/eval/ipset.js';
import type { Packet } from '../../src/eval/types.js';

const RULES = parseRuleset(`*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m set --match-set blocklist src -j DROP
-A INPUT -p tcp -m set --match-set services dst,dst -j ACCEPT
-A INPUT -j REJECT
COMMIT
`).ruleset;

const packet = (f: Partial<Packet>): Packet => ({
  family: 4, in: 'eth0', src: '198.51.100.7', dst: '192.0.2.2', proto: 6, sport: 40000, dport: 443,
  tcpFlags: ['SYN'], state: 'NEW', ctDir: 'ORIGINAL', mark: 0, length: 40, ttl: 64, ...f,
});

describe('ipset contents (--ipset NAME=FILE)', () => {
  const blocklist = parseIpSet('blocklist', 'create blocklist hash:net family inet\nadd blocklist 203.0.113.0/24\nadd blocklist 198.51.100.7\n');
  const services = parseIpSet('services', '# web\n192.0.2.2,tcp:443\n192.0.2.2,tcp:80\n');
  const sets = new Map([['blocklist', blocklist.set], ['services', services.set]]);

  it('reads ipset save output and plain member lists', () => {
    expect(blocklist.problems).toEqual([]);
    expect(blocklist.set.members).toHaveLength(2);
    expect(services.set.members[0].parts.map((p) => p.kind)).toEqual(['net', 'port']);
    expect(parseIpSet('x', 'not-an-address\n').problems).toEqual(['line 1: cannot read set member "not-an-address"']);
  });

  it('decides -m set when the contents are given', () => {
    expect(evaluatePacket(RULES, packet({}), { sets }).verdict).toBe('DROP');
    expect(evaluatePacket(RULES, packet({ src: '203.0.113.200' }), { sets }).verdict).toBe('DROP');
    expect(evaluatePacket(RULES, packet({ src: '192.0.2.77' }), { sets }).verdict).toBe('ACCEPT');
    expect(evaluatePacket(RULES, packet({ src: '192.0.2.77', dport: 22 }), { sets }).verdict).toBe('REJECT');
  });

  it('says "may" without them', () => {
    const t = evaluatePacket(RULES, packet({}));
    expect(t.verdict).toBe('UNDECIDED');
    expect(t.steps[0]).toMatchObject({ match: 'may' });
  });
});
