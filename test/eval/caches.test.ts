/**
 * The evaluator keeps much per ruleset (compiled chains, shared steps, match evaluators, jump
 * targets, parsed host addresses): a trace must not depend on which packets came before it.
 */
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';
import type { Packet } from '../../src/eval/types.js';
import { generateKubeProxy } from '../../rulesets/gen/kube-proxy.js';

const text = generateKubeProxy({ services: 60, seed: 11 });

function packets(): Packet[] {
  const portals = [...text.slice(text.indexOf('*nat')).matchAll(/^-A KUBE-SERVICES -d (\S+)\/32 -p (tcp|udp) .* --dport (\d+) -j KUBE-SVC-/gm)];
  return portals.slice(0, 30).map((m, i) => ({
    family: 4,
    in: i % 3 === 0 ? null : 'eth0',
    src: i % 3 === 0 ? '10.0.0.5' : `192.0.2.${1 + i}`,
    dst: m[1],
    proto: m[2] === 'tcp' ? 6 : 17,
    sport: 40000 + i,
    dport: Number(m[3]),
    ...(m[2] === 'tcp' ? { tcpFlags: ['SYN' as const] } : {}),
    state: i % 5 === 4 ? 'ESTABLISHED' : 'NEW',
    ctDir: 'ORIGINAL',
    mark: 0,
    length: 60,
    ttl: 64,
  }));
}

describe('evaluator caches', () => {
  it('give every packet the trace a fresh parse gives it, in any order, read or not', () => {
    const list = packets();
    expect(list.length).toBe(30);
    const alone = list.map((p) => JSON.stringify(evaluatePacket(parseRuleset(text, { file: 'kp.save' }).ruleset, p)));
    const shared = parseRuleset(text, { file: 'kp.save' }).ruleset;
    // Forwards with steps left unread, then backwards, then forwards again: each read after all ran.
    const unread = list.map((p) => evaluatePacket(shared, p));
    const backwards = [...list].reverse().map((p) => JSON.stringify(evaluatePacket(shared, p))).reverse();
    const again = list.map((p) => JSON.stringify(evaluatePacket(shared, p)));
    expect(unread.map((t) => JSON.stringify(t))).toEqual(alone);
    expect(backwards).toEqual(alone);
    expect(again).toEqual(alone);
    // The packets did reach the services: kube-proxy's random endpoint choice splits them.
    expect(unread.filter((t) => (t.outcomes?.length ?? 0) > 1).length).toBeGreaterThan(5);
  });
});
