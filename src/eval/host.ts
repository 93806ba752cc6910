/**
 * The host model as the kernel's routing sees it: local addresses (the `local` table), connected
 * prefixes of every address, the configured routes, longest prefix first. `lo` is always there.
 */
import type { Family } from '../ast/types.js';
import type { HostInterface, HostModel, HostRoute } from './types.js';
import { addressBytes, bytesToText, inPrefix, ipv4BytesNumber, ipv4TextNumber, parseCidr, plainIpv4, type AddressBytes } from '../net/ip.js';

export interface RouteResult {
  /** The packet is for this host (delivered through INPUT). */
  readonly local: boolean;
  /** Egress interface; `lo` for local delivery of a locally generated packet. */
  readonly dev: string | null;
  readonly via?: string;
  /** Why there is no route, when `dev` is null. */
  readonly unreachable?: string;
}

const LOOPBACK: HostInterface = { name: 'lo', addresses: ['127.0.0.1/8', '::1/128'] };

/** No sysctl settings: the same object for every guessed host, so that asking about them is skipped. */
export const NO_SYSCTL: Readonly<Record<string, number | string>> = Object.freeze({});

/** A host that has only `lo`: what is known without a host model. */
export const EMPTY_HOST: HostModel = { interfaces: [LOOPBACK], routes: [], sysctl: {} };

export function withLoopback(host: HostModel): HostModel {
  if (host.interfaces.some((i) => i.name === 'lo')) return host;
  return { ...host, interfaces: [LOOPBACK, ...host.interfaces] };
}

export function sysctl(host: HostModel, name: string, fallback: number): number {
  const v = host.sysctl[name];
  if (v === undefined) return fallback;
  return typeof v === 'number' ? v : Number(v);
}

interface ParsedAddress {
  readonly iface: string;
  readonly bytes: AddressBytes;
  readonly prefix: number;
  readonly text: string;
  /** An IPv4 address as a number (ipv4BytesNumber); -1 for IPv6. */
  readonly ipv4: number;
}

interface Candidate {
  readonly bytes: AddressBytes;
  readonly prefix: number;
  readonly dev: string;
  readonly via?: string;
}

/** An IPv4 route candidate as numbers: the destination is in it when (dst & mask) === base. */
interface Ipv4Route {
  readonly base: number;
  readonly mask: number;
  readonly result: RouteResult;
}

/**
 * What routing needs of one host model, read once: its parsed addresses and route candidates,
 * IPv4 ones as numbers, and the answers given so far. A batch asks routing about every packet
 * several times (after PREROUTING, for the reverse path, for MASQUERADE's source), and a guessed
 * host is a new model per packet, so building this must be cheap and asking it cheaper.
 * Host models are readonly values, so a cache keyed by the object stays right.
 *
 * A host made by hostWithInterface is its base host and one more interface of host addresses
 * only: it asks the base's routing (whose answers many packets share) about every address but
 * those.
 */
export class HostRouting {
  // Made when first asked for: a guessed host (one per packet) asks its base for most things.
  private addresses4: ParsedAddress[] | null = null;
  private addresses6: ParsedAddress[] | null = null;
  private candidates4: Candidate[] | null = null;
  private candidates6: Candidate[] | null = null;
  private local4: Set<number> | null = null;
  private routes4: Ipv4Route[] | null = null;
  private results: Map<string, RouteResult> | null = null;

  /**
   * @param host the model with `lo` (withLoopback).
   * @param base for a host made by hostWithInterface: the base host's routing, and the added
   *   interface (last, up, only /32 and /128 addresses).
   */
  constructor(
    readonly host: HostModel,
    private readonly base: { readonly routing: HostRouting; readonly added: AddedAddresses } | null = null,
  ) {}

  addressesOf(family: Family): ParsedAddress[] {
    const base = this.base;
    // The added interface is the last one, so its addresses come last.
    const known = family === 4 ? this.addresses4 : this.addresses6;
    if (known !== null) return known;
    const made = base === null ? readAddresses(this.host, family) : base.routing.addressesOf(family).concat(base.added.byFamily[family]);
    if (family === 4) this.addresses4 = made;
    else this.addresses6 = made;
    return made;
  }

  candidatesOf(family: Family): Candidate[] {
    const known = family === 4 ? this.candidates4 : this.candidates6;
    if (known !== null) return known;
    const made = readCandidates(this.host, family, this.addressesOf(family));
    if (family === 4) this.candidates4 = made;
    else this.candidates6 = made;
    return made;
  }

