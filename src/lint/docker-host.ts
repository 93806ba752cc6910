/**
 * The host a Docker finding is decided on: the `--host` model when given, else one built from the
 * ruleset (an external interface `eth0`, every Docker bridge with the first address of its subnet,
 * forwarding on) with the assumptions spelled out for the message.
 */
import type { HostInterface, HostModel, HostRoute, Packet } from '../eval/types.js';
import { addressBytes, bytesToText } from '../net/ip.js';
import type { DockerLayout } from './docker-era.js';

export interface DockerHost {
  readonly host: HostModel;
  /** Interface packets from outside arrive on. */
  readonly external: string;
  readonly externalAddress: string;
  /** What was assumed, as a clause for messages ('' when --host decided everything). */
  readonly assumed: string;
}

const DOC_ADDRESS: Readonly<Record<4 | 6, { address: string; prefix: number; remote: string }>> = {
  4: { address: '192.0.2.2', prefix: 24, remote: '203.0.113.7' },
  6: { address: '2001:db8::2', prefix: 64, remote: '2001:db8:ffff::7' },
};

export function remoteAddress(family: 4 | 6): string {
  return DOC_ADDRESS[family].remote;
}

function firstHost(address: string): string | null {
  const bytes = addressBytes(address);
  if (!bytes) return null;
  const next = [...bytes];
  next[next.length - 1] += 1;
  return bytesToText(next);
}

export function dockerHost(layout: DockerLayout, given: HostModel | undefined): DockerHost | null {
  const family = layout.family;
  if (given) {
    const ext = given.interfaces.find(
      (i) => i.name !== 'lo' && !i.bridge && !i.master && i.up !== false && i.addresses.some((a) => (a.includes(':') ? 6 : 4) === family),
    );
    const addr = ext?.addresses.find((a) => (a.includes(':') ? 6 : 4) === family)?.split('/')[0];
    if (!ext || !addr) return null;
    return { host: given, external: ext.name, externalAddress: addr, assumed: '' };
  }
  const doc = DOC_ADDRESS[family];
  // A port published on a specific address (DNAT `-d A`) means A is one of this host's addresses.
  const bound = layout.published
    .map((p) => p.hostAddress)
    .filter((a) => a && !a.negated && a.value.prefix === (family === 4 ? 32 : 128) && !a.value.address.startsWith('127.') && a.value.address !== '::1')
    .map((a) => `${a!.value.address}/${a!.value.prefix}`);
  const interfaces: HostInterface[] = [{ name: 'eth0', addresses: [`${doc.address}/${doc.prefix}`, ...new Set(bound)] }];
  const routes: HostRoute[] = [{ dst: 'default', dev: 'eth0', via: family === 4 ? '192.0.2.1' : '2001:db8::1' }];
  for (const b of layout.bridges.values()) {
    if (!b.subnet || b.subnet.prefix === null) continue;
    const gw = firstHost(b.subnet.address);
    if (!gw) continue;
    interfaces.push({ name: b.name, addresses: [`${gw}/${b.subnet.prefix}`], bridge: true });
    routes.push({ dst: `${b.subnet.address}/${b.subnet.prefix}`, dev: b.name });
  }
  const sysctl: Record<string, number> = { [family === 4 ? 'net.ipv4.ip_forward' : 'net.ipv6.conf.all.forwarding']: 1 };
  return {
    host: { interfaces, routes, sysctl },
    external: 'eth0',
    externalAddress: doc.address,
    assumed: ` (assumed without --host: packets arrive on eth0 at ${doc.address}, Docker bridges as the ruleset names them, forwarding on)`,
  };
}

/** A new connection from a remote client to `dst:dport` arriving on the external interface. */
export function inboundPacket(dh: DockerHost, family: 4 | 6, proto: number, dst: string, dport: number): Packet {
  return {
    family,
    in: dh.external,
    src: remoteAddress(family),
    dst,
    proto,
    sport: 40000,
    dport,
    ...(proto === 6 ? { tcpFlags: ['SYN'] as const } : {}),
    state: 'NEW',
    ctDir: 'ORIGINAL',
    mark: 0,
    length: 60,
    ttl: 64,
  };
}
