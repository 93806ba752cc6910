/**
 * Every table walk shares one stack of the chains it is in, and a fork's other branch keeps a
 * copy of it until its own walk: each branch must go on where its rule left it, return through
 * the chains that jumped (not those that went to), at their depths, and a walk must start clean
 * whatever the walk before it did, an error included.
 */
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';
import type { Trace, TraceStep } from '../../src/eval/types.js';
import { tcpSyn } from '../helpers/packets.js';

function parse(text: string): ReturnType<typeof parseRuleset>['ruleset'] {
  const result = parseRuleset(text, { file: 'walk.rules' });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.ruleset;
}

/** What a branch took, rule by rule, leaving out the rules that did not match. */
function taken(steps: readonly TraceStep[]): string[] {
  return steps.filter((s) => s.match !== 'no').map((s) => `${s.hook} ${s.chain} ${s.rule ?? 'policy'} ${s.target} @${s.depth}`);
}

function outcome(trace: Trace, verdict: string): readonly TraceStep[] {
  const found = trace.outcomes?.find((o) => o.verdict === verdict);
  expect(found, `an outcome ${verdict}`).toBeDefined();
  return found?.steps ?? [];
}

/**
 * B's draw forks two chains down. The branch that draws is accepted in B; the other returns to
 * A's second rule, then to INPUT's second rule, which drops it.
 */
const NESTED = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:A - [0:0]
:B - [0:0]
-A INPUT -p tcp -j A
-A INPUT -p tcp -j DROP
-A A -j B
-A A -p tcp -m tcp --dport 81 -j ACCEPT
-A A -p tcp -m tcp --dport 80 -j RETURN
-A B -m statistic --mode random --probability 0.50000000000 -j ACCEPT
-A B -p tcp -m tcp --dport 80 -j RETURN
COMMIT
`;

/** The same draw reached by a goto: B's RETURN then goes back to INPUT, which went to A. */
const GOTO = NESTED.replace('-A A -j B', '-A A -g B');

describe('chain stack across forks', () => {
  const local = { in: 'eth0', dst: '203.0.113.9' };

  it('a fork two chains down: the other branch goes on in B, then in A and INPUT where they jumped', () => {
    const trace = evaluatePacket(parse(NESTED), tcpSyn(local));
    expect(taken(outcome(trace, 'ACCEPT'))).toEqual(['INPUT INPUT 1 jump:A @0', 'INPUT A 1 jump:B @1', 'INPUT B 1 ACCEPT @2']);
    expect(taken(outcome(trace, 'DROP'))).toEqual([
      'INPUT INPUT 1 jump:A @0',
      'INPUT A 1 jump:B @1',
      'INPUT B 1 null @2',
      'INPUT B 2 RETURN @2',
      'INPUT A 3 RETURN @1',
      'INPUT INPUT 2 DROP @0',
    ]);
    // A's second rule was tested on the way back (it did not match), at A's depth.
    const back = outcome(trace, 'DROP').filter((s) => s.chain === 'A' && s.rule === 2);
    expect(back).toEqual([expect.objectContaining({ match: 'no', depth: 1 })]);
  });

  it('a fork after a goto: the other branch returns to INPUT, past A, at the depth of A', () => {
    const trace = evaluatePacket(parse(GOTO), tcpSyn(local));
    expect(taken(outcome(trace, 'DROP'))).toEqual([
      'INPUT INPUT 1 jump:A @0',
      'INPUT A 1 goto:B @1',
      'INPUT B 1 null @1',
      'INPUT B 2 RETURN @1',
      'INPUT INPUT 2 DROP @0',
    ]);
  });

  it('each branch is walked through the next tables from their builtin chain', () => {
    // The fork happens in nat PREROUTING, two chains down; both branches then walk filter
    // FORWARD from its first rule.
    const ruleset = parse(`*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:SVC - [0:0]
