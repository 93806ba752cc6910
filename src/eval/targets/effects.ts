/**
 * What each target does, as the kernel's xt_* target modules do it: verdicts (REJECT, QUEUE),
 * packet rewrites (NAT, MARK, TTL), conntrack changes (NOTRACK, CONNMARK), and the many
 * targets that only observe or annotate (LOG, NFLOG, TRACE, …) and let the next rule run.
 */
import type { Target } from '../../ast/types.js';
import type { ConntrackView, MatchEnv, EvalPacket } from '../state.js';
import type { PacketView } from '../types.js';
import { registerTargetEvaluator, type TargetEffect } from './index.js';
import { isDnatTarget } from '../../ast/modules/target/DNAT.js';
import { isSnatTarget } from '../../ast/modules/target/SNAT.js';
import { isMasqueradeTarget } from '../../ast/modules/target/MASQUERADE.js';
import { isRedirectTarget } from '../../ast/modules/target/REDIRECT.js';
import { isNetmapTarget } from '../../ast/modules/target/NETMAP.js';
import { applyXmark, isMarkTarget } from '../../ast/modules/target/MARK.js';
import { isConnmarkTarget } from '../../ast/modules/target/CONNMARK.js';
import { isCtTarget } from '../../ast/modules/target/CT.js';
import { isRejectTarget } from '../../ast/modules/target/REJECT.js';
import type { NatRange } from '../../ast/modules/target/nat-range.js';
import { primaryAddress, route, sourceAddressFor } from '../host.js';
import { addressBytes, bytesToText } from '../../net/ip.js';

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

/** Targets that never end the traversal and do not change what later rules see. */
const OBSERVERS = ['LOG', 'NFLOG', 'ULOG', 'TRACE', 'AUDIT', 'IDLETIMER', 'LED', 'RATEEST', 'SET', 'TEE',
  'CLASSIFY', 'SECMARK', 'CONNSECMARK', 'CHECKSUM', 'TCPMSS', 'TCPOPTSTRIP', 'DSCP', 'TOS', 'ECN', 'HL', 'TTL'];

for (const name of OBSERVERS) {
  registerTargetEvaluator(name, (t) => ({ kind: 'continue', note: observerNote(t) }));
}

function observerNote(t: Target): string {
  if (t.name === 'LOG') {
    const prefix = (t.options as { prefix?: string }).prefix;
    return prefix ? `logged with prefix "${prefix}"` : 'logged';
  }
  if (t.name === 'TTL' || t.name === 'HL') return `${t.name} rewritten (later rules see the new value)`;
  return `${t.name}: does not end the traversal`;
}

registerTargetEvaluator('REJECT', (t) => {
  const how = isRejectTarget(t) ? t.options.with : 'icmp-port-unreachable';
  return { kind: 'verdict', verdict: 'REJECT', note: `rejected with ${how}` };
});

registerTargetEvaluator('NFQUEUE', () => ({ kind: 'verdict', verdict: 'QUEUE', note: 'queued to a userspace program, which decides' }));

registerTargetEvaluator('MARK', (t, env) => {
  if (!isMarkTarget(t)) return { kind: 'continue' };
  env.packet.mark = applyXmark(env.packet.mark, t.options);
  return { kind: 'continue', changed: true, note: markSetNote(env.packet.mark) };
});

registerTargetEvaluator('CONNMARK', (t, env) => {
  if (!isConnmarkTarget(t)) return { kind: 'continue' };
  const p = env.packet;
  const o = t.options;
  if (!p.ct) return { kind: 'continue', note: 'no conntrack entry: CONNMARK does nothing' };
  const shift = (v: number): number => (o.shift.direction === 'left' ? (v << o.shift.bits) >>> 0 : v >>> o.shift.bits);
  if (o.mode === 'set') {
    p.ct = changedCt(p.ct, p.ct.replSrc, p.ct.replDst, p.ct.replSport, p.ct.replDport, p.ct.status, ((p.ct.mark & ~o.ctmask) ^ o.ctmark) >>> 0);
    return { kind: 'continue', note: `connection mark set to ${hex(p.ct.mark)}` };
  }
  if (o.mode === 'save') {
    const value = shift(p.mark & o.nfmask);
    p.ct = changedCt(p.ct, p.ct.replSrc, p.ct.replDst, p.ct.replSport, p.ct.replDport, p.ct.status, ((p.ct.mark & ~o.ctmask) ^ (value & o.ctmask)) >>> 0);
    return { kind: 'continue', note: `connection mark saved: ${hex(p.ct.mark)}` };
  }
  const value = shift(p.ct.mark & o.ctmask);
  p.mark = ((p.mark & ~o.nfmask) ^ (value & o.nfmask)) >>> 0;
  return { kind: 'continue', changed: true, note: `mark restored from the connection: ${hex(p.mark)}` };
});

