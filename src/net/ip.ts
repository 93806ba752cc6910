/**
 * Address arithmetic the evaluator needs: membership of an address in a (possibly
 * non-contiguous) masked network, CIDR parsing, and address comparison for ranges.
 */
import ipaddr from 'ipaddr.js';
import type { Family, IpNet } from '../ast/types.js';

export type AddressBytes = readonly number[];

/**
 * Parsed addresses by text. The evaluator asks for the same few addresses (the packet's, the
 * rules' nets and masks) once per rule per packet; ipaddr.js parsing them each time was most of
 * a trace's time. Results are frozen, so sharing them is safe; the cache is dropped when it grows
 * past a bound, so that a long batch of distinct addresses does not keep them all.
 */
const parsedAddresses = new Map<string, AddressBytes | null>();
const MAX_PARSED_ADDRESSES = 1 << 16;

/**
 * The last texts asked for, round robin: a packet's few addresses are asked for again and again,
 * and comparing a few strings is cheaper than a lookup in the large map.
 */
const RECENT = 8;
const recentTexts: string[] = new Array<string>(RECENT).fill('');
const recentBytes: (AddressBytes | null)[] = new Array<AddressBytes | null>(RECENT).fill(null);
let recentNext = 0;

export function addressBytes(text: string): AddressBytes | null {
  for (let i = 0; i < RECENT; i++) if (recentTexts[i] === text) return recentBytes[i];
  const bytes = lookupAddressBytes(text);
  recentTexts[recentNext] = text;
  recentBytes[recentNext] = bytes;
  recentNext = (recentNext + 1) % RECENT;
  return bytes;
}

function lookupAddressBytes(text: string): AddressBytes | null {
  // A plain IPv4 address is read faster than it is found in a large map, and leaving it out
  // keeps the map small: a kube-proxy batch meets tens of thousands of distinct ones.
  const v4 = plainIpv4(text);
  if (v4) return Object.freeze(v4);
  const known = parsedAddresses.get(text);
  if (known !== undefined) return known;
  const bytes = parseAddressBytes(text);
  if (parsedAddresses.size >= MAX_PARSED_ADDRESSES) parsedAddresses.clear();
  parsedAddresses.set(text, bytes);
  return bytes;
}

/**
 * `a.b.c.d` with plain decimal parts (no leading zero, which ipaddr.js reads as octal), read
 * without ipaddr.js: nearly every address a ruleset or packet holds, and a large ruleset holds
 * a hundred thousand of them. Null for anything else, which ipaddr.js then reads.
 */
export function plainIpv4(text: string): number[] | null {
  const n = ipv4TextNumber(text);
  return n < 0 ? null : [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Four address bytes as an unsigned 32-bit number. */
export function ipv4BytesNumber(bytes: AddressBytes): number {
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

/** plainIpv4 as an unsigned 32-bit number; -1 for anything else. */
export function ipv4TextNumber(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || parts === 3) return -1;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (parts !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

function parseAddressBytes(text: string): AddressBytes | null {
  const v4 = plainIpv4(text);
  if (v4) return Object.freeze(v4);
  if (!ipaddr.isValid(text)) return null;
  const parsed = ipaddr.parse(text);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() && !text.includes(':')) return null;
  return Object.freeze(parsed.toByteArray());
}

export function familyOf(text: string): Family | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return 4;
  if (ipaddr.IPv6.isValid(text)) return 6;
  return null;
}

export function canonicalAddress(text: string): string {
  return ipaddr.parse(text).toString();
}

/** Whether `addr` is in `net` (address & mask == net address). */
export function inNet(addr: AddressBytes, net: IpNet): boolean {
  const base = addressBytes(net.address);
  const mask = addressBytes(net.mask);
  if (!base || !mask || base.length !== addr.length) return false;
  for (let i = 0; i < addr.length; i++) if ((addr[i] & mask[i]) !== base[i]) return false;
  return true;
}

/** `10.0.0.0/8`, `2001:db8::1/64`, or a bare address (host prefix). */
export function parseCidr(text: string): { bytes: AddressBytes; prefix: number; family: Family } | null {
  const [addr, prefixText] = text.split('/');
  const bytes = addressBytes(addr);
  if (!bytes) return null;
  const bits = bytes.length * 8;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return null;
  return { bytes, prefix, family: bytes.length === 4 ? 4 : 6 };
}

export function inPrefix(addr: AddressBytes, base: AddressBytes, prefix: number): boolean {
  if (addr.length !== base.length) return false;
  let bits = prefix;
  for (let i = 0; i < addr.length && bits > 0; i++) {
    const take = Math.min(8, bits);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((addr[i] & mask) !== (base[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

/** Negative, zero or positive as a < b, a == b, a > b (same family). */
export function compareAddresses(a: AddressBytes, b: AddressBytes): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

export function bytesToText(bytes: AddressBytes): string {
  // IPv4 directly (the text ipaddr.js gives): a batch of packets formats an address per packet.
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  return ipaddr.fromByteArray([...bytes]).toString();
}
