/**
 * The parse writes each rule's record (rule-records) and the evaluator reads records instead of
 * rule objects: core selectors, the target, the jump the parse resolved, one simple match. A
 * ruleset the parse did not record (here: the same tables copied) is evaluated from its rule
 * objects; both must give every packet the same trace, as must a deferred parse.
 */
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import {
  MATCH_NONE,
  MATCH_OTHER,
  MATCH_RANDOM,
  MATCH_TCP_PORTS,
  MATCH_UDP_PORTS,
  MATCH_KIND_MASK,
  R_JUMP,
  R_JUMP_COUNT,
  R_JUMP_FIRST,
  R_MATCH,
  R_MATCH_A,
  RECORD_WIDTH,
  recordsOf,
  type ChainRecords,
} from '../../src/ast/rule-records.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';
import type { Ruleset } from '../../src/ast/types.js';
import type { Packet } from '../../src/eval/types.js';
import { tcpSyn } from '../helpers/packets.js';

const SAVE = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:PICK - [0:0]
:EP-A - [0:0]
:EP-B - [0:0]
:PICK2 - [0:0]
-A PREROUTING -d 10.96.0.10/32 -p tcp -m comment --comment "svc" -m tcp --dport 80 -j PICK
-A PREROUTING -d 10.96.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 10.244.1.5:5353
-A PREROUTING -d 10.96.0.12/32 -p tcp -m tcp --dport 80 -j PICK2
-A PICK2 -m statistic --mode random --probability 0.25000000000 -j EP-A
-A PICK2 -j EP-B
-A PICK -m comment --comment "half" -m statistic --mode random --probability 0.50000000000 -j EP-A
-A PICK -m statistic --mode random ! --probability 0.25000000000 -j EP-B
-A PICK -m comment --comment "last" -j EP-B
-A EP-A -s 10.244.1.7/32 -j MARK --set-xmark 0x4000/0x4000
-A EP-A -p tcp -m tcp -j DNAT --to-destination 10.244.1.7:8080
-A EP-B -p tcp -m tcp -j DNAT --to-destination 10.244.2.9:8080
-A POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:WEB - [0:0]
:PORTS - [0:0]
:NEVER - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --sport 1024:65535 --dport 22 -j ACCEPT
-A INPUT -p tcp -j WEB
-A WEB -p tcp -m tcp ! --dport 8000:8999 -g PORTS
-A INPUT -p udp -m udp ! --sport 53 --dport 5000:6000 -j ACCEPT
-A WEB -m comment --comment "web ports" -j ACCEPT
-A PORTS -p tcp -m tcp --dport 443 -j ACCEPT
-A PORTS -p tcp -m tcp --dport 444 -j RETURN
-A PORTS ! -s 192.0.2.0/24 -m statistic --mode random --probability 1.00000000000 -j DROP
-A PORTS -m statistic --mode random --probability 0.00000000000 -j ACCEPT
-A PORTS -m statistic --mode random ! --probability 0.25000000000 -j RETURN
-A PORTS -p tcp -m tcp --tcp-flags SYN,ACK SYN -j LOG --log-prefix "new "
-I INPUT 2 -p icmp -j ACCEPT
-I PORTS 1 -p tcp -m tcp --dport 25 -j REJECT --reject-with tcp-reset
-A FORWARD -d 10.244.0.0/16 -j ACCEPT
-A FORWARD -m state --state INVALID -j NEVER
-A NEVER -j DROP
COMMIT
`;


const PACKETS: Packet[] = [
  tcpSyn({ dst: '10.96.0.10' }),
  tcpSyn({ dst: '10.96.0.10', src: '10.244.1.7' }),
  tcpSyn({ dst: '10.96.0.12' }),
  tcpSyn({ dst: '10.96.0.11', proto: 17, dport: 53, tcpFlags: undefined }),
  tcpSyn({ dport: 22 }),
  tcpSyn({ dport: 22, sport: 1000 }),
  tcpSyn({ dport: 8080 }),
  tcpSyn({ dport: 443 }),
  tcpSyn({ dport: 444 }),
  tcpSyn({ dport: 25 }),
  tcpSyn({ dport: 9999, src: '203.0.113.5' }),
  tcpSyn({ dport: 9999 }),
  tcpSyn({ dport: 9999, tcpFlags: ['SYN', 'ACK'] }),
  tcpSyn({ proto: 17, sport: 53, dport: 5353, tcpFlags: undefined }),
  tcpSyn({ proto: 17, sport: 54, dport: 5353, tcpFlags: undefined }),
  tcpSyn({ proto: 17, sport: 54, dport: 7000, tcpFlags: undefined }),
  tcpSyn({ proto: 1, sport: undefined, dport: undefined, tcpFlags: undefined, icmpType: 8, icmpCode: 0 }),
  tcpSyn({ in: 'lo', src: '127.0.0.1', dst: '127.0.0.1' }),
  tcpSyn({ dst: '10.244.3.3', state: 'INVALID' }),
  tcpSyn({ dst: '10.244.3.3' }),
];

/** The same tables as new objects: nothing the parse recorded is found for them. */
function unrecorded(ruleset: Ruleset): Ruleset {
  return { ...ruleset, tables: ruleset.tables.map((t) => ({ ...t })) };
}

const traces = (ruleset: Ruleset): string[] => PACKETS.map((p) => JSON.stringify(evaluatePacket(ruleset, p)));

describe('rule records', () => {
  const parsed = parseRuleset(SAVE, { file: 'records.save' });

  it('are written by the parse, with simple matches and jumps resolved to chain indexes', () => {
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const nat = parsed.ruleset.tables.find((t) => t.name === 'nat')!;
    const records = recordsOf(nat);
    expect(records.count).toBe(12);
    const pick = nat.chains.findIndex((c) => c.name === 'PICK');
    const epB = nat.chains.findIndex((c) => c.name === 'EP-B');
    const chainRecords = (chain: string): ChainRecords => records.byChain![nat.chains.findIndex((c) => c.name === chain)];
    const list = (chain: string): number[] => Array.from({ length: chainRecords(chain).length }, (_, k) => chainRecords(chain).at(k));
    const slot = (index: number, at: number): number => records.ints[index * RECORD_WIDTH + at];
    expect(slot(list('PREROUTING')[0], R_JUMP)).toBe(pick);
    expect(slot(list('PREROUTING')[0], R_MATCH) & MATCH_KIND_MASK).toBe(MATCH_TCP_PORTS);
    expect(slot(list('PREROUTING')[1], R_MATCH) & MATCH_KIND_MASK).toBe(MATCH_UDP_PORTS);
    expect(slot(list('PICK')[1], R_JUMP)).toBe(epB);
    expect(slot(list('PICK')[1], R_MATCH) & MATCH_KIND_MASK).toBe(MATCH_RANDOM);
    // 0.25 of 2^31, the kernel's threshold; the probability is read back from it.
    expect(slot(list('PICK')[1], R_MATCH_A)).toBe(0x20000000);
    expect(slot(list('PICK')[2], R_MATCH) & MATCH_KIND_MASK).toBe(MATCH_NONE);
    expect(slot(list('POSTROUTING')[0], R_MATCH) & MATCH_KIND_MASK).toBe(MATCH_OTHER);
    // -I keeps a chain's records aligned with its rules.
    const filter = parsed.ruleset.tables.find((t) => t.name === 'filter')!;
    const input = filter.chains.find((c) => c.name === 'INPUT')!;
    const inputRecords = recordsOf(filter).byChain![filter.chains.indexOf(input)];
    expect(inputRecords.length).toBe(input.rules.length);
    expect(input.rules[1].core.protocol?.value.number).toBe(1);
    expect(recordsOf(filter).ints[inputRecords.at(1) * RECORD_WIDTH + R_MATCH] & MATCH_KIND_MASK).toBe(MATCH_NONE);
    // A chain's rules are recorded one after another, except where -I put one before others.
    expect(list('EP-A')).toEqual([list('EP-A')[0], list('EP-A')[0] + 1]);
    // A resolved jump's record says where the chain it reaches has its records, when they are
    // one after another: PICK's three; not PORTS', which -I split.
    expect(slot(list('PREROUTING')[0], R_JUMP_FIRST)).toBe(list('PICK')[0]);
    expect(slot(list('PREROUTING')[0], R_JUMP_COUNT)).toBe(3);
    const filterSlot = (index: number, at: number): number => recordsOf(filter).ints[index * RECORD_WIDTH + at];
    const web = recordsOf(filter).byChain![filter.chains.findIndex((c) => c.name === 'WEB')];
    expect(filterSlot(web.at(0), R_JUMP)).toBe(filter.chains.findIndex((c) => c.name === 'PORTS'));
    expect(filterSlot(web.at(0), R_JUMP_COUNT)).toBe(-1);
  });

  it('give every packet the trace its rule objects give', () => {
    const fromRecords = traces(parsed.ruleset);
    const fromRules = traces(unrecorded(parseRuleset(SAVE, { file: 'records.save' }).ruleset));
    const deferred = traces(parseRuleset(SAVE, { file: 'records.save', deferRules: true }).ruleset);
    expect(fromRecords).toEqual(fromRules);
    expect(deferred).toEqual(fromRules);
    // Again, with every rule met before: steps, reasons and skipped runs kept from the first
    // pass are shared, and the traces stay the same.
    expect(traces(parsed.ruleset)).toEqual(fromRecords);
    // The packets take many paths: accepted, dropped, rejected, split by the random draws.
    const verdicts = new Set(fromRecords.map((t) => JSON.parse(t).verdict));
    expect([...verdicts].sort()).toEqual(['ACCEPT', 'DROP', 'REJECT']);
    expect(fromRecords.filter((t) => JSON.parse(t).outcomes?.length > 1).length).toBeGreaterThan(1);
    // Two draws of the same threshold, one negated, are told apart (their tests are shared by
    // value): PICK's second rule takes 75% of what reaches it, PICK2's first 25%.
    const chanceOf = (trace: string, dst: string): number | undefined =>
      (JSON.parse(trace).outcomes as { probability: number; packet: { dst: string } }[]).find((o) => o.packet.dst === dst)?.probability;
    expect(chanceOf(fromRecords[0], '10.244.1.7')).toBe(0.5);
    expect(chanceOf(fromRecords[0], '10.244.2.9')).toBe(0.5);
    expect(chanceOf(fromRecords[2], '10.244.1.7')).toBe(0.25);
    expect(chanceOf(fromRecords[2], '10.244.2.9')).toBe(0.75);
    // DNAT as the records hold it: the address and the port the rule names.
    const endpoints = (trace: string): string[] =>
      (JSON.parse(trace).outcomes as { packet: { dst: string; dport: number } }[]).map((o) => `${o.packet.dst}:${o.packet.dport}`).sort();
    expect(endpoints(fromRecords[0])).toEqual(['10.244.1.7:8080', '10.244.2.9:8080']);
    expect(JSON.parse(fromRecords[3]).packet).toMatchObject({ dst: '10.244.1.5', dport: 5353 });
  });
});
