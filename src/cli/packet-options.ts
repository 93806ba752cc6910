/**
 * The packet a user describes with `trace` options (or a `--packets` JSON entry), validated and
 * completed with the contract's defaults.
 */
import type { Family } from '../ast/types.js';
import type { CtDirection, CtState, Packet, TcpFlag } from '../eval/types.js';
import { protocolNumber } from '../net/protocols.js';
import { familyOf, canonicalAddress } from '../net/ip.js';

/** Fields as the CLI options (camelCase) and `--packets` entries name them. */
export interface PacketFields {
  in?: string;
  src?: string;
  dst?: string;
  proto?: string | number;
  sport?: string | number;
  dport?: string | number;
  tcpFlags?: string;
  icmpType?: string | number;
  state?: string;
  ctDir?: string;
  mark?: string | number;
  uid?: string | number;
  length?: string | number;
  ttl?: string | number;
  physdevIn?: string;
}

export type PacketResult = { ok: true; packet: Packet } | { ok: false; message: string };

const STATES: readonly CtState[] = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];
const FLAGS: readonly TcpFlag[] = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'];

/** ICMP type names users type most (iptables' full table is in the icmp match). */
const ICMP_TYPES: Readonly<Record<string, number>> = {
  'echo-reply': 0, 'destination-unreachable': 3, 'source-quench': 4, redirect: 5, 'echo-request': 8,
  'router-advertisement': 9, 'router-solicitation': 10, 'time-exceeded': 11, 'parameter-problem': 12,
  'timestamp-request': 13, 'timestamp-reply': 14, ping: 8, pong: 0,
};
const ICMPV6_TYPES: Readonly<Record<string, number>> = {
  'destination-unreachable': 1, 'packet-too-big': 2, 'time-exceeded': 3, 'parameter-problem': 4,
  'echo-request': 128, 'echo-reply': 129, 'router-solicitation': 133, 'router-advertisement': 134,
  'neighbour-solicitation': 135, 'neighbor-solicitation': 135, 'neighbour-advertisement': 136,
  'neighbor-advertisement': 136, redirect: 137, ping: 128, pong: 129,
};

function uint(value: string | number | undefined, name: string, max: number): number | undefined | string {
  if (value === undefined) return undefined;
  const text = String(value);
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n) || n > max) return `--${name}: expected a number from 0 to ${max}, got "${text}"`;
  return n;
}

function headerLength(family: Family, proto: number): number {
  const ip = family === 4 ? 20 : 40;
  if (proto === 6) return ip + 20;
  if (proto === 17 || proto === 136) return ip + 8;
  if (proto === 1 || proto === 58) return ip + 8;
  if (proto === 132) return ip + 12;
  return ip;
}

export function packetFromFields(f: PacketFields): PacketResult {
  const fail = (message: string): PacketResult => ({ ok: false, message });
  if (!f.src) return fail('--src is required (the packet\'s source address)');
  if (!f.dst) return fail('--dst is required (the packet\'s destination address)');
  const sf = familyOf(f.src);
  const df = familyOf(f.dst);
  if (!sf) return fail(`--src: not an IP address: "${f.src}"`);
  if (!df) return fail(`--dst: not an IP address: "${f.dst}"`);
  if (sf !== df) return fail('--src and --dst must be of the same address family');
  const family: Family = sf;
  const protoText = String(f.proto ?? 'tcp');
  const proto = protocolNumber(protoText === 'icmpv6' ? 'ipv6-icmp' : protoText);
  if (proto === null) return fail(`--proto: unknown protocol "${protoText}"`);
  const ported = proto === 6 || proto === 17 || proto === 132 || proto === 33 || proto === 136;
  const sport = uint(f.sport, 'sport', 65535);
  const dport = uint(f.dport, 'dport', 65535);
  if (typeof sport === 'string') return fail(sport);
  if (typeof dport === 'string') return fail(dport);
  if (ported && dport === undefined) return fail(`--dport is required for ${protoText} (the destination port)`);
  if (!ported && (sport !== undefined || dport !== undefined)) return fail(`--sport/--dport need a protocol with ports (tcp, udp, sctp, dccp, udplite), not ${protoText}`);
  const state = (f.state ?? 'NEW').toUpperCase() as CtState;
  if (!STATES.includes(state)) return fail(`--state: expected one of ${STATES.join(', ')}, got "${f.state}"`);
  const ctDir = (f.ctDir ?? 'ORIGINAL').toUpperCase() as CtDirection;
  if (ctDir !== 'ORIGINAL' && ctDir !== 'REPLY') return fail(`--ct-dir: expected ORIGINAL or REPLY, got "${f.ctDir}"`);
  let tcpFlags: TcpFlag[] | undefined;
  if (proto === 6) {
    const text = f.tcpFlags ?? (state === 'NEW' ? 'SYN' : 'ACK');
    tcpFlags = [];
    if (text.toUpperCase() !== 'NONE') {
      for (const flag of text.toUpperCase().split(',')) {
        if (!FLAGS.includes(flag as TcpFlag)) return fail(`--tcp-flags: unknown flag "${flag}"`);
        tcpFlags.push(flag as TcpFlag);
      }
    }
  } else if (f.tcpFlags !== undefined) {
    return fail('--tcp-flags needs --proto tcp');
  }
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  if (proto === 1 || proto === 58) {
    const text = String(f.icmpType ?? 'echo-request');
    const [typeText, codeText] = text.split('/');
    const names = proto === 1 ? ICMP_TYPES : ICMPV6_TYPES;
    const named = names[typeText.toLowerCase()];
    const t = named ?? uint(typeText, 'icmp-type', 255);
    if (typeof t !== 'number') return fail(`--icmp-type: unknown type "${typeText}"`);
    icmpType = t;
    if (codeText !== undefined) {
      const c = uint(codeText, 'icmp-type code', 255);
      if (typeof c !== 'number') return fail(`--icmp-type: bad code "${codeText}"`);
      icmpCode = c;
    } else {
      icmpCode = 0;
    }
  } else if (f.icmpType !== undefined) {
    return fail('--icmp-type needs --proto icmp or icmpv6');
  }
  const mark = uint(f.mark, 'mark', 0xffffffff);
  const uid = uint(f.uid, 'uid', 0xffffffff);
  const length = uint(f.length, 'length', 65535);
  const ttl = uint(f.ttl, 'ttl', 255);
  for (const v of [mark, uid, length, ttl]) if (typeof v === 'string') return fail(v);
  const packet: Packet = {
    family,
    in: f.in ?? null,
    src: canonicalAddress(f.src),
    dst: canonicalAddress(f.dst),
    proto,
    // An ephemeral source port (Linux's range is 32768-60999) when none is given.
    ...(ported ? { sport: (sport as number | undefined) ?? 40000, dport: dport as number } : {}),
    ...(tcpFlags ? { tcpFlags } : {}),
    ...(icmpType !== undefined ? { icmpType, icmpCode } : {}),
    state,
    ctDir,
    mark: (mark as number | undefined) ?? 0,
    ...(uid !== undefined ? { uid: uid as number } : {}),
    length: (length as number | undefined) ?? headerLength(family, proto),
    ttl: (ttl as number | undefined) ?? 64,
    ...(f.physdevIn ? { physdevIn: f.physdevIn } : {}),
  };
  return { ok: true, packet };
}
