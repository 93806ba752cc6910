/**
 * iptables in network namespaces of our own: what the kernel suite and the bench use to ask the
 * kernel about a ruleset without touching the host's. Every command is an argument array
 * (no shell); every namespace this creates is deleted again by its owner (`dispose`).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import type { Family } from '../src/ast/types.js';

export interface Tools {
  readonly restore: string;
  readonly save: string;
}

export function iptablesTools(family: Family): Tools {
  return family === 6
    ? { restore: 'ip6tables-restore', save: 'ip6tables-save' }
    : { restore: 'iptables-restore', save: 'iptables-save' };
}

/** Why the kernel cannot be asked here, or null when it can (root, `ip`, iptables on the nft backend). */
export function kernelUnavailableReason(): string | null {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root';
  const ip = spawnSync('ip', ['-V'], { encoding: 'utf8' });
  if (ip.error) return '`ip` (iproute2) not found';
  const ipt = spawnSync('iptables', ['--version'], { encoding: 'utf8' });
  if (ipt.error) return '`iptables` not found';
  // netfate models the nft backend that current distributions ship; the legacy one prints some
  // things differently (table order, some extensions), so its output is no oracle for us.
  if (!/nf_tables/.test(ipt.stdout)) return `iptables is not the nft backend: ${ipt.stdout.trim()}`;
  for (const tool of ['iptables-restore', 'ip6tables-restore', 'iptables-save', 'ip6tables-save']) {
    if (spawnSync(tool, ['--version']).error) return `\`${tool}\` not found`;
  }
  return null;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function result(r: SpawnSyncReturns<string>): RunResult {
  // iptables-restore stops reading at the first line it refuses; the rest of our write then
  // fails with EPIPE, which is no failure of ours: its exit status and message say what happened.
  const brokenPipe = (r.error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' && r.status !== null;
  if (r.error && !brokenPipe) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let sequence = 0;

/** A network namespace that exists until `dispose()`. */
export class Netns {
  private disposed = false;

  private constructor(readonly name: string) {}

  /** Creates `netfate-<purpose>-<pid>-<n>`; the pid keeps parallel runs apart. */
  static create(purpose: string): Netns {
    const name = `netfate-${purpose}-${process.pid}-${sequence++}`;
    const r = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`ip netns add ${name}: ${r.stderr.trim()}`);
    return new Netns(name);
  }

  /** Runs `argv` inside the namespace, with `input` on its stdin. */
  exec(argv: readonly string[], input?: string): RunResult {
    return result(
      spawnSync('ip', ['netns', 'exec', this.name, ...argv], {
        input,
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      }),
    );
  }

  /** `iptables-restore [-c] [--test]` of `text`. */
  restore(family: Family, text: string, opts: { counters?: boolean; test?: boolean } = {}): RunResult {
    const args = [iptablesTools(family).restore];
    if (opts.counters) args.push('--counters');
    if (opts.test) args.push('--test');
    return this.exec(args, text);
  }

  /** `iptables-save [-c]` without its `#` lines (they carry a date). */
  save(family: Family, opts: { counters?: boolean } = {}): RunResult {
    const args = [iptablesTools(family).save];
    if (opts.counters) args.push('--counters');
    const r = this.exec(args);
    return { ...r, stdout: withoutCommentLines(r.stdout) };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    spawnSync('ip', ['netns', 'delete', this.name]);
  }
}

export function withoutCommentLines(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
}

/** Runs `use` with a fresh namespace, deleted afterwards whatever happens. */
export function withNetns<T>(purpose: string, use: (ns: Netns) => T): T {
  const ns = Netns.create(purpose);
  try {
    return use(ns);
  } finally {
    ns.dispose();
  }
}