  isLocal(addr: string): boolean {
    if (this.base !== null) return this.isAddedAddress(addr) || this.base.routing.isLocal(addr);
    const n = ipv4TextNumber(addr);
    if (n >= 0) return n >>> 24 === 127 || this.localIpv4().has(n);
    const bytes = addressBytes(addr);
    if (!bytes) return false;
    // The kernel's local table holds all of 127.0.0.0/8, not just 127.0.0.1.
    if (bytes.length === 4 && bytes[0] === 127) return true;
    return this.addressesOf(bytes.length === 4 ? 4 : 6).some((a) => a.bytes.length === bytes.length && a.bytes.every((b, i) => b === bytes[i]));
  }

  route(dst: string): RouteResult {
    // An IPv4 address is decided from its number at once (cheaper than a map of answers by text),
    // read once for this host and its base.
    const n = ipv4TextNumber(dst);
    if (n >= 0) return this.routeIpv4(n, dst);
    // A host address's own route (a /32 or /128) is never taken: the address is local first.
    if (this.base !== null) return this.isAddedAddress(dst) ? LOCAL_ROUTE : this.base.routing.route(dst);
    const results = (this.results ??= new Map());
    let r = results.get(dst);
    if (r === undefined) {
      r = this.decide(dst);
      if (results.size >= MAX_ROUTE_RESULTS) results.clear();
      results.set(dst, r);
    }
    return r;
  }

  /**
   * The source address the kernel picks on an interface (see sourceAddressFor). A guessed host's
   * addresses are read as its base's, then the added interface's, in place (the list of all of
   * them is not made); an IPv4 next hop is compared as a number.
   */
  sourceFor(dev: string, nextHop: string): string | null {
    const n = ipv4TextNumber(nextHop);
    const hop = n >= 0 ? null : addressBytes(nextHop);
    if (n < 0 && hop === null) return null;
    const family: Family = n >= 0 || hop!.length === 4 ? 4 : 6;
    const base = this.base;
    const lists = base === null ? [this.addressesOf(family)] : [base.routing.addressesOf(family), base.added.byFamily[family]];
    // inet_select_addr() wants a global-scope address (loopback addresses have host scope): one
    // of the device's whose prefix holds the next hop, else the device's first. With none on
    // the device (lo, say), the kernel takes the first global address of any device, in device
    // (ifindex) order, which is the order of the host model's interfaces.
    let firstOwn: ParsedAddress | null = null;
    let firstGlobal: ParsedAddress | null = null;
    for (const list of lists) {
      for (const a of list) {
        if (a.ipv4 >= 0 ? a.ipv4 >>> 24 === 127 : isLoopbackBytes(a.bytes)) continue;
        firstGlobal ??= a;
        if (a.iface !== dev) continue;
        if (hop === null ? holdsIpv4(a, n) : inPrefix(hop, a.bytes, a.prefix)) return a.text;
        firstOwn ??= a;
      }
    }
    return (firstOwn ?? firstGlobal)?.text ?? null;
  }

  private routeIpv4(n: number, dst: string): RouteResult {
    if (this.base !== null) return this.base.added.ipv4.includes(n) ? LOCAL_ROUTE : this.base.routing.routeIpv4(n, dst);
    if (n >>> 24 === 127 || this.localIpv4().has(n)) return LOCAL_ROUTE;
    // Longest prefix first, and the first of equal prefixes, as the kernel's FIB picks.
    for (const r of (this.routes4 ??= this.readIpv4Routes())) if (((n & r.mask) >>> 0) === r.base) return r.result;
    return Object.freeze({ local: false, dev: null, unreachable: `no route to ${dst}` });
  }

  /** Whether the address is one of the added interface's (hostWithInterface). */
  private isAddedAddress(addr: string): boolean {
    const added = this.base!.added;
    if (added.ipv4.length === 0 && added.byFamily[6].length === 0) return false;
    const n = ipv4TextNumber(addr);
    if (n >= 0) return added.ipv4.includes(n);
    const bytes = addressBytes(addr);
    if (bytes === null) return false;
    return added.byFamily[bytes.length === 4 ? 4 : 6].some((a) => a.bytes.length === bytes.length && a.bytes.every((b, i) => b === bytes[i]));
  }

  /** Routing for any address but a plain IPv4 one (route decides those from their number). */
  private decide(dst: string): RouteResult {
    const bytes = addressBytes(dst);
    if (!bytes) return Object.freeze({ local: false, dev: null, unreachable: `not an address: ${dst}` });
    if (this.isLocal(dst)) return LOCAL_ROUTE;
    let best: Candidate | null = null;
    for (const c of this.candidatesOf(bytes.length === 4 ? 4 : 6)) {
      if (!inPrefix(bytes, c.bytes, c.prefix)) continue;
      if (!best || c.prefix > best.prefix) best = c;
    }
    if (!best) return Object.freeze({ local: false, dev: null, unreachable: `no route to ${dst}` });
    return Object.freeze({ local: false, dev: best.dev, via: best.via });
  }