:SEP - [0:0]
-A PREROUTING -d 10.96.0.1/32 -p tcp -j SVC
-A SVC -m statistic --mode random --probability 0.50000000000 -j SEP
-A SEP -p tcp -j DNAT --to-destination 10.244.0.2:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:FWD - [0:0]
-A FORWARD -j FWD
-A FWD -d 10.244.0.2/32 -j ACCEPT
COMMIT
`);
    const trace = evaluatePacket(ruleset, tcpSyn({ dst: '10.96.0.1' }), {
      host: { interfaces: [{ name: 'eth0', addresses: ['192.0.2.1/24'] }, { name: 'cni0', addresses: ['10.244.0.1/24', '10.96.0.254/16'] }], routes: [], sysctl: { 'net.ipv4.ip_forward': 1 } },
    });
    const forward = (steps: readonly TraceStep[]): string[] => taken(steps.filter((s) => s.hook === 'FORWARD'));
    expect(forward(outcome(trace, 'ACCEPT'))).toEqual(['FORWARD FORWARD 1 jump:FWD @0', 'FORWARD FWD 1 ACCEPT @1']);
    expect(forward(outcome(trace, 'DROP'))).toEqual(['FORWARD FORWARD 1 jump:FWD @0', 'FORWARD FORWARD policy policy:DROP @0']);
  });

  it('a walk an error ended leaves nothing for the next evaluation', () => {
    const looped = parse(`*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:A - [0:0]
:B - [0:0]
-A INPUT -j A
-A A -m statistic --mode random --probability 0.50000000000 -j B
-A B -j A
COMMIT
`);
    const failed = evaluatePacket(looped, tcpSyn({ dst: '203.0.113.9' }));
    expect(failed.verdict).toBe('UNDECIDED');
    expect(failed.summary).toMatch(/loop: chain A is reached again from B/);
    const trace = evaluatePacket(parse(NESTED), tcpSyn({ dst: '203.0.113.9' }));
    expect(taken(outcome(trace, 'DROP'))).toHaveLength(6);
    expect(trace.outcomes?.map((o) => o.verdict).sort()).toEqual(['ACCEPT', 'DROP']);
  });
});

describe('the accepted sentence', () => {
  const ruleset = parse(`*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -p tcp -j ACCEPT
COMMIT
`);
  const host = {
    interfaces: [
      { name: 'eth0', addresses: ['192.0.2.1/24'] },
      { name: 'eth1', addresses: ['198.51.100.1/24'] },
      { name: 'eth2', addresses: ['203.0.113.1/24'] },
    ],
    routes: [],
    sysctl: { 'net.ipv4.ip_forward': 1 },
  };

  it('says where each packet went, though the same rule decided them all', () => {
    const toEth1 = evaluatePacket(ruleset, tcpSyn({ dst: '198.51.100.7' }), { host });
    const toEth2 = evaluatePacket(ruleset, tcpSyn({ dst: '203.0.113.7' }), { host });
    const againEth1 = evaluatePacket(ruleset, tcpSyn({ dst: '198.51.100.8' }), { host });
    expect(toEth1.summary).toBe('ACCEPT: forwarded out of eth1 (last decided by filter FORWARD rule 1).');
    expect(toEth2.summary).toBe('ACCEPT: forwarded out of eth2 (last decided by filter FORWARD rule 1).');
    expect(againEth1.summary).toBe(toEth1.summary);
  });

  it('names the rule that decided, when another rule decides the next packet', () => {
    const two = parse(`*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -p tcp -m tcp --dport 22 -j ACCEPT
-A FORWARD -p tcp -j ACCEPT
COMMIT
`);
    const first = evaluatePacket(two, tcpSyn({ dst: '198.51.100.7', dport: 22 }), { host });
    const second = evaluatePacket(two, tcpSyn({ dst: '198.51.100.7', dport: 80 }), { host });
    expect(first.summary).toBe('ACCEPT: forwarded out of eth1 (last decided by filter FORWARD rule 1).');
    expect(second.summary).toBe('ACCEPT: forwarded out of eth1 (last decided by filter FORWARD rule 2).');
  });
});