const notrack = (env: MatchEnv): TargetEffect => {
  // The raw table runs before conntrack: the packet gets the untracked entry and later tables see UNTRACKED.
  env.packet.ctState = 'UNTRACKED';
  env.packet.notracked = true;
  return { kind: 'continue', changed: true, note: 'not tracked: conntrack skips it, later rules see UNTRACKED, nat chains never see it' };
};
registerTargetEvaluator('NOTRACK', (_t, env) => notrack(env));
registerTargetEvaluator('CT', (t, env) => {
  if (isCtTarget(t) && t.options.notrack) return notrack(env);
  return { kind: 'continue', note: 'conntrack settings for the new connection (helper, zone, events)' };
});

/** First address and port of a NAT range (the kernel picks within the range by a hash). */
function pickFrom(range: NatRange, port: number | undefined): { addr?: string; port?: number; note: string } {
  // Usually none: no list is made for them.
  let notes: string[] | null = null;
  if (range.minAddr && range.maxAddr && range.maxAddr !== range.minAddr) notes = [`one of ${range.minAddr}-${range.maxAddr} (the kernel picks by hash; the first is shown)`];
  let newPort: number | undefined;
  if (range.minPort !== undefined && port !== undefined) {
    if (range.basePort !== undefined) {
      newPort = range.basePort + (port - range.minPort);
    } else {
      // A port already inside the range is kept; otherwise the kernel picks one in it.
      newPort = port >= range.minPort && port <= (range.maxPort ?? range.minPort) ? port : range.minPort;
      if (range.maxPort !== undefined && range.maxPort !== range.minPort && newPort === range.minPort && port !== range.minPort) {
        (notes ??= []).push(`a port in ${range.minPort}-${range.maxPort}`);
      }
    }
  }
  return { addr: range.minAddr, port: newPort, note: notes === null ? '' : notes.join('; ') };
}

/**
 * A conntrack entry with its reply tuple, status and mark replaced, written out key by key in
 * the entry's order: a spread with overrides is V8's slow copy, and NAT makes one per branch.
 */
function changedCt(ct: ConntrackView, replSrc: string, replDst: string, replSport: number | undefined, replDport: number | undefined, status: readonly string[], mark: number): ConntrackView {
  return { origSrc: ct.origSrc, origDst: ct.origDst, origSport: ct.origSport, origDport: ct.origDport, replSrc, replDst, replSport, replDport, status, mark };
}

/** The status list of a connection NAT just marked, for the usual lists: one shared list each (they are read only). */
const ONLY_DNAT: readonly string[] = Object.freeze(['DNAT']);
const ONLY_SNAT: readonly string[] = Object.freeze(['SNAT']);
const DNAT_THEN_SNAT: readonly string[] = Object.freeze(['DNAT', 'SNAT']);

function withNat(status: readonly string[], kind: 'SNAT' | 'DNAT'): readonly string[] {
  if (status.length === 0) return kind === 'DNAT' ? ONLY_DNAT : ONLY_SNAT;
  if (status === ONLY_DNAT && kind === 'SNAT') return DNAT_THEN_SNAT;
  return status.includes(kind) ? status : [...status, kind];
}

function markNat(p: EvalPacket, kind: 'SNAT' | 'DNAT'): void {
  const ct = p.ct;
  if (!ct) return;
  const status = withNat(ct.status, kind);
  p.ct = kind === 'DNAT'
    ? changedCt(ct, p.dst, ct.replDst, p.dport, ct.replDport, status, ct.mark)
    : changedCt(ct, ct.replSrc, p.src, ct.replSport, p.sport, status, ct.mark);
}

function rewriteDst(p: EvalPacket, addr: string | undefined, port: number | undefined): void {
  if (addr) p.dst = addr;
  if (port !== undefined && p.dport !== undefined) p.dport = port;
  markNat(p, 'DNAT');
}

function rewriteSrc(p: EvalPacket, addr: string | undefined, port: number | undefined): void {
  if (addr) p.src = addr;
  if (port !== undefined && p.sport !== undefined) p.sport = port;
  markNat(p, 'SNAT');
}

/**
 * `WHAT src:sport -> dst:dport (extra)`: the note of a NAT step, made from the step's packet when
 * the trace's steps are listed (a batch's traces keep a few NAT steps per packet, and few are
 * ever listed). Joined: a template would make a tree of string pieces (V8's cons strings).
 */
export function describeRewrite(p: PacketView, what: string, extra: string): string {
  return [what, ' ', p.src, p.sport !== undefined ? ':' + p.sport : '', ' -> ', p.dst, p.dport !== undefined ? ':' + p.dport : '', extra ? ` (${extra})` : ''].join('');
}

/** `MASQUERADE (address of IFACE) to`, by interface: the same few for every packet. */
const masqueradeTexts = new Map<string, string>();

function masqueradeText(iface: string): string {
  let text = masqueradeTexts.get(iface);
  if (text === undefined) {
    text = ['MASQUERADE (address of ', iface, ') to'].join('');
    if (masqueradeTexts.size < 4096) masqueradeTexts.set(iface, text);
  }
  return text;
}