  private localIpv4(): Set<number> {
    if (this.local4 === null) {
      this.local4 = new Set();
      for (const a of this.addressesOf(4)) this.local4.add(ipv4BytesNumber(a.bytes));
    }
    return this.local4;
  }

  private readIpv4Routes(): Ipv4Route[] {
    const routes: (Ipv4Route & { prefix: number })[] = this.candidatesOf(4).map((c) => {
      const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
      return { base: (ipv4BytesNumber(c.bytes) & mask) >>> 0, mask, prefix: c.prefix, result: Object.freeze({ local: false, dev: c.dev, via: c.via }) };
    });
    // A stable sort keeps the first of equal prefixes first.
    return routes.sort((a, b) => b.prefix - a.prefix);
  }
}

const MAX_ROUTE_RESULTS = 4096;
const LOCAL_ROUTE: RouteResult = Object.freeze({ local: true, dev: 'lo' });

/**
 * The routing of the last few host models asked about, round robin. An evaluation asks about
 * one host many times, and a guessed host (no --host) is new for each packet: a weak map would
 * hold an entry per packet of a batch, which every young garbage collection visits. A host
 * asked about after four others is read again, which gives the same answers.
 */
const RECENT_HOSTS = 4;
const recentHosts: (HostModel | null)[] = new Array<HostModel | null>(RECENT_HOSTS).fill(null);
const recentRoutings: (HostRouting | null)[] = new Array<HostRouting | null>(RECENT_HOSTS).fill(null);
let nextHostSlot = 0;

function routingOf(host: HostModel): HostRouting {
  for (let i = 0; i < RECENT_HOSTS; i++) if (recentHosts[i] === host) return recentRoutings[i]!;
  const routing = new HostRouting(withLoopback(host));
  remembered(host, routing);
  return routing;
}

/** The host, its routing kept among the recent ones (see routingOf). */
function remembered(host: HostModel, routing: HostRouting): HostModel {
  recentHosts[nextHostSlot] = host;
  recentRoutings[nextHostSlot] = routing;
  nextHostSlot = (nextHostSlot + 1) % RECENT_HOSTS;
  return host;
}

/** A host model with its routing, kept by whoever makes many hosts from it (hostWithInterface). */
export interface RoutedHost {
  readonly host: HostModel;
  readonly routing: HostRouting;
}

export function routedHost(host: HostModel): RoutedHost {
  const withLo = withLoopback(host);
  return { host: withLo, routing: new HostRouting(withLo) };
}

/**
 * The base host and one more interface, last, that holds only host addresses (/32, /128): a
 * guessed host, which differs from packet to packet by such an address. Its routing asks the
 * base's, so what routing reads and decides of the base is shared by every host made from it.
 */
export function hostWithInterface(base: RoutedHost, added: HostInterface): HostModel {
  const host = withInterface(base, added);
  const byFamily = { 4: interfaceAddresses(added, 4), 6: interfaceAddresses(added, 6) };
  const hostAddress = (a: ParsedAddress): boolean => a.prefix === a.bytes.length * 8;
  const hostAddressesOnly =
    added.up !== false && byFamily[4].length + byFamily[6].length === added.addresses.length && byFamily[4].every(hostAddress) && byFamily[6].every(hostAddress);
  const routing = hostAddressesOnly
    ? new HostRouting(host, { routing: base.routing, added: { byFamily, ipv4: byFamily[4].map((a) => ipv4BytesNumber(a.bytes)) } })
    : new HostRouting(host);
  return remembered(host, routing);
}

/** The base host with one more interface, last. */
function withInterface(base: RoutedHost, added: HostInterface): HostModel {
  return { interfaces: [...base.host.interfaces, added], routes: base.host.routes, sysctl: base.host.sysctl };
}

const NO_ADDRESSES: readonly ParsedAddress[] = Object.freeze([]);
const NO_NUMBERS: readonly number[] = Object.freeze([]);

/**
 * hostWithInterface for an interface with one plain IPv4 host address (`a.b.c.d/32`, given as
 * its text, which ipv4TextNumber reads as `n`), or none: what a guessed host adds for each
 * packet of a batch. The address is not written out and read back, and nothing is made for
 * IPv6; the host and its routing are as hostWithInterface makes them.
 */
