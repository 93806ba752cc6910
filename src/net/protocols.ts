/**
 * IP protocol names and numbers as iptables resolves them for `-p`: its own short list first
 * (xtables_chain_protos), then /etc/protocols. netfate carries the IANA names that Debian's
 * /etc/protocols (netbase) has, so results do not depend on the machine it runs on.
 */
import type { Family } from '../ast/types.js';

/**
 * iptables' own names (xtables_chain_protos, iptables 1.8.9+), which take precedence over
 * /etc/protocols when printing: the first name of a number is the one iptables-save prints.
 */
const XTABLES_PROTOS: readonly (readonly [string, number])[] = [
  ['tcp', 6], ['sctp', 132], ['udp', 17], ['udplite', 136], ['icmp', 1], ['ipv6-icmp', 58],
  ['icmpv6', 58], ['esp', 50], ['ah', 51], ['mobility-header', 135], ['ipv6-mh', 135], ['mh', 135],
  ['dccp', 33], ['ipcomp', 108], ['all', 0],
];

/** Debian netbase /etc/protocols (name, number, aliases). */
const ETC_PROTOCOLS: readonly (readonly [string, number, ...string[]])[] = [
  ['ip', 0, 'IP'], ['hopopt', 0, 'HOPOPT'], ['icmp', 1, 'ICMP'], ['igmp', 2, 'IGMP'], ['ggp', 3, 'GGP'],
  ['ipencap', 4, 'IP-ENCAP'], ['st', 5, 'ST'], ['tcp', 6, 'TCP'], ['egp', 8, 'EGP'], ['igp', 9, 'IGP'],
  ['pup', 12, 'PUP'], ['udp', 17, 'UDP'], ['hmp', 20, 'HMP'], ['xns-idp', 22, 'XNS-IDP'],
  ['rdp', 27, 'RDP'], ['iso-tp4', 29, 'ISO-TP4'], ['dccp', 33, 'DCCP'], ['xtp', 36, 'XTP'],
  ['ddp', 37, 'DDP'], ['idpr-cmtp', 38, 'IDPR-CMTP'], ['ipv6', 41, 'IPv6'], ['ipv6-route', 43, 'IPv6-Route'],
  ['ipv6-frag', 44, 'IPv6-Frag'], ['idrp', 45, 'IDRP'], ['rsvp', 46, 'RSVP'], ['gre', 47, 'GRE'],
  ['esp', 50, 'IPSEC-ESP'], ['ah', 51, 'IPSEC-AH'], ['skip', 57, 'SKIP'], ['ipv6-icmp', 58, 'IPv6-ICMP'],
  ['ipv6-nonxt', 59, 'IPv6-NoNxt'], ['ipv6-opts', 60, 'IPv6-Opts'], ['rspf', 73, 'RSPF', 'CPHB'],
  ['vmtp', 81, 'VMTP'], ['eigrp', 88, 'EIGRP'], ['ospf', 89, 'OSPFIGP'], ['ax.25', 93, 'AX.25'],
  ['ipip', 94, 'IPIP'], ['etherip', 97, 'ETHERIP'], ['encap', 98, 'ENCAP'], ['pim', 103, 'PIM'],
  ['ipcomp', 108, 'IPCOMP'], ['vrrp', 112, 'VRRP'], ['l2tp', 115, 'L2TP'], ['isis', 124, 'ISIS'],
  ['sctp', 132, 'SCTP'], ['fc', 133, 'FC'], ['mobility-header', 135, 'Mobility-Header'],
  ['udplite', 136, 'UDPLite'], ['mpls-in-ip', 137, 'MPLS-in-IP'], ['manet', 138],
  ['hip', 139, 'HIP'], ['shim6', 140, 'Shim6'], ['wesp', 141, 'WESP'], ['rohc', 142, 'ROHC'],
  ['ethernet', 143, 'Ethernet'],
];

const byName = new Map<string, number>();
for (const [name, num] of XTABLES_PROTOS) byName.set(name, num);
for (const [name, num, ...aliases] of ETC_PROTOCOLS) {
  for (const n of [name, ...aliases]) if (!byName.has(n)) byName.set(n, num);
}
byName.set('icmp6', 58);
byName.set('ipv6-mh', 135);

/** Resolves `-p` text (name, any case for iptables' own names, or number) to a number. */
export function protocolNumber(text: string): number | null {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= 255 ? n : null;
  }
  const lower = text.toLowerCase();
  if (byName.has(text)) return byName.get(text)!;
  if (byName.has(lower)) return byName.get(lower)!;
  return null;
}

/** The name iptables-save prints for a protocol number (numbers without a name stay numbers). */
export function protocolName(num: number, _family: Family = 4): string {
  for (const [name, n] of XTABLES_PROTOS) if (n === num) return name;
  for (const [name, n] of ETC_PROTOCOLS) if (n === num && name !== 'ip' && name !== 'hopopt') return name;
  return String(num);
}

/** getprotobyname over Debian's /etc/protocols only (names and aliases, case as written). */
export function etcProtocolNumber(name: string): number | null {
  for (const [n, num, ...aliases] of ETC_PROTOCOLS) if (n === name || aliases.includes(name)) return num;
  return null;
}

/** getprotobynumber over Debian's /etc/protocols: the official name, or null. */
export function etcProtocolName(num: number): string | null {
  for (const [n, p] of ETC_PROTOCOLS) if (p === num) return n;
  return null;
}
