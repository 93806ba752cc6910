/**
 * `-m addrtype` (revision 1) as xt_addrtype decides it.
 *
 * IPv4: the address has exactly one type, inet_dev_addr_type's answer: BROADCAST for 0.0.0.0/8
 * and 255.255.255.255, MULTICAST for 224.0.0.0/4, otherwise what the local routing table says
 * (LOCAL for this host's addresses and all of 127.0.0.0/8, BROADCAST for the broadcast address
 * of each of its prefixes shorter than /31), and UNICAST for every other address, routable or
 * not: the lookup never consults the main table. With `--limit-iface-in/out` a local-table
 * entry counts only when it belongs to that interface; otherwise the address reads as UNICAST.
 * The rule matches when the type is one of those listed (`!` per option).
 *
 * IPv6 is a different test (match_type6): each listed class is a requirement (MULTICAST needs a
 * multicast address, UNICAST a unicast one, UNSPEC `::`), and when LOCAL, ANYCAST or
 * UNREACHABLE is listed, a route lookup must yield one of them.
 */
import { isAddrtypeMatch, type AddressType, type AddrtypeOptions } from '../../ast/modules/match/addrtype.js';
import type { Negatable } from '../../ast/types.js';
import type { HostModel } from '../types.js';
import type { MatchEnv } from '../state.js';
import { route, withLoopback } from '../host.js';
import { addressBytes, inPrefix, parseCidr, type AddressBytes } from '../../net/ip.js';
import { all, hitUnless, may, NO, registerTyped, YES } from './common.js';
import type { MatchResult } from './index.js';

interface OwnAddress {
  readonly iface: string;
  readonly bytes: AddressBytes;
  readonly prefix: number;
}

/** Addresses of interfaces that are up, as the kernel's local table holds them. */
export function ownAddresses(host: HostModel, family: 4 | 6): OwnAddress[] {
  const out: OwnAddress[] = [];
  for (const iface of withLoopback(host).interfaces) {
    if (iface.up === false) continue;
    for (const text of iface.addresses) {
      const c = parseCidr(text);
      if (c && c.family === family) out.push({ iface: iface.name, bytes: c.bytes, prefix: c.prefix });
    }
  }
  return out;
}

function same(a: AddressBytes, b: AddressBytes): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function isSubnetBroadcast(addr: AddressBytes, own: OwnAddress): boolean {
  if (own.prefix >= 31 || !inPrefix(addr, own.bytes, own.prefix)) return false;
  for (let bit = own.prefix; bit < 32; bit++) if (!(addr[bit >> 3] & (0x80 >> (bit & 7)))) return false;
  return true;
}

/** inet_dev_addr_type; null when the answer needs a host model that was not given. */
export function ipv4AddressType(addr: AddressBytes, dev: string | null, env: MatchEnv): AddressType | null {
  if (addr[0] === 0 || addr.every((b) => b === 255)) return 'BROADCAST';
  if (addr[0] >= 224 && addr[0] <= 239) return 'MULTICAST';
  // The local table's `local 127.0.0.0/8 dev lo` entry exists on every host.
  if (addr[0] === 127) return dev === null || dev === 'lo' ? 'LOCAL' : 'UNICAST';
  if (!env.hostKnown) return null;
  const own = ownAddresses(env.host, 4);
  const local = own.find((a) => same(a.bytes, addr));
  if (local) return dev === null || dev === local.iface ? 'LOCAL' : 'UNICAST';
  const bcast = own.find((a) => isSubnetBroadcast(addr, a));
  if (bcast) return dev === null || dev === bcast.iface ? 'BROADCAST' : 'UNICAST';
  return 'UNICAST';
}

function ipv4Test(addrText: string, sel: Negatable<readonly AddressType[]>, dev: string | null, env: MatchEnv, what: string): MatchResult {
  const addr = addressBytes(addrText);
  if (!addr || addr.length !== 4) return may(`the ${what} address is not an IPv4 address`);
  const type = ipv4AddressType(addr, dev, env);
  if (type === null) return may(`without a host model, whether ${addrText} is this host's (LOCAL, BROADCAST) or UNICAST is not known`);
  return hitUnless(sel.value.includes(type), sel.negated);
}