export function hostWithIpv4Address(base: RoutedHost, name: string, address: string | null, n: number): HostModel {
  const host = withInterface(base, { name, addresses: address === null ? [] : [address + '/32'] });
  const ipv4: readonly ParsedAddress[] =
    address === null ? NO_ADDRESSES : [{ iface: name, bytes: Object.freeze([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]), prefix: 32, text: address, ipv4: n }];
  const routing = new HostRouting(host, { routing: base.routing, added: { byFamily: { 4: ipv4, 6: NO_ADDRESSES }, ipv4: address === null ? NO_NUMBERS : [n] } });
  return remembered(host, routing);
}

/** The added interface's addresses (hostWithInterface): by family, and IPv4 ones as numbers. */
interface AddedAddresses {
  readonly byFamily: { readonly 4: readonly ParsedAddress[]; readonly 6: readonly ParsedAddress[] };
  readonly ipv4: readonly number[];
}

function readAddresses(host: HostModel, family: Family): ParsedAddress[] {
  const out: ParsedAddress[] = [];
  for (const iface of host.interfaces) {
    if (iface.up === false) continue;
    for (const a of interfaceAddresses(iface, family)) out.push(a);
  }
  return out;
}

/**
 * Parsed addresses of interfaces that many host models share (see shareInterface), per family:
 * a guessed host (no --host) is a new model for each packet, but its bridges are the same
 * objects every time. Other interfaces are read with their host's routing, once.
 */
const sharedInterfaces = new WeakMap<HostInterface, (ParsedAddress[] | undefined)[]>();

/** Marks an interface object as one that many host models will hold, so its addresses are read once. */
export function shareInterface(iface: HostInterface): void {
  if (!sharedInterfaces.has(iface)) sharedInterfaces.set(iface, []);
}

// Every host model has this `lo` (withLoopback): its addresses, IPv6 among them, are read once.
shareInterface(LOOPBACK);

function interfaceAddresses(iface: HostInterface, family: Family): ParsedAddress[] {
  const byFamily = sharedInterfaces.get(iface);
  const known = byFamily?.[family];
  if (known) return known;
  const parsed: ParsedAddress[] = [];
  for (const a of iface.addresses) {
    // A plain IPv4 host address (a guessed host's, one per packet) is read from its number: its
    // text is already the one bytesToText gives (plainIpv4 takes no other spelling).
    const head = a.endsWith('/32') ? a.slice(0, -3) : '';
    const bytes = head === '' ? null : plainIpv4(head);
    if (bytes !== null) {
      if (family === 4) parsed.push({ iface: iface.name, bytes: Object.freeze(bytes), prefix: 32, text: head, ipv4: ipv4BytesNumber(bytes) });
      continue;
    }
    const p = parseCidr(a);
    if (p && p.family === family) parsed.push({ iface: iface.name, bytes: p.bytes, prefix: p.prefix, text: bytesToText(p.bytes), ipv4: p.bytes.length === 4 ? ipv4BytesNumber(p.bytes) : -1 });
  }
  if (byFamily) byFamily[family] = parsed;
  return parsed;
}

/** Whether the address is one of this host's (what `addrtype --dst-type LOCAL` asks). */
export function isLocalAddress(host: HostModel, addr: string): boolean {
  return routingOf(host).isLocal(addr);
}

/** The kernel's address types (RTN_*) as `addrtype` names them, for one address. */
export function addressTypes(host: HostModel, addr: string): string[] {
  const bytes = addressBytes(addr);
  if (!bytes) return ['UNSPEC'];
  const types: string[] = [];
  if (bytes.length === 4) {
    if (bytes.every((b) => b === 255)) return ['BROADCAST'];
    if (bytes.every((b) => b === 0)) return ['BROADCAST'];
    if (bytes[0] >= 224 && bytes[0] <= 239) return ['MULTICAST'];
    for (const a of routingOf(host).addressesOf(4)) {
      if (a.prefix < 31 && inPrefix(bytes, a.bytes, a.prefix)) {
        const hostBits = 32 - a.prefix;
        const value = ipv4BytesNumber(bytes);
        const hostMask = hostBits === 32 ? 0xffffffff : (2 ** hostBits - 1);
        if ((value & hostMask) === hostMask) return ['BROADCAST'];
      }
    }
  } else if (bytes[0] === 0xff) {
    return ['MULTICAST'];
  }
  if (isLocalAddress(host, addr)) types.push('LOCAL');
  else {
    const r = route(host, addr);
    types.push(r.dev === null ? 'UNREACHABLE' : 'UNICAST');
  }
  return types;
}

/**
 * Every address gives its interface a connected route to its prefix; then the configured
 * routes. Routes out of an interface that is down are left out.
 */
