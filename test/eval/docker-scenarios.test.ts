/**
 * The Docker default-bridge host (20.10 layout), given as iptables-save text and as pasted
 * `iptables -L -n -v -x --line-numbers` listings of the filter and nat tables: the questions users
 * ask, answered as the kernel answers them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRuleset, mergeRulesets } from '../../src/ast/parse.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';
import { evaluateFlow } from '../../src/eval/flow.js';
import { checkHostModel } from '../../src/eval/host.js';
import type { Packet } from '../../src/eval/types.js';
import type { Ruleset } from '../../src/ast/types.js';
import { REPO_ROOT } from '../helpers/shared.js';

const dir = join(REPO_ROOT, 'rulesets/listings');
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

function parsed(text: string, file: string): Ruleset {
  const { ruleset, diagnostics } = parseRuleset(text, { file });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ruleset;
}

const FORMS: Record<string, () => Ruleset> = {
  'iptables-save': () => parsed(read('docker-host.save'), 'docker-host.save'),
  'iptables -L -n -v -x --line-numbers (filter + nat)': () =>
    mergeRulesets([
      parsed(read('docker-host.filter.Lnvx-line-numbers.txt'), 'filter.txt'),
      parsed(read('docker-host.nat.Lnvx-line-numbers.txt'), 'nat.txt'),
    ]),
  'a pasted terminal transcript (iptables -t filter -L -n -v, iptables -t nat -L -n -v)': () =>
    parsed(read('docker-host.transcript.txt'), 'transcript.txt'),
};

const host = checkHostModel(JSON.parse(readFileSync(join(REPO_ROOT, 'rulesets/hosts/docker-host.json'), 'utf8'))).host!;

const packet = (f: Partial<Packet>): Packet => ({
  family: 4, in: 'eth0', src: '198.51.100.7', dst: '192.0.2.10', proto: 6, sport: 40000, dport: 80,
  tcpFlags: ['SYN'], state: 'NEW', ctDir: 'ORIGINAL', mark: 0, length: 60, ttl: 64, ...f,
});

for (const [form, load] of Object.entries(FORMS)) {
  describe(`Docker 20.10 host, as ${form}`, () => {
    const ruleset = load();
    const trace = (p: Packet) => evaluatePacket(ruleset, p, { host });

    it('container to the internet: forwarded and masqueraded', () => {
      const t = trace(packet({ in: 'docker0', physdevIn: 'veth0a1b2c3', src: '172.17.0.2', sport: 45000, dst: '93.184.216.34', dport: 443 }));
      expect(t).toMatchObject({ verdict: 'ACCEPT', path: 'forward', egress: 'eth0' });
      expect(t.packet).toMatchObject({ src: '192.0.2.10', dst: '93.184.216.34' });
      expect(t.steps.find((s) => s.target === 'MASQUERADE')).toMatchObject({ table: 'nat', chain: 'POSTROUTING', rule: 1 });
    });

    it('the reply comes back to the container through conntrack', () => {
      const out = packet({ in: 'docker0', physdevIn: 'veth0a1b2c3', src: '172.17.0.2', sport: 45000, dst: '93.184.216.34', dport: 443 });
      const { traces } = evaluateFlow(ruleset, [{ kind: 'packet', packet: out }, { kind: 'reply', to: 0 }], { host });
      expect(traces[1]).toMatchObject({ verdict: 'ACCEPT', path: 'forward', egress: 'docker0' });
      expect(traces[1].packet).toMatchObject({ src: '93.184.216.34', dst: '172.17.0.2', dport: 45000 });
      expect(traces[1].steps.find((s) => s.match === 'yes' && s.target === 'ACCEPT')).toMatchObject({ chain: 'FORWARD', rule: 3 });
    });

    it('container to container on the bridge: accepted by -i docker0 -o docker0', () => {
      const t = trace(packet({ in: 'docker0', physdevIn: 'veth0a1b2c3', src: '172.17.0.2', dst: '172.17.0.3', proto: 17, dport: 53, tcpFlags: undefined }));
      expect(t).toMatchObject({ verdict: 'ACCEPT', path: 'forward', egress: 'docker0' });
      expect(t.steps.filter((s) => s.match === 'yes' && s.hook === 'FORWARD').pop()).toMatchObject({ chain: 'FORWARD', rule: 6, target: 'ACCEPT' });
    });

    it('the internet straight to a container address: accepted by the DOCKER chain (reachable when routed)', () => {
      const t = trace(packet({ dst: '172.17.0.2', dport: 80 }));
      expect(t).toMatchObject({ verdict: 'ACCEPT', path: 'forward', egress: 'docker0' });
      expect(t.steps.filter((s) => s.match === 'yes' && s.hook === 'FORWARD').pop()).toMatchObject({ chain: 'DOCKER', rule: 1 });
    });

    it('the internet to the host: INPUT decides', () => {
      expect(trace(packet({ dport: 443 }))).toMatchObject({ verdict: 'ACCEPT', path: 'input', egress: null });
      // SSH is limited to 5/min: within the limit it is accepted, beyond it rejected by rule 9.
      const ssh = trace(packet({ dport: 22 }));
      expect(ssh.verdict).toBe('UNDECIDED');
      expect(ssh.outcomes?.map((o) => o.verdict).sort()).toEqual(['ACCEPT', 'REJECT']);
    });

    it('a container to the host: nat DOCKER returns for docker0, INPUT decides', () => {
      const t = trace(packet({ in: 'docker0', src: '172.17.0.2', dst: '172.17.0.1', dport: 443 }));
      expect(t).toMatchObject({ verdict: 'ACCEPT', path: 'input' });
      expect(t.steps.find((s) => s.chain === 'DOCKER' && s.table === 'nat')).toMatchObject({ rule: 1, match: 'yes', target: 'RETURN' });
    });

    it('the host to a container: OUTPUT, out of docker0, not masqueraded', () => {
      const t = trace(packet({ in: null, src: '172.17.0.1', dst: '172.17.0.2', dport: 80 }));
      expect(t).toMatchObject({ verdict: 'ACCEPT', path: 'output', egress: 'docker0' });
      expect(t.packet.src).toBe('172.17.0.1');
    });

    it('a published port from outside: DNAT in PREROUTING, then FORWARD; INPUT never sees it', () => {
      const t = trace(packet({ dport: 8080 }));
      expect(t).toMatchObject({ verdict: 'ACCEPT', path: 'forward', egress: 'docker0' });
      expect(t.packet).toMatchObject({ dst: '172.17.0.2', dport: 80 });
      expect(t.steps.some((s) => s.hook === 'INPUT')).toBe(false);
      expect(t.steps.find((s) => s.target === 'DNAT')).toMatchObject({ table: 'nat', chain: 'DOCKER', rule: 3 });
    });

    it('a published port from the host itself: DNAT in nat OUTPUT', () => {
      const t = trace(packet({ in: null, src: '192.0.2.10', dst: '192.0.2.10', dport: 8080 }));
      expect(t).toMatchObject({ verdict: 'ACCEPT', path: 'output', egress: 'docker0' });
      expect(t.packet).toMatchObject({ dst: '172.17.0.2', dport: 80 });
    });

    it("a published port from another container: no DNAT for docker0, so INPUT rejects it", () => {
      const t = trace(packet({ in: 'docker0', src: '172.17.0.3', dst: '192.0.2.10', dport: 8080 }));
      expect(t).toMatchObject({ verdict: 'REJECT', path: 'input' });
      expect(t.steps.filter((s) => s.match === 'yes').pop()).toMatchObject({ chain: 'INPUT', rule: 9, target: 'REJECT' });
    });
  });
}
