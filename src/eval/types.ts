/**
 * Values the evaluator takes and returns: a packet, a host model, and the trace of what
 * netfilter does with the packet. Field names follow CONTRACT.md (`trace --format json`).
 */
import type { Family } from '../ast/types.js';

export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';
export type CtDirection = 'ORIGINAL' | 'REPLY';
export type TcpFlag = 'FIN' | 'SYN' | 'RST' | 'PSH' | 'ACK' | 'URG' | 'ECE' | 'CWR';

/** A packet as it arrives (or as this host sends it). */
export interface Packet {
  readonly family: Family;
  /** Arrival interface; null when this host generates the packet (OUTPUT path). */
  readonly in: string | null;
  readonly src: string;
  readonly dst: string;
  /** IP protocol number (6 tcp, 17 udp, 1 icmp, 58 icmpv6, 132 sctp, …). */
  readonly proto: number;
  readonly sport?: number;
  readonly dport?: number;
  readonly tcpFlags?: readonly TcpFlag[];
  readonly icmpType?: number;
  readonly icmpCode?: number;
  /** The state conntrack gives the packet (before raw NOTRACK, which makes it UNTRACKED). */
  readonly state: CtState;
  readonly ctDir: CtDirection;
  readonly mark: number;
  readonly uid?: number;
  /** IP total length. */
  readonly length: number;
  readonly ttl: number;
  /** The bridge port a bridged frame came in by. */
  readonly physdevIn?: string;
}

export interface HostInterface {
  readonly name: string;
  /** CIDR text, e.g. `192.0.2.2/24`, `2001:db8::1/64`. */
  readonly addresses: readonly string[];
  readonly bridge?: boolean;
  readonly up?: boolean;
  readonly hairpin?: boolean;
  /** The bridge this interface is a port of. */
  readonly master?: string;
}

export interface HostRoute {
  /** `default` or CIDR. */
  readonly dst: string;
  readonly dev: string;
  readonly via?: string;
}

/** CONTRACT.md "Host model". `lo` with 127.0.0.1/8 and ::1/128 is always present. */
export interface HostModel {
  readonly interfaces: readonly HostInterface[];
  readonly routes: readonly HostRoute[];
  readonly sysctl: Readonly<Record<string, number | string>>;
}

export type Tristate = 'yes' | 'no' | 'may';
export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT' | 'QUEUE' | 'UNDECIDED';
export type PathKind = 'prerouting' | 'input' | 'forward' | 'output';
export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** The packet fields the JSON trace shows. */
export interface PacketView {
  readonly src: string;
  readonly dst: string;
  readonly proto: string;
  readonly sport?: number;
  readonly dport?: number;
  readonly mark?: number;
  readonly state?: CtState;
}

export interface TraceStep {
  readonly hook: Hook;
  readonly table: string;
  readonly chain: string;
  /** 1-based rule number in its chain; null for a policy. */
  readonly rule: number | null;
  /** Input line of the rule (or of the chain declaration for a policy); null when unknown. */
  readonly line: number | null;
  readonly file?: string;
  readonly match: Tristate;
  /**
   * What the step did: the rule's target when it matched (`ACCEPT`, `DNAT`, `jump:NAME`,
   * `goto:NAME`, …), `policy:DROP` for a policy, null for a rule that did not match.
   */
  readonly target: string | null;
  /** Chain depth (0 for the builtin chain), for indenting jumps. */
  readonly depth: number;
  /** The packet after this step when the step changed it (NAT, MARK, NOTRACK). */
  readonly packet?: PacketView;
  /** Why a match was "may", or what a non-terminating target did. */
  readonly note?: string;
}

export interface Outcome {
  readonly verdict: Exclude<Verdict, 'UNDECIDED'>;
  readonly probability: number | null;
  readonly because: string;
  /** The packet as this fate leaves it (after NAT): a load-balanced service's endpoint, say. */
  readonly packet?: PacketView;
  readonly path?: PathKind;
  readonly egress?: string | null;
  /** Every rule tested on the way to this fate (the `may` matches taken as `because` says). */
  readonly steps?: readonly TraceStep[];
}

export interface Trace {
  readonly verdict: Verdict;
  readonly path: PathKind;
  readonly egress: string | null;
  readonly packet: PacketView;
  readonly steps: readonly TraceStep[];
  readonly outcomes?: readonly Outcome[];
  /** One sentence saying what happened and why. */
  readonly summary: string;
  /** What the evaluator had to assume (no host model, listing lost interfaces, …). */
  readonly assumptions: readonly string[];
  /** Rewrites conntrack made without the nat chains (later packets of a NATed connection). */
  readonly rewrites?: readonly { readonly hook: Hook; readonly note: string; readonly packet: PacketView }[];
}
