/**
 * The rulesets bundled in rulesets/ (a hand-made server firewall, a kube-proxy node), with the
 * questions their users ask.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';
import { checkHostModel } from '../../src/eval/host.js';
import type { Packet } from '../../src/eval/types.js';
import { REPO_ROOT } from '../helpers/shared.js';

const load = (name: string) => {
  const { ruleset, diagnostics } = parseRuleset(readFileSync(join(REPO_ROOT, 'rulesets', name), 'utf8'), { file: name });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ruleset;
};

const tcp = (f: Partial<Packet>): Packet => ({
  family: 4, in: 'eth0', src: '198.51.100.7', dst: '192.0.2.20', proto: 6, sport: 40000, dport: 443,
  tcpFlags: ['SYN'], state: 'NEW', ctDir: 'ORIGINAL', mark: 0, length: 40, ttl: 64, ...f,
});

describe('rulesets/host-firewall.save', () => {
  const ruleset = load('host-firewall.save');
  const host = checkHostModel(JSON.parse(readFileSync(join(REPO_ROOT, 'rulesets/hosts/host-firewall.json'), 'utf8'))).host!;

  it('lets the web in and keeps SSH to the office', () => {
    expect(evaluatePacket(ruleset, tcp({ dport: 443 }), { host }).verdict).toBe('ACCEPT');
    expect(evaluatePacket(ruleset, tcp({ dport: 22, src: '203.0.113.9' }), { host }).verdict).toBe('ACCEPT');
    const ssh = evaluatePacket(ruleset, tcp({ dport: 22 }), { host });
    expect(ssh.verdict).toBe('DROP');
    expect(ssh.steps.filter((s) => s.match !== 'no').map((s) => `${s.chain}:${s.rule ?? 'policy'}`)).toEqual([
      'INPUT:5', 'blocklist:3', 'INPUT:10', 'log-drop:1', 'log-drop:2',
    ]);
  });

  it('drops the blocklist before anything else', () => {
    const t = evaluatePacket(ruleset, tcp({ src: '192.0.2.200', dport: 443 }), { host });
    expect(t.verdict).toBe('DROP');
    expect(t.steps.find((s) => s.match === 'yes' && s.target === 'DROP')).toMatchObject({ chain: 'blocklist', rule: 2 });
  });

  it('rate-limited ping is honest: may be accepted, may be dropped', () => {
    const t = evaluatePacket(ruleset, tcp({ proto: 1, sport: undefined, dport: undefined, tcpFlags: undefined, icmpType: 8, icmpCode: 0 }), { host });
    expect(t.verdict).toBe('UNDECIDED');
    expect(t.outcomes?.map((o) => o.verdict).sort()).toEqual(['ACCEPT', 'DROP']);
  });

  it('mail from a user other than root is rejected on the way out', () => {
    const out = tcp({ in: null, src: '192.0.2.20', dst: '203.0.113.25', dport: 25, uid: 1000 });
    expect(evaluatePacket(ruleset, out, { host }).verdict).toBe('REJECT');
    expect(evaluatePacket(ruleset, { ...out, uid: 0 }, { host }).verdict).toBe('ACCEPT');
  });

  it('does not forward: ip_forward is off', () => {
    const t = evaluatePacket(ruleset, tcp({ dst: '10.9.9.9' }), { host });
    expect(t).toMatchObject({ verdict: 'DROP', path: 'forward' });
    expect(t.summary).toMatch(/forwarding is off/);
  });
});

describe('rulesets/kube-proxy-8.save', () => {
  const ruleset = load('kube-proxy-8.save');
  const host = checkHostModel(JSON.parse(readFileSync(join(REPO_ROOT, 'rulesets/hosts/kube-node.json'), 'utf8'))).host!;
  // A pod on this node (on cni0) talks to a service.
  const fromPod = (f: Partial<Packet>): Packet => tcp({ in: 'cni0', src: '10.244.0.9', ...f });

  it('spreads a service over its endpoints with the shares statistic gives them', () => {
    const t = evaluatePacket(ruleset, fromPod({ dst: '10.96.0.7', dport: 9090 }), { host });
    expect(t.verdict).toBe('ACCEPT');
    expect(t.path).toBe('forward');
    const shares = (t.outcomes ?? []).map((o) => [o.packet?.dst, Number(o.probability?.toFixed(4))]);
    expect(shares).toEqual([
      ['10.244.0.14', 0.25],
      ['10.244.0.15', 0.25],
      ['10.244.0.16', 0.25],
      ['10.244.0.17', 0.25],
    ]);
  });

  it('rejects a service that has no endpoints', () => {
    const t = evaluatePacket(ruleset, fromPod({ proto: 17, dst: '10.96.0.1', dport: 53, tcpFlags: undefined }), { host });
    expect(t.verdict).toBe('REJECT');
    expect(t.steps.find((s) => s.target === 'REJECT')).toMatchObject({ table: 'filter', chain: 'KUBE-SERVICES', rule: 1 });
  });
});

describe('Docker 28 and 29 layouts (rulesets/docker/)', () => {
  const host = checkHostModel({
    interfaces: [
      { name: 'eth0', addresses: ['192.0.2.10/24'] },
      { name: 'docker0', addresses: ['172.17.0.1/16'], bridge: true },
      { name: 'br-5e1c0a7d9b21', addresses: ['172.20.0.1/16'], bridge: true },
    ],
    routes: [{ dst: 'default', dev: 'eth0', via: '192.0.2.1' }],
    sysctl: { 'net.ipv4.ip_forward': 1, 'net.bridge.bridge-nf-call-iptables': 1 },
  }).host!;

  for (const file of ['docker/docker-28.5.save', 'docker/docker-29.save']) {
    describe(file, () => {
      const ruleset = load(file);

      it('a published port from outside is DNATed and forwarded', () => {
        const t = evaluatePacket(ruleset, tcp({ dst: '192.0.2.10', dport: 8080 }), { host });
        expect(t).toMatchObject({ verdict: 'ACCEPT', path: 'forward', egress: 'docker0' });
        expect(t.packet).toMatchObject({ dst: '172.17.0.2', dport: 80 });
      });

      it('a container address reached straight from outside is dropped in raw PREROUTING (new in 28)', () => {
        const t = evaluatePacket(ruleset, tcp({ dst: '172.17.0.2', dport: 80 }), { host });
        expect(t.verdict).toBe('DROP');
        expect(t.steps.find((s) => s.target === 'DROP')).toMatchObject({ table: 'raw', chain: 'PREROUTING' });
      });

      it('a container reaches the internet, masqueraded', () => {
        const t = evaluatePacket(ruleset, tcp({ in: 'docker0', src: '172.17.0.2', dst: '203.0.113.9', dport: 443 }), { host });
        expect(t).toMatchObject({ verdict: 'ACCEPT', egress: 'eth0' });
        expect(t.packet.src).toBe('192.0.2.10');
      });
    });
  }
});
