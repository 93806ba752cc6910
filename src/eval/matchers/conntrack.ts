/**
 * `-m conntrack` as xt_conntrack (revision 3) decides it.
 *
 * The state bit is the packet's ctinfo (NEW, ESTABLISHED, RELATED), UNTRACKED for a packet
 * NOTRACK exempted, and INVALID when there is no entry: before the conntrack hook (rules in raw
 * see INVALID) and for packets conntrack refused. SNAT/DNAT are extra bits from the entry's
 * status. With no entry, the match is decided by `--ctstate` alone: it is true when a state
 * option was given and passed, false otherwise, whatever else the rule asks. Every other option
 * reads the entry: direction, the tuples of both directions (addresses under a mask, ports as
 * inclusive ranges), the protocol, the status (any listed bit set; `NONE` never matches) and the
 * remaining lifetime. Each option has its own `!`.
 */
import type { Negatable } from '../../ast/types.js';
import { isConntrackMatch, type ConntrackOptions, type CtState } from '../../ast/modules/match/conntrack.js';
import type { HostMask, PortSpan } from '../../ast/modules/match/state-util.js';
import { visibleState, type ConntrackView, type EvalPacket } from '../state.js';
import { addressBytes } from '../../net/ip.js';
import { both, hitUnless, may, NO, registerTyped, YES } from './common.js';
import type { MatchResult } from './index.js';

/** The entry's NAT status bits, as ConntrackView spells them (IPS_SRC_NAT, IPS_DST_NAT). */
const SNAT_STATUS = 'SNAT';
const DNAT_STATUS = 'DNAT';

/** Whether the packet has a conntrack entry (the kernel's ct != NULL). */
export function hasConntrackEntry(p: EvalPacket): boolean {
  const s = visibleState(p);
  return s === 'NEW' || s === 'ESTABLISHED' || s === 'RELATED';
}

/** `--ctstate`, tristate: the NAT bits are unknown when the entry's status is not known. */
export function stateTest(sel: Negatable<readonly CtState[]>, p: EvalPacket): MatchResult {
  const base = visibleState(p);
  if (sel.value.includes(base)) return hitUnless(true, sel.negated);
  // Asked for the NAT bits? (Most rules ask for states only: a rule such as KUBE-FORWARD's
  // `--ctstate INVALID` is tested for every forwarded packet, so no list is made for them.)
  const snat = sel.value.includes('SNAT');
  const dnat = sel.value.includes('DNAT');
  if ((!snat && !dnat) || !hasConntrackEntry(p)) return hitUnless(false, sel.negated);
  if (!p.ct) return may(`whether the connection is ${sel.value.filter((s) => s === 'SNAT' || s === 'DNAT').join('/')}ed is not known`);
  const status = p.ct.status;
  const nat = (snat && status.includes(SNAT_STATUS)) || (dnat && status.includes(DNAT_STATUS));
  return hitUnless(nat, sel.negated);
}

function maskedEqual(addr: string, sel: HostMask): boolean | null {
  const a = addressBytes(addr);
  const want = addressBytes(sel.address);
  const mask = addressBytes(sel.mask);
  if (!a || !want || !mask || a.length !== want.length) return null;
  return a.every((b, i) => ((b ^ want[i]) & mask[i]) === 0);
}

function addressTest(sel: Negatable<HostMask> | undefined, ct: ConntrackView | null, pick: (ct: ConntrackView) => string, what: string): MatchResult {
  if (!sel) return YES;
  if (!ct) return may(`the connection's ${what} is not known`);
  const hit = maskedEqual(pick(ct), sel.value);
  return hit === null ? may(`the connection's ${what} is not an address of this family`) : hitUnless(hit, sel.negated);
}

function portTupleTest(sel: Negatable<PortSpan> | undefined, ct: ConntrackView | null, pick: (ct: ConntrackView) => number | undefined, what: string): MatchResult {
  if (!sel) return YES;
  const port = ct ? pick(ct) : undefined;
  if (port === undefined) return may(`the connection's ${what} is not known`);
  return hitUnless(port >= sel.value.from && port <= sel.value.to, sel.negated);
}