/** `mark set to 0x…`, by mark: a batch sets the same few marks on every packet. */
const markNotes = new Map<number, string>();

function markSetNote(mark: number): string {
  let note = markNotes.get(mark);
  if (note === undefined) {
    note = `mark set to ${hex(mark)}`;
    if (markNotes.size < 4096) markNotes.set(mark, note);
  }
  return note;
}

registerTargetEvaluator('DNAT', (t, env) => {
  if (!isDnatTarget(t)) return { kind: 'continue' };
  return dnatTo(t.options.ranges[0], env);
});

/** DNAT to the range (its first address and port, as the kernel's choice is shown). */
export function dnatTo(range: NatRange, env: MatchEnv): TargetEffect {
  const pick = pickFrom(range, env.packet.dport);
  rewriteDst(env.packet, pick.addr, pick.port);
  return { kind: 'nat', rewrite: 'DNAT to', extra: pick.note };
}

registerTargetEvaluator('SNAT', (t, env) => {
  if (!isSnatTarget(t)) return { kind: 'continue' };
  const range = t.options.ranges[0];
  const pick = pickFrom(range, env.packet.sport);
  rewriteSrc(env.packet, pick.addr, pick.port);
  return { kind: 'nat', rewrite: 'SNAT to', extra: pick.note };
});

registerTargetEvaluator('MASQUERADE', (t, env) => {
  if (!isMasqueradeTarget(t)) return { kind: 'continue' };
  const p = env.packet;
  const r = route(env.host, p.dst);
  const source = sourceAddressFor(env.host, p.outIface, r.via ?? p.dst);
  const port = t.options.toPorts ? pickFrom({ minPort: t.options.toPorts.from, maxPort: t.options.toPorts.to }, p.sport).port : undefined;
  if (!source) {
    // Without an address on the egress interface the kernel drops the packet.
    if (env.hostKnown) return { kind: 'verdict', verdict: 'DROP', note: `MASQUERADE: ${p.outIface} has no address, the kernel drops the packet` };
    rewriteSrc(p, undefined, port);
    return { kind: 'nat', note: `MASQUERADE to the address of ${p.outIface} (unknown without a host model)` };
  }
  rewriteSrc(p, source, port);
  return { kind: 'nat', rewrite: masqueradeText(p.outIface), extra: '' };
});

registerTargetEvaluator('REDIRECT', (t, env) => {
  if (!isRedirectTarget(t)) return { kind: 'continue' };
  const p = env.packet;
  let addr: string | null;
  if (env.hook === 'OUTPUT') addr = p.family === 4 ? '127.0.0.1' : '::1';
  else addr = primaryAddress(env.host, p.inIface, p.family);
  if (!addr) {
    if (env.hostKnown) return { kind: 'verdict', verdict: 'DROP', note: `REDIRECT: ${p.inIface} has no address, the kernel drops the packet` };
    return { kind: 'nat', note: `REDIRECT to this host (the address of ${p.inIface} is unknown without a host model)` };
  }
  const port = t.options.toPorts ? pickFrom({ minPort: t.options.toPorts.from, maxPort: t.options.toPorts.to }, p.dport).port : undefined;
  rewriteDst(p, addr, port);
  return { kind: 'nat', rewrite: 'REDIRECT to', extra: '' };
});

registerTargetEvaluator('NETMAP', (t, env) => {
  if (!isNetmapTarget(t)) return { kind: 'continue' };
  const p = env.packet;
  const to = t.options.to;
  const base = addressBytes(to.address);
  const mask = addressBytes(to.mask);
  const dstSide = env.hook === 'PREROUTING' || env.hook === 'OUTPUT';
  const addr = addressBytes(dstSide ? p.dst : p.src);
  if (!base || !mask || !addr) return { kind: 'nat', note: 'NETMAP' };
  const mapped = bytesToText(addr.map((b, i) => (base[i] & mask[i]) | (b & ~mask[i] & 0xff)));
  if (dstSide) rewriteDst(p, mapped, undefined);
  else rewriteSrc(p, mapped, undefined);
  return { kind: 'nat', rewrite: 'NETMAP to', extra: '' };
});

registerTargetEvaluator('SYNPROXY', (_t, env) => {
  const flags = env.packet.tcpFlags ?? [];
  const only = (f: string): boolean => flags.includes(f as never) && !['FIN', 'RST', 'SYN', 'ACK'].some((x) => x !== f && flags.includes(x as never));
  // xt_SYNPROXY: a SYN is answered with a cookie and consumed; an ACK completes the handshake
  // towards the server and is consumed too; anything else continues.
  if (only('SYN')) return { kind: 'verdict', verdict: 'DROP', note: 'SYNPROXY answers the SYN with a cookie; this packet goes no further' };
  if (only('ACK')) return { kind: 'verdict', verdict: 'DROP', note: 'SYNPROXY checks the cookie and opens the connection to the server itself; this packet goes no further' };
  return { kind: 'continue', note: 'SYNPROXY lets non-handshake packets continue' };
});
