/**
 * Addresses and masks as iptables reads them (`-s`, `-d`, and the address options of extensions).
 * Built on ipaddr.js, which parses and normalises IPv4/IPv6 text; iptables' own rules (mask the
 * address, accept dotted masks, print `/prefix` when the mask is contiguous) are layered on top.
 */
import ipaddr from 'ipaddr.js';
import type { Family, IpNet } from '../ast/types.js';
import { plainIpv4 } from './ip.js';

export type ParsedAddress = { ok: true; value: IpNet } | { ok: false; message: string };

export function bytesToAddress(family: Family, bytes: readonly number[]): string {
  return family === 4 ? bytes.join('.') : ipaddr.fromByteArray([...bytes]).toString();
}

/** The prefix length of a contiguous mask, null when the mask is not contiguous. */
export function prefixOfMask(bytes: readonly number[]): number | null {
  let prefix = 0;
  let seenZero = false;
  for (const byte of bytes) {
    for (let bit = 7; bit >= 0; bit--) {
      if ((byte >> bit) & 1) {
        if (seenZero) return null;
        prefix++;
      } else {
        seenZero = true;
      }
    }
  }
  return prefix;
}

/** Mask bytes of a prefix length. */
export function maskOfPrefix(family: Family, prefix: number): number[] {
  const length = family === 4 ? 4 : 16;
  const bytes: number[] = [];
  for (let i = 0; i < length; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    bytes.push(bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff);
  }
  return bytes;
}

/** Parses one plain address (no mask) of the given family. */
export function parseHostAddress(text: string, family: Family): number[] | null {
  if (family === 4) {
    // ipaddr.js accepts inet_aton forms such as "10" or "0x0a000001"; iptables' numeric parser
    // takes dotted quads with 1 to 4 parts as well, but users never mean those: keep it strict.
    // Plain decimal parts without leading zeros, as ipaddr.js's isValidFourPartDecimal wants them.
    return plainIpv4(text);
  }
  if (!ipaddr.IPv6.isValid(text) || text.includes('%')) return null;
  return ipaddr.IPv6.parse(text).toByteArray();
}

/**
 * `ADDR[/MASK]` where MASK is a prefix length or (IPv4 and IPv6) a mask in address form.
 * The address is masked, as the kernel stores it (`10.11.12.13/8` is `10.0.0.0/8`).
 */
export function parseAddressWithMask(text: string, family: Family): ParsedAddress {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const maskText = slash < 0 ? null : text.slice(slash + 1);
  const bytes = parseHostAddress(addrText, family);
  if (!bytes) {
    return { ok: false, message: `host/network \`${addrText}' not found` };
  }
  const bits = family === 4 ? 32 : 128;
  let mask: number[];
  if (maskText === null) {
    mask = maskOfPrefix(family, bits);
  } else if (/^\d+$/.test(maskText)) {
    const prefix = Number(maskText);
    if (prefix > bits) return { ok: false, message: `invalid mask \`${maskText}' specified` };
    mask = maskOfPrefix(family, prefix);
  } else {
    const maskBytes = parseHostAddress(maskText, family);
    if (!maskBytes) return { ok: false, message: `invalid mask \`${maskText}' specified` };
    mask = maskBytes;
  }
  const masked = bytes.map((b, i) => b & mask[i]);
  const prefix = prefixOfMask(mask);
  return {
    ok: true,
    value: {
      family,
      address: bytesToAddress(family, masked),
      prefix,
      mask: maskTextOf(family, mask, prefix),
    },
  };
}

/** The text of each prefix's mask, per family, made once: nearly every net of a ruleset has one of a few. */
const prefixMaskTexts: Record<Family, (string | undefined)[]> = { 4: [], 6: [] };

function maskTextOf(family: Family, mask: readonly number[], prefix: number | null): string {
  if (prefix === null) return bytesToAddress(family, mask);
  return (prefixMaskTexts[family][prefix] ??= bytesToAddress(family, mask));
}

/** `10.0.0.0/8`, or `10.0.12.0/255.0.255.0` for a mask that is not a prefix. */
export function formatIpNet(net: IpNet): string {
  return `${net.address}/${net.prefix ?? net.mask}`;
}

/** Whether the net matches every address (`0.0.0.0/0`, `::/0`): iptables-save omits it. */
export function isAnyNet(net: IpNet): boolean {
  return net.prefix === 0;
}

/** Guesses the family of an address text: `:` only appears in IPv6. */
export function familyOfAddressText(text: string): Family {
  return text.includes(':') ? 6 : 4;
}

/**
 * An address with a mask as libxtables reads XTTYPE_HOSTMASK (conntrack's --ctorigsrc, policy's
 * --tunnel-src, ipvs' --vaddr, …): unlike `-s`/`-d` the address is kept as written, not masked.
 */
export interface HostMask {
  readonly family: Family;
  readonly address: string;
  /** Prefix length; null when a mask in address form is not contiguous. */
  readonly prefix: number | null;
  readonly mask: string;
}

/** Mask bytes from a prefix length (strtoul, base 0) or a mask in address form; null when neither. */
export function parseMaskBytes(text: string, family: Family): number[] | null {
  const bits = family === 4 ? 32 : 128;
  if (/^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.test(text)) {
    const n = text.startsWith('0x') || text.startsWith('0X') ? parseInt(text, 16) : text.length > 1 && text.startsWith('0') ? parseInt(text, 8) : Number(text);
    return n <= bits ? maskOfPrefix(family, n) : null;
  }
  return parseHostAddress(text, family);
}

/** `ADDR[/MASK]` as XTTYPE_HOSTMASK reads it, or the error iptables gives. */
export function parseHostMask(text: string, family: Family): HostMask | string {
  const slash = text.indexOf('/');
  const host = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseHostAddress(host, family);
  if (!bytes) return `host/network \`${host}' not found`;
  const bits = family === 4 ? 32 : 128;
  const maskText = slash < 0 ? null : text.slice(slash + 1);
  const mask = maskText === null ? maskOfPrefix(family, bits) : parseMaskBytes(maskText, family);
  if (!mask) return `bad value for mask "${maskText}", neither a valid network mask nor valid CIDR (0-${bits}).`;
  const prefix = prefixOfMask(mask);
  return { family, address: bytesToAddress(family, bytes), prefix, mask: maskTextOf(family, mask, prefix) };
}

/** What iptables-save prints after the address (xtables_ip[6]mask_to_numeric): '' for a host, `/N`, or `/MASK`. */
export function hostMaskSuffix(h: HostMask): string {
  if (h.prefix === null) return `/${h.mask}`;
  return h.prefix === (h.family === 4 ? 32 : 128) ? '' : `/${h.prefix}`;
}