function protoTest(sel: Negatable<number> | undefined, p: EvalPacket): MatchResult {
  if (!sel) return YES;
  // An ICMP error RELATED to a connection belongs to that connection, whose protocol is not the
  // packet's; any other packet's entry has the packet's own protocol.
  if (visibleState(p) === 'RELATED' && (p.proto === 1 || p.proto === 58)) {
    return may("the protocol of the connection an ICMP error relates to is not known");
  }
  return hitUnless(p.proto === sel.value, sel.negated);
}

function statusTest(sel: Negatable<readonly string[]> | undefined, ct: ConntrackView | null): MatchResult {
  if (!sel) return YES;
  if (!ct) return may("the connection's status bits are not known");
  return hitUnless(sel.value.some((s) => ct.status.includes(s)), sel.negated);
}

// The tuple fields the tests read, made once rather than per packet.
const ORIG_SRC = (c: ConntrackView): string => c.origSrc;
const ORIG_DST = (c: ConntrackView): string => c.origDst;
const REPL_SRC = (c: ConntrackView): string => c.replSrc;
const REPL_DST = (c: ConntrackView): string => c.replDst;
const ORIG_SPORT = (c: ConntrackView): number | undefined => c.origSport;
const ORIG_DPORT = (c: ConntrackView): number | undefined => c.origDport;
const REPL_SPORT = (c: ConntrackView): number | undefined => c.replSport;
const REPL_DPORT = (c: ConntrackView): number | undefined => c.replDport;

export function evaluateConntrack(o: ConntrackOptions, p: EvalPacket): MatchResult {
  const state = o.state ? stateTest(o.state, p) : YES;
  if (state.result === 'no') return NO;
  if (!hasConntrackEntry(p)) return o.state ? state : NO;
  // Nearly every rule asks only the state: the other tests are made only when asked.
  if (!hasEntryOptions(o)) return state;
  const ct = p.ct;
  let r = state;
  if (o.direction) r = both(r, bool(p.ctDir === o.direction));
  if (o.origSrc) r = both(r, addressTest(o.origSrc, ct, ORIG_SRC, 'original source'));
  if (o.origDst) r = both(r, addressTest(o.origDst, ct, ORIG_DST, 'original destination'));
  if (o.replSrc) r = both(r, addressTest(o.replSrc, ct, REPL_SRC, 'reply source'));
  if (o.replDst) r = both(r, addressTest(o.replDst, ct, REPL_DST, 'reply destination'));
  if (o.proto) r = both(r, protoTest(o.proto, p));
  if (o.origSrcPort) r = both(r, portTupleTest(o.origSrcPort, ct, ORIG_SPORT, 'original source port'));
  if (o.origDstPort) r = both(r, portTupleTest(o.origDstPort, ct, ORIG_DPORT, 'original destination port'));
  if (o.replSrcPort) r = both(r, portTupleTest(o.replSrcPort, ct, REPL_SPORT, 'reply source port'));
  if (o.replDstPort) r = both(r, portTupleTest(o.replDstPort, ct, REPL_DPORT, 'reply destination port'));
  if (o.status) r = both(r, statusTest(o.status, ct));
  if (o.expire) r = both(r, EXPIRE_UNKNOWN);
  return r;
}

const EXPIRE_UNKNOWN = may("the connection's remaining lifetime is not known");

function hasEntryOptions(o: ConntrackOptions): boolean {
  return !!(o.direction || o.origSrc || o.origDst || o.replSrc || o.replDst || o.proto || o.origSrcPort || o.origDstPort || o.replSrcPort || o.replDstPort || o.status || o.expire);
}

function bool(value: boolean): MatchResult {
  return value ? YES : NO;
}

registerTyped('conntrack', isConntrackMatch, (o, env) => evaluateConntrack(o, env.packet));
