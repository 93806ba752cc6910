import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { generateKubeProxy } from '../../rulesets/gen/kube-proxy.js';
import { DEFER_RULES_MIN_BYTES } from '../../src/cli/input.js';
import { parseRuleset } from '../../src/ast/parse.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';

const DOCKER = join(REPO_ROOT, 'rulesets/docker-20.10.save');

describe('netfate fmt', () => {
  it('prints canonical save text that parses back to the same text', async () => {
    const first = await runCli(['fmt', '-q', DOCKER]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^\*filter\n:INPUT DROP \[0:0\]\n/);
    expect(first.stdout).toContain('-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80');
    const second = await runCli(['fmt', '-q', '-'], first.stdout);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  it('reports a bad rule as FILE:LINE:COL and exits 2 without a stack trace', async () => {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.300 -j ACCEPT\nCOMMIT\n';
    const run = await runCli(['fmt', '-'], text);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/stdin:3:13: host\/network `10\.0\.0\.300' not found/);
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(run.stdout).toBe('');
  });

  it('rejects a rule for a chain that does not exist', async () => {
    const run = await runCli(['fmt', '-'], '*filter\n:INPUT ACCEPT [0:0]\n-A NOPE -j ACCEPT\nCOMMIT\n');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/:3:4: Couldn't load rule: chain `NOPE' does not exist/);
  });

  it('exits 2 on a missing file and on an unknown flag', async () => {
    expect((await runCli(['fmt', '/nonexistent/rules'])).code).toBe(2);
    expect((await runCli(['fmt', '--no-such-flag', DOCKER])).code).toBe(2);
  });
});

describe('netfate parse', () => {
  it('prints the AST as JSON with spans', async () => {
    const run = await runCli(['parse', '-q', DOCKER]);
    expect(run.code).toBe(0);
    const ast = JSON.parse(run.stdout);
    expect(ast.type).toBe('Ruleset');
    expect(ast.tables.map((t: { name: string }) => t.name)).toEqual(['filter', 'nat']);
    const input = ast.tables[0].chains.find((c: { name: string }) => c.name === 'INPUT');
    expect(input.policy).toBe('DROP');
    expect(input.rules[0].span.line).toBe(12);
    expect(input.rules[0].number).toBe(1);
  });

  it('prints ruleset text inert: control characters cannot reach the terminal', async () => {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n:EVIL\x1b[2J - [0:0]\n-A INPUT -j EVIL\x1b[2J\nCOMMIT\n';
    const json = await runCli(['parse', '-q', '-'], text);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toContain('\x1b');
    const summary = await runCli(['parse', '--format', 'text', '-q', '-'], text);
    expect(summary.stdout).not.toContain('\x1b');
    expect(summary.stdout).toContain('EVIL\\x1b[2J');
  });

  it('warns about noise lines with their line number and keeps going', async () => {
    const text = 'root@host:~# iptables-save\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n';
    const run = await runCli(['parse', '--format', 'text', '-'], text);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/stdin:1:1: warning: prompt line ignored/);
    expect(run.stdout).toContain('INPUT policy ACCEPT: 1 rules');
  });
});

describe('the built binary', () => {
  it('runs with node and never prints a stack trace on bad input', () => {
    const bin = join(REPO_ROOT, 'dist/src/cli/main.js');
    const result = spawnSync(process.execPath, [bin, 'fmt', '-'], {
      input: '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT --bogus\nCOMMIT\n',
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^-:3:\d+: /m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('npm start (netfate demo)', () => {
  it('lints the bundled Docker host and traces the published port past INPUT', async () => {
    const run = await runCli(['demo']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('docker/published-port-bypasses-input');
    expect(run.stdout).toContain('Verdict: ACCEPT  (path forward, out docker0)');
  });
});

describe('netfate trace on a large ruleset', () => {
  // Over DEFER_RULES_MIN_BYTES: chains are read as the packet reaches them.
  const text = generateKubeProxy({ services: 800, seed: 5 });
  const portal = /^-A KUBE-SERVICES -d (\S+)\/32 -p tcp .* --dport (\d+) -j KUBE-SVC-/m.exec(text.slice(text.indexOf('*nat')))!;
  const args = ['--in', 'eth0', '--src', '192.0.2.7', '--dst', portal[1], '--proto', 'tcp', '--dport', portal[2], '--format', 'json'];
  const file = (body: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'netfate-large-'));
    writeFileSync(join(dir, 'kp.save'), body);
    return join(dir, 'kp.save');
  };

  it('prints the trace an eager parse gives, and says how many rules it did not read', async () => {
    expect(text.length).toBeGreaterThan(DEFER_RULES_MIN_BYTES);
    const run = await runCli(['trace', file(text), ...args]);
    expect(run.code).toBe(0);
    const packet = { family: 4 as const, in: 'eth0', src: '192.0.2.7', dst: portal[1], proto: 6, sport: 40000, dport: Number(portal[2]), tcpFlags: ['SYN' as const], state: 'NEW' as const, ctDir: 'ORIGINAL' as const, mark: 0, length: 60, ttl: 64 };
    const eager = evaluatePacket(parseRuleset(text, { file: 'x' }).ruleset, packet);
    const printed = JSON.parse(run.stdout);
    expect(printed.verdict).toBe(eager.verdict);
    expect(printed.steps.map((s: { chain: string; rule: number | null; line: number | null; match: string }) => `${s.chain} ${s.rule} ${s.line} ${s.match}`)).toEqual(
      eager.steps.map((s) => `${s.chain} ${s.rule} ${s.line} ${s.match}`),
    );
    expect(run.stderr).toMatch(/note: .*kp\.save is large: its chains were read as the packet reached them, and [\d,]+ rules were not read/);
  });

  it('exits 2 on an error in a chain the packet reaches, and not on one elsewhere', async () => {
    // A bad rule first in nat KUBE-SERVICES, which every new connection to a service walks.
    const nat = text.indexOf('*nat');
    const reached = text.slice(0, nat) + text.slice(nat).replace(/^(-A KUBE-SERVICES -d )/m, '-A KUBE-SERVICES -s 10.0.0.300 -j RETURN\n$1');
    const bad = await runCli(['trace', file(reached), ...args]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/kp\.save:\d+:\d+: host\/network `10\.0\.0\.300' not found/);
    // The same rule in a chain no packet reaches.
    const elsewhere = text.replace(/^COMMIT$/m, ':UNUSED - [0:0]\n-A UNUSED -s 10.0.0.300 -j RETURN\nCOMMIT');
    const ok = await runCli(['trace', file(elsewhere), ...args]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).not.toContain('10.0.0.300');
    expect((await runCli(['parse', '-q', file(elsewhere)])).code).toBe(2);
  });

  it('step reads whole the chains it shows: an error after the packet\'s rule exits 2 there, not in trace', async () => {
    // A bad rule last in nat KUBE-SERVICES: the walk leaves the chain at the service's rule
    // (its DNAT ends the nat table), so a trace never reads it; step shows the chain whole.
    const nat = text.indexOf('*nat');
    const lastService = text.lastIndexOf('\n-A KUBE-SERVICES ');
    expect(lastService).toBeGreaterThan(nat);
    const lineEnd = text.indexOf('\n', lastService + 1);
    const after = text.slice(0, lineEnd) + '\n-A KUBE-SERVICES -s 10.0.0.300 -j RETURN' + text.slice(lineEnd);
    expect((await runCli(['trace', file(after), ...args])).code).toBe(0);
    // Not a terminal: step prints the trace instead of the UI, after reading what the UI would show.
    const step = await runCli(['step', file(after), ...args]);
    expect(step.code).toBe(2);
    expect(step.stderr).toMatch(/kp\.save:\d+:\d+: host\/network `10\.0\.0\.300' not found/);
  });
});
