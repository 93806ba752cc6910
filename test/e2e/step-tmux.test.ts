/**
 * `netfate step` end to end: the real CLI in a real terminal (tmux, 80x24), driven by key presses
 * and read back from the screen. tmux runs on a private socket, so no user session is touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HOST, TEXT } from '../tui/fixture.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CLI = join(ROOT, 'src/cli/main.ts');
const SOCKET = `netfate-e2e-${process.pid}`;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

let dir = '';
let rulesetFile = '';
let hostFile = '';
let sessions = 0;

/** Starts a shell command in a new 80x24 session; the pane stays after it exits, with its exit code. */
function start(command: string): string {
  const name = `s${++sessions}`;
  const script = `${command}; echo "netfate exited $?"; sleep 600`;
  tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', '-c', ROOT, 'sh', '-c', script);
  return name;
}

function screen(session: string): string {
  return tmux('capture-pane', '-p', '-t', session);
}

async function waitFor(session: string, what: RegExp | string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = screen(session);
    if (typeof what === 'string' ? last.includes(what) : what.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`screen never showed ${String(what)}; it shows:\n${last}`);
}

function keys(session: string, ...k: string[]): void {
  tmux('send-keys', '-t', session, ...k);
}

/** Presses `key` until the screen shows `text`, waiting each time for the step counter to move. */
async function pressUntil(session: string, key: string, text: string, most = 30): Promise<string> {
  for (let i = 0; i < most; i++) {
    const now = screen(session);
    if (now.includes(text)) return now;
    const counter = /step \d+\//.exec(now)?.[0] ?? '';
    keys(session, key);
    const deadline = Date.now() + 10_000;
    while (screen(session).includes(counter) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`screen never showed ${text}:\n${screen(session)}`);
}

const packetArgs = () => `--in eth0 --src 198.51.100.7 --dst 192.0.2.2 --dport 8080 --host ${quote(hostFile)}`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netfate-e2e-'));
  rulesetFile = join(dir, 'step.save');
  hostFile = join(dir, 'host.json');
  writeFileSync(rulesetFile, TEXT);
  writeFileSync(hostFile, JSON.stringify(HOST));
});

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tmux is there', () => {
  // CI must run the terminal tests; a developer machine without tmux skips them.
  it.runIf(process.env.CI === 'true')('in CI', () => {
    expect(hasTmux, 'tmux is not installed: apt-get install -y tmux').toBe(true);
  });
});

describe.skipIf(!hasTmux)('netfate step in an 80x24 terminal', () => {
  it('walks the packet with n, right, p, left and e, shows the verdict, and quits on q', async () => {
    const s = start(`${quote(TSX)} ${quote(CLI)} step ${quote(rulesetFile)} ${packetArgs()}`);
    // Keys typed before the UI owns the terminal would be echoed by the shell: wait for it first.
    const first = await waitFor(s, /step 1\/\d+/);
    const total = Number(/step 1\/(\d+)/.exec(first)![1]);
    expect(total).toBeGreaterThan(5);
    expect(first).toContain('mangle:PREROUTING');
    expect(first).toContain('rule 1 (line 7): -A PREROUTING -d 192.0.2.2/32 -p tcp -j MARK');
    expect(first).toContain('packet: tcp 198.51.100.7:40000 -> 192.0.2.2:8080');
    expect(first).not.toContain('verdict:');

    keys(s, 'n');
    await waitFor(s, `step 2/${total}`);
    keys(s, 'Right');
    await waitFor(s, `step 3/${total}`);
    keys(s, 'p');
    await waitFor(s, `step 2/${total}`);
    keys(s, 'Left');
    await waitFor(s, `step 1/${total}`);
    // Typed in one go, the way a held key arrives.
    keys(s, 'n', 'n', 'n');
    await waitFor(s, `step 4/${total}`);

    keys(s, 'e');
    const end = await waitFor(s, `step ${total}/${total}`);
    expect(end).toContain('verdict: UNDECIDED  (path input)');
    expect(end).toContain('UNDECIDED: the fate depends on matches');
    expect(end).toContain('n/right next');
    for (const line of end.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);

    keys(s, '?');
    await waitFor(s, 'step over: past the jumped-to chain');
    keys(s, 'Escape');
    await waitFor(s, 'verdict: UNDECIDED');

    keys(s, 'q');
    const after = await waitFor(s, 'netfate exited 0');
    // The UI ran on the alternate screen: leaving it restores the terminal as it was.
    expect(after).not.toContain('verdict: UNDECIDED');
  });

  it('steps over a jump with s and shows the call stack inside one', async () => {
    const s = start(`${quote(TSX)} ${quote(CLI)} step ${quote(rulesetFile)} ${packetArgs()}`);
    await waitFor(s, /step 1\/\d+/);
    await pressUntil(s, 'n', 'filter:INPUT  rule 2');
    expect(screen(s)).toContain('=> matched, target jump ssh');
    keys(s, 'n');
    const inside = await waitFor(s, 'filter:ssh  rule 1');
    expect(inside).toContain('stack: filter:INPUT #2 -> ssh');
    keys(s, 'p');
    await waitFor(s, 'filter:INPUT  rule 2');
    keys(s, 's');
    const over = await waitFor(s, 'filter:INPUT  rule 3');
    expect(over).toMatch(/^> 3 may -A INPUT -p tcp -m statistic/m);
    keys(s, 'q');
    await waitFor(s, 'netfate exited 0');
  });

  it('reads the ruleset from stdin and the keys from the terminal', async () => {
    const s = start(`cat ${quote(rulesetFile)} | ${quote(TSX)} ${quote(CLI)} step - ${packetArgs()}`);
    await waitFor(s, /step 1\/\d+/);
    keys(s, 'n');
    await waitFor(s, /step 2\/\d+/);
    keys(s, 'q');
    await waitFor(s, 'netfate exited 0');
  });
});

describe('netfate step without a terminal', () => {
  it('prints the text trace and says why, instead of waiting for keys', () => {
    const r = spawnSync(TSX, [CLI, 'step', rulesetFile, ...packetArgs().split(' ').map((a) => a.replace(/^'|'$/g, ''))], { cwd: ROOT, encoding: 'utf8', input: '' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('netfate: step: standard output is not a terminal; printing the trace instead');
    expect(r.stdout).toContain('Verdict: UNDECIDED');
    expect(r.stdout).toContain('-A INPUT -p tcp -j ssh');
  });

  it('refuses --packets and --flow (one packet at a time)', () => {
    const r = spawnSync(TSX, [CLI, 'step', rulesetFile, '--packets', hostFile], { cwd: ROOT, encoding: 'utf8', input: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('step walks one packet');
  });
});