function readCandidates(host: HostModel, family: Family, addresses: readonly ParsedAddress[]): Candidate[] {
  const out: Candidate[] = [];
  for (const a of addresses) out.push({ bytes: a.bytes, prefix: a.prefix, dev: a.iface });
  for (const r of host.routes as readonly HostRoute[]) {
    if (r.dst === 'default') {
      const zero = family === 4 ? [0, 0, 0, 0] : new Array<number>(16).fill(0);
      // A default route's family follows its gateway, or applies to both when it has none.
      if (r.via && (r.via.includes(':') ? 6 : 4) !== family) continue;
      out.push({ bytes: zero, prefix: 0, dev: r.dev, via: r.via });
      continue;
    }
    const p = parseCidr(r.dst);
    if (p && p.family === family) out.push({ bytes: p.bytes, prefix: p.prefix, dev: r.dev, via: r.via });
  }
  return out.filter((c) => host.interfaces.find((i) => i.name === c.dev)?.up !== false);
}

/** The routing decision for a destination: local delivery, or the egress interface. */
export function route(host: HostModel, dst: string): RouteResult {
  return routingOf(host).route(dst);
}

/**
 * The source address the kernel picks on an interface (what MASQUERADE uses): an address of the
 * interface whose prefix holds the next hop, else its first address of the family.
 */
export function sourceAddressFor(host: HostModel, dev: string, nextHop: string): string | null {
  return routingOf(host).sourceFor(dev, nextHop);
}

/** Whether the IPv4 address's prefix holds the address `n`. */
function holdsIpv4(a: ParsedAddress, n: number): boolean {
  const mask = a.prefix === 0 ? 0 : (0xffffffff << (32 - a.prefix)) >>> 0;
  return ((a.ipv4 ^ n) & mask) >>> 0 === 0;
}

function isLoopbackBytes(bytes: AddressBytes): boolean {
  if (bytes.length === 4) return bytes[0] === 127;
  return bytes.every((b, i) => (i === 15 ? b === 1 : b === 0));
}

/** The first address of an interface, for REDIRECT (to the incoming interface's address). */
export function primaryAddress(host: HostModel, dev: string, family: Family): string | null {
  return routingOf(host).addressesOf(family).find((a) => a.iface === dev)?.text ?? null;
}

/** Validates a host model read from JSON; returns problems as text. */
export function checkHostModel(value: unknown): { host: HostModel | null; problems: string[] } {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null) return { host: null, problems: ['host model must be a JSON object'] };
  const v = value as Record<string, unknown>;
  const interfaces = Array.isArray(v.interfaces) ? v.interfaces : [];
  const routes = Array.isArray(v.routes) ? v.routes : [];
  if (v.interfaces !== undefined && !Array.isArray(v.interfaces)) problems.push('"interfaces" must be a list');
  if (v.routes !== undefined && !Array.isArray(v.routes)) problems.push('"routes" must be a list');
  const ifaces: HostInterface[] = [];
  interfaces.forEach((raw, i) => {
    const r = raw as Record<string, unknown>;
    if (typeof r?.name !== 'string') {
      problems.push(`interfaces[${i}]: "name" must be a string`);
      return;
    }
    const addresses = Array.isArray(r.addresses) ? r.addresses.filter((a): a is string => typeof a === 'string') : [];
    for (const a of addresses) if (!parseCidr(a)) problems.push(`interfaces[${i}] (${r.name}): bad address "${a}"`);
    ifaces.push({
      name: r.name,
      addresses,
      bridge: r.bridge === true,
      up: r.up === false ? false : undefined,
      hairpin: r.hairpin === true,
      master: typeof r.master === 'string' ? r.master : undefined,
    });
  });
  const rts: HostRoute[] = [];
  routes.forEach((raw, i) => {
    const r = raw as Record<string, unknown>;
    if (typeof r?.dst !== 'string' || typeof r?.dev !== 'string') {
      problems.push(`routes[${i}]: "dst" and "dev" must be strings`);
      return;
    }
    if (r.dst !== 'default' && !parseCidr(r.dst)) problems.push(`routes[${i}]: bad destination "${r.dst}"`);
    rts.push({ dst: r.dst, dev: r.dev, via: typeof r.via === 'string' ? r.via : undefined });
  });
  const sysctlValue = typeof v.sysctl === 'object' && v.sysctl !== null ? (v.sysctl as Record<string, number | string>) : {};
  if (problems.length) return { host: null, problems };
  return { host: withLoopback({ interfaces: ifaces, routes: rts, sysctl: sysctlValue }), problems };
}
