/**
 * Builds the host model from what `ip -j -d addr show` and `ip -j route show` print (pure: the
 * CLI runs the commands, this only reads their JSON).
 */
import type { HostInterface, HostModel, HostRoute } from './types.js';

interface IpAddrEntry {
  ifname?: string;
  operstate?: string;
  flags?: string[];
  master?: string;
  linkinfo?: { info_kind?: string; info_slave_kind?: string; info_slave_data?: { hairpin?: boolean } };
  addr_info?: { family?: string; local?: string; prefixlen?: number; scope?: string }[];
}

interface IpRouteEntry {
  dst?: string;
  dev?: string;
  gateway?: string;
  type?: string;
}

export function hostFromIpJson(addrJson: unknown, routeJson: unknown[], sysctl: Record<string, number | string>): HostModel {
  const interfaces: HostInterface[] = [];
  for (const raw of (Array.isArray(addrJson) ? addrJson : []) as IpAddrEntry[]) {
    if (!raw.ifname) continue;
    const addresses = (raw.addr_info ?? [])
      .filter((a) => a.local && a.prefixlen !== undefined && (a.family === 'inet' || a.family === 'inet6') && a.scope !== 'link')
      .map((a) => `${a.local}/${a.prefixlen}`);
    const up = !(raw.flags ?? []).includes('UP') ? false : undefined;
    interfaces.push({
      name: raw.ifname,
      addresses,
      ...(raw.linkinfo?.info_kind === 'bridge' ? { bridge: true } : {}),
      ...(up === false ? { up } : {}),
      ...(raw.master ? { master: raw.master } : {}),
      ...(raw.linkinfo?.info_slave_data?.hairpin ? { hairpin: true } : {}),
    });
  }
  const routes: HostRoute[] = [];
  for (const r of routeJson as IpRouteEntry[]) {
    if (!r.dst || !r.dev) continue;
    if (r.type && r.type !== 'unicast') continue;
    routes.push({ dst: r.dst, dev: r.dev, ...(r.gateway ? { via: r.gateway } : {}) });
  }
  return { interfaces, routes, sysctl };
}

/** The sysctls the evaluator reads. */
export const HOST_SYSCTLS = [
  'net.ipv4.ip_forward',
  'net.ipv6.conf.all.forwarding',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
  'net.ipv4.conf.all.route_localnet',
  'net.ipv4.conf.all.rp_filter',
] as const;
