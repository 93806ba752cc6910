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

  it('route each host model as a fresh evaluation does, with more host models in turn than it keeps', () => {
    // Six hosts asked about in turn (routing is kept for the last four): each host's uplink has
    // another address and another default route, so a stale routing would change the trace.
    const hosts = [1, 2, 3, 4, 5, 6].map((k) => ({
      interfaces: [
        { name: `eth${k}`, addresses: [`198.51.100.${k}/24`] },
        { name: 'lan', addresses: [`10.${k}.0.1/16`] },
      ],
      routes: [{ dst: 'default', dev: k % 2 ? `eth${k}` : 'lan', via: k % 2 ? `198.51.100.254` : `10.${k}.0.254` }],
      sysctl: { 'net.ipv4.ip_forward': 1 },
    }));
    const list = packets().filter((p) => p.in !== null && p.state === 'NEW').slice(0, 8);
    const shared = parseRuleset(text, { file: 'kp.save' }).ruleset;
    const alone = (p: Packet, k: number): string => JSON.stringify(evaluatePacket(parseRuleset(text, { file: 'kp.save' }).ruleset, { ...p, in: `eth${k + 1}` }, { host: hosts[k] }));
    for (let round = 0; round < 2; round++) {
      for (const [i, p] of list.entries()) {
        for (let k = 0; k < hosts.length; k++) {
          const h = (k + i) % hosts.length;
          expect(JSON.stringify(evaluatePacket(shared, { ...p, in: `eth${h + 1}` }, { host: hosts[h] }))).toBe(alone(p, h));
        }
      }
    }
    // The hosts do route differently: the egress follows each one's default route.
    const egress = hosts.map((h, k) => evaluatePacket(shared, { ...list[0], in: `eth${k + 1}` }, { host: h }).egress);
    expect(new Set(egress).size).toBeGreaterThan(2);
  });
});
