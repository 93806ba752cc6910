/**
 * A rule keeps its own step (the first it took) and the texts of its random draws, and traces
 * made later share them: a rule met at another place, or a draw reached after other draws, must
 * still read as a fresh evaluation reads it, in traces made before and after.
 */
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';
import type { Packet, Trace, TraceStep } from '../../src/eval/types.js';
import { tcpSyn } from '../helpers/packets.js';

const tcp = (over: Partial<Packet>): Packet => tcpSyn({ dport: 22, ...over });

/** CHECK is reached from INPUT at depth 1, and from OUTPUT through DEEP at depth 2. */
const FILTER = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:CHECK - [0:0]
:DEEP - [0:0]
-A INPUT -p tcp -j CHECK
-A OUTPUT -p tcp -j DEEP
-A DEEP -j CHECK
-A CHECK -p tcp -m tcp --dport 22 -j ACCEPT
-A CHECK -j RETURN
COMMIT
`;

/** B's draw is reached after PREROUTING's draw for an incoming packet, and first of all for a local one. */
const NAT = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:A - [0:0]
:B - [0:0]
-A PREROUTING -p tcp -m statistic --mode random --probability 0.50000000000 -j A
-A PREROUTING -p tcp -j B
-A OUTPUT -p tcp -j B
-A A -j MARK --set-xmark 0x1/0xffffffff
-A B -p tcp -m statistic --mode random --probability 0.25000000000 -j DNAT --to-destination 10.0.0.2:80
-A B -p tcp -j DNAT --to-destination 10.0.0.3:80
COMMIT
`;

const incoming = tcp({});
const local = tcp({ in: null, src: '198.51.100.1', dst: '203.0.113.5' });

function fresh(text: string, p: Packet): string {
  return JSON.stringify(evaluatePacket(parseRuleset(text, { file: 'kept.save' }).ruleset, p));
}

function checkStep(t: Trace): TraceStep {
  return t.steps.find((s) => s.chain === 'CHECK' && s.rule === 1)!;
}

describe('what a rule keeps for later traces', () => {
  it('its own step: a rule met at another hook and depth lists where each trace met it', () => {
    const shared = parseRuleset(FILTER, { file: 'kept.save' }).ruleset;
    // Made in turn, read only when all are made.
    const first = evaluatePacket(shared, incoming);
    const other = evaluatePacket(shared, local);
    const again = evaluatePacket(shared, incoming);
    expect(checkStep(first)).toMatchObject({ hook: 'INPUT', depth: 1, match: 'yes', target: 'ACCEPT' });
    expect(checkStep(other)).toMatchObject({ hook: 'OUTPUT', depth: 2, match: 'yes', target: 'ACCEPT' });
    expect(checkStep(again)).toMatchObject({ hook: 'INPUT', depth: 1 });
    expect([first, other, again].map((t) => JSON.stringify(t))).toEqual([fresh(FILTER, incoming), fresh(FILTER, local), fresh(FILTER, incoming)]);
  });

  it("a draw's text: the same draw after other draws, and alone, each says what its branch took", () => {
    const shared = parseRuleset(NAT, { file: 'kept.save' }).ruleset;
    const first = evaluatePacket(shared, incoming);
    const because = (t: Trace): string[] => (t.outcomes ?? []).map((o) => o.because).sort();
    // Read before the local packet is made, so its texts are made first.
    const incomingReasons = because(first);
    const other = evaluatePacket(shared, local);
    expect(incomingReasons.every((r) => r.startsWith('nat PREROUTING rule 1 '))).toBe(true);
    expect(because(other)).toEqual(['nat B rule 1 did not match (random: matches 25% of packets)', 'nat B rule 1 matched (random: matches 25% of packets)']);
    expect(JSON.stringify(other)).toBe(fresh(NAT, local));
    expect(JSON.stringify(evaluatePacket(shared, incoming))).toBe(fresh(NAT, incoming));
    // An outcome's keys, `because` and `steps` among them, in their usual order.
    expect(Object.keys(other.outcomes![0])).toEqual(['verdict', 'probability', 'because', 'packet', 'path', 'egress', 'steps']);
    expect(Object.keys(other)).toEqual(['verdict', 'path', 'egress', 'packet', 'steps', 'summary', 'assumptions', 'outcomes']);
  });

  it('skipped runs: traces share equal runs, and only equal ones, among more runs than are kept', () => {
    // 2,100 rules for 2,100 addresses: each packet skips a run of another length, more runs than
    // the table keeps slots for, so runs of other lengths meet in the same slot.
    const rules = Array.from({ length: 2100 }, (_, k) => `-A INPUT -d 10.1.${k >> 8}.${k & 255}/32 -p tcp -j ACCEPT`);
    const text = ['*filter', ':INPUT DROP [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...rules, 'COMMIT', ''].join('\n');
    const shared = parseRuleset(text, { file: 'runs.save' }).ruleset;
    const order = Array.from({ length: 2100 }, (_, i) => (i * 947) % 2100);
    const traces = order.map((k) => evaluatePacket(shared, tcp({ dst: `10.1.${k >> 8}.${k & 255}` })));
    const skipped = traces.map((t) => t.steps.filter((s) => s.chain === 'INPUT' && s.match === 'no').length);
    expect(skipped).toEqual(order);
    expect(traces.every((t, i) => t.verdict === 'ACCEPT' && t.steps.find((s) => s.match === 'yes')?.rule === order[i] + 1)).toBe(true);
  });
});