/** ipv6_addr_type's classes that match_type6 looks at. */
function ipv6Class(addr: AddressBytes): 'multicast' | 'any' | 'mapped' | 'unicast' {
  if (addr[0] === 0xff) return 'multicast';
  if (addr.slice(0, 10).every((b) => b === 0)) {
    if (addr[10] === 0 && addr[11] === 0 && addr.slice(12).every((b) => b === 0)) return 'any';
    if (addr[10] === 0xff && addr[11] === 0xff) return 'mapped';
  }
  return 'unicast';
}

/** match_lookup_rt6: the LOCAL/ANYCAST/UNREACHABLE bits a route lookup yields; null when unknown. */
function ipv6Lookup(addrText: string, addr: AddressBytes, dev: string | null, asksLocal: boolean, env: MatchEnv): Set<AddressType> | string {
  const loopback = addr.slice(0, 15).every((b) => b === 0) && addr[15] === 1;
  if (!env.hostKnown && !loopback) return `without a host model, the route to ${addrText} is not known`;
  // The kernel has an ff00::/8 route on every IPv6 interface; the host model lists none.
  if (addr[0] === 0xff) return `the routes of multicast ${addrText} are not in the host model`;
  const own = ownAddresses(env.host, 6);
  const types = new Set<AddressType>();
  // With an interface, LOCAL comes from the address being configured on that interface.
  if (dev !== null && asksLocal && own.some((a) => a.iface === dev && same(a.bytes, addr))) types.add('LOCAL');
  const r = route(env.host, addrText);
  if (!r.local && r.dev === null) return new Set<AddressType>(['UNREACHABLE']);
  if (dev === null && r.local) types.add('LOCAL');
  // A router adds the subnet-router anycast address (host bits zero) of each of its prefixes.
  if (own.some((a) => a.prefix < 127 && inPrefix(addr, a.bytes, a.prefix) && isNetworkAddress(addr, a.prefix))) {
    return `whether ${addrText} is a subnet-router anycast address depends on forwarding`;
  }
  return types;
}

function isNetworkAddress(addr: AddressBytes, prefix: number): boolean {
  for (let bit = prefix; bit < addr.length * 8; bit++) if (addr[bit >> 3] & (0x80 >> (bit & 7))) return false;
  return true;
}

function ipv6Test(addrText: string, sel: Negatable<readonly AddressType[]>, dev: string | null, env: MatchEnv, what: string): MatchResult {
  const addr = addressBytes(addrText);
  if (!addr || addr.length !== 16) return may(`the ${what} address is not an IPv6 address`);
  const mask = new Set(sel.value);
  const cls = ipv6Class(addr);
  const fails =
    (mask.has('MULTICAST') && cls !== 'multicast') || (mask.has('UNICAST') && cls !== 'unicast') || (mask.has('UNSPEC') && cls !== 'any');
  if (fails) return hitUnless(false, sel.negated);
  if (!mask.has('LOCAL') && !mask.has('ANYCAST') && !mask.has('UNREACHABLE')) return hitUnless(true, sel.negated);
  const found = ipv6Lookup(addrText, addr, dev, mask.has('LOCAL'), env);
  if (typeof found === 'string') return may(found);
  return hitUnless([...found].some((t) => mask.has(t)), sel.negated);
}

export function evaluateAddrtype(o: AddrtypeOptions, env: MatchEnv): MatchResult {
  const p = env.packet;
  // An empty interface name is the kernel's NULL device: no limit.
  const dev = o.limitIfaceIn ? p.inIface || null : o.limitIfaceOut ? p.outIface || null : null;
  const test = p.family === 4 ? ipv4Test : ipv6Test;
  const src = o.srcType ? test(p.src, o.srcType, dev, env, 'source') : YES;
  if (src.result === 'no') return NO;
  return all([src, o.dstType ? test(p.dst, o.dstType, dev, env, 'destination') : YES]);
}

registerTyped('addrtype', isAddrtypeMatch, evaluateAddrtype);
