/**
 * evaluateFlow: packets evaluated in order through one conntrack table, as the kernel sees a
 * conversation. The first packet of a connection creates its entry (when it is accepted) and is
 * the only one the nat chains see; later packets get their state from the entry (NEW until a
 * reply is seen, then ESTABLISHED) and the connection's NAT is applied, or undone for replies,
 * by conntrack itself.
 */
import type { Ruleset } from '../ast/types.js';
import type { HostModel, Packet, TcpFlag, Trace } from './types.js';
import type { ConntrackView, NatBinding } from './state.js';
import { evaluatePacket } from './evaluate.js';
import type { IpSet } from './ipset.js';

export type FlowPacket =
  | { readonly kind: 'packet'; readonly packet: Packet }
  /** The reply to packet `to` (0-based) as its peer sends it; `tcpFlags` may override the default. */
  | { readonly kind: 'reply'; readonly to: number; readonly tcpFlags?: readonly TcpFlag[]; readonly length?: number };

interface Tuple {
  readonly proto: number;
  readonly src: string;
  readonly dst: string;
  readonly sport?: number;
  readonly dport?: number;
}

interface Connection {
  readonly orig: Tuple;
  readonly reply: Tuple;
  /** NAT on the original direction (dst at PREROUTING/OUTPUT, src at POSTROUTING/INPUT). */
  readonly dnat?: { readonly addr: string; readonly port?: number };
  readonly snat?: { readonly addr: string; readonly port?: number };
  seenReply: boolean;
  mark: number;
  /** Where the first packet came in and left: the reply comes back the other way. */
  readonly origIn: string | null;
  readonly origOut: string | null;
}

export interface FlowResult {
  readonly traces: readonly Trace[];
  /** Problems with the flow itself (a reply to a packet that made no connection, …), by index. */
  readonly problems: readonly { readonly index: number; readonly message: string }[];
}

const ICMP_ECHO_REPLY: Readonly<Record<number, number>> = { 8: 0, 128: 129, 13: 14, 15: 16, 17: 18 };

function tupleOf(p: Packet): Tuple {
  return { proto: p.proto, src: p.src, dst: p.dst, sport: p.sport, dport: p.dport };
}

function sameTuple(a: Tuple, b: Tuple): boolean {
  return a.proto === b.proto && a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport;
}

function invert(t: Tuple): Tuple {
  return { proto: t.proto, src: t.dst, dst: t.src, sport: t.dport, dport: t.sport };
}

function viewOf(c: Connection, status: string[]): ConntrackView {
  return {
    origSrc: c.orig.src, origDst: c.orig.dst, origSport: c.orig.sport, origDport: c.orig.dport,
    replSrc: c.reply.src, replDst: c.reply.dst, replSport: c.reply.sport, replDport: c.reply.dport,
    status, mark: c.mark,
  };
}

function statusOf(c: Connection): string[] {
  const status = ['CONFIRMED'];
  if (c.seenReply) status.push('SEEN_REPLY');
  if (c.snat) status.push('SNAT');
  if (c.dnat) status.push('DNAT');
  return status;
}

