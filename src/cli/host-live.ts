/**
 * `netfate host --live`: this host's model from `ip -j` (run without a shell) and /proc/sys.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostFromIpJson, HOST_SYSCTLS } from '../eval/host-from-ip.js';
import type { HostModel } from '../eval/types.js';
import { InputError } from './input.js';

function ipJson(args: string[]): unknown {
  const result = spawnSync('ip', ['-j', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.error || result.status !== 0) {
    throw new InputError(`host --live: \`ip ${['-j', ...args].join(' ')}\` failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new InputError(`host --live: \`ip ${args.join(' ')}\` did not print JSON`);
  }
}

export function liveHostModel(): HostModel {
  const addrs = ipJson(['-d', 'addr', 'show']);
  const routes = [...(ipJson(['-4', 'route', 'show']) as unknown[]), ...(ipJson(['-6', 'route', 'show']) as unknown[])];
  const sysctl: Record<string, number | string> = {};
  for (const name of HOST_SYSCTLS) {
    try {
      const value = readFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').trim();
      sysctl[name] = /^-?\d+$/.test(value) ? Number(value) : value;
    } catch {
      // Not present on this host (e.g. br_netfilter not loaded): leave it out.
    }
  }
  return hostFromIpJson(addrs, routes, sysctl);
}