export function evaluateFlow(
  ruleset: Ruleset,
  packets: readonly FlowPacket[],
  options: { host?: HostModel; sets?: ReadonlyMap<string, IpSet> } = {},
): FlowResult {
  const connections: Connection[] = [];
  /** The connection each packet belonged to (by index), for `replyTo`. */
  const connectionOf: (Connection | null)[] = [];
  const sent: Packet[] = [];
  const traces: Trace[] = [];
  const problems: { index: number; message: string }[] = [];
  const nthCounters = new Map<object, number>();

  packets.forEach((entry, index) => {
    let packet: Packet;
    if (entry.kind === 'reply') {
      const conn = connectionOf[entry.to];
      const original = sent[entry.to];
      if (entry.to < 0 || entry.to >= index || !original) {
        problems.push({ index, message: `replyTo ${entry.to}: no such earlier packet` });
        connectionOf.push(null);
        sent.push(undefined as unknown as Packet);
        traces.push(undefined as unknown as Trace);
        return;
      }
      if (!conn) {
        problems.push({ index, message: `replyTo ${entry.to}: that packet made no connection (it was dropped, or not tracked)` });
      }
      // The peer answers the packet as it received it: after NAT (the entry's reply tuple).
      const tuple = conn ? conn.reply : invert(tupleOf(original));
      const icmpType = original.icmpType !== undefined ? ICMP_ECHO_REPLY[original.icmpType] ?? original.icmpType : undefined;
      const synAck = original.tcpFlags?.includes('SYN') && !original.tcpFlags.includes('ACK');
      packet = {
        ...original,
        src: tuple.src,
        dst: tuple.dst,
        sport: tuple.sport,
        dport: tuple.dport,
        // The reply comes back in by the interface the original left by; a reply to a packet
        // delivered to this host is sent by this host.
        in: conn ? (conn.origOut === null ? null : conn.origOut) : original.in,
        // The reply comes from the peer, not through the bridge port the original came in by.
        physdevIn: undefined,
        ...(original.tcpFlags ? { tcpFlags: entry.tcpFlags ?? (synAck ? ['SYN', 'ACK'] : ['ACK']) } : {}),
        ...(icmpType !== undefined ? { icmpType } : {}),
        ...(entry.length !== undefined ? { length: entry.length } : {}),
        state: 'ESTABLISHED',
        ctDir: 'REPLY',
      };
    } else {
      packet = entry.packet;
    }
    sent.push(packet);

    const tuple = tupleOf(packet);
    let conn = connections.find((c) => sameTuple(c.orig, tuple) || sameTuple(c.reply, tuple)) ?? null;
    let trace: Trace;
    if (conn && packet.state !== 'INVALID' && packet.state !== 'UNTRACKED') {
      const reply = sameTuple(conn.reply, tuple) && !sameTuple(conn.orig, tuple);
      if (reply) conn.seenReply = true;
      const state = reply || conn.seenReply ? 'ESTABLISHED' : 'NEW';
      // Original direction: the connection's NAT again. Reply: undone (SNAT's address back to the
      // original source at PREROUTING, DNAT's back to the original destination at POSTROUTING).
      const binding: NatBinding = reply
        ? {
            ...(conn.snat ? { dst: { addr: conn.orig.src, port: conn.snat.port !== undefined ? conn.orig.sport : undefined } } : {}),
            ...(conn.dnat ? { src: { addr: conn.orig.dst, port: conn.dnat.port !== undefined ? conn.orig.dport : undefined } } : {}),
          }
        : { ...(conn.dnat ? { dst: conn.dnat } : {}), ...(conn.snat ? { src: conn.snat } : {}) };
      trace = evaluatePacket(ruleset, { ...packet, state, ctDir: reply ? 'REPLY' : 'ORIGINAL' }, {
        host: options.host,
        sets: options.sets,
        nthCounters,
        conntrack: { view: viewOf(conn, statusOf(conn)), binding },
      });
    } else {
      trace = evaluatePacket(ruleset, packet, { host: options.host, sets: options.sets, nthCounters });
      conn = null;
      // A first packet that got through (and was tracked) leaves a confirmed entry behind.
      if (trace.verdict === 'ACCEPT' && packet.state === 'NEW' && !trace.steps.some((s) => s.target === 'NOTRACK' || (s.target === 'CT' && s.packet))) {
        const final = trace.packet;
        const after: Tuple = { proto: packet.proto, src: final.src, dst: final.dst, sport: final.sport, dport: final.dport };
        const created: Connection = {
          orig: tuple,
          reply: invert(after),
          ...(after.dst !== tuple.dst || after.dport !== tuple.dport ? { dnat: { addr: after.dst, ...(after.dport !== tuple.dport ? { port: after.dport } : {}) } } : {}),
          ...(after.src !== tuple.src || after.sport !== tuple.sport ? { snat: { addr: after.src, ...(after.sport !== tuple.sport ? { port: after.sport } : {}) } } : {}),
          seenReply: false,
          mark: 0,
          origIn: packet.in,
          origOut: trace.path === 'input' || trace.egress === 'lo' ? null : trace.egress,
        };
        connections.push(created);
        conn = created;
      }
    }
    connectionOf.push(conn);
    traces.push(trace);
  });
  return { traces, problems };
}
