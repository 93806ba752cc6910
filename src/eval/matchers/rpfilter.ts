/**
 * `-m rpfilter` as xt_rpfilter / ip6t_rpfilter decide it, with the host model's routes: the
 * reverse route to the source must be a unicast route out of the interface the packet came in
 * by (any interface with `--loose`); a source that is this host's address passes only with
 * `--accept-local`. Packets from `lo` pass, and so do DHCP-style packets from 0.0.0.0 to
 * 255.255.255.255 or 224.0.0.0/24 (IPv6: from `::`). `--invert` flips the answer. netfate's host
 * model has no policy routing, so `--validmark` changes nothing.
 */
import { isRpfilterMatch, type RpfilterOptions } from '../../ast/modules/match/rpfilter.js';
import type { MatchEnv } from '../state.js';
import { route } from '../host.js';
import { addressBytes, type AddressBytes } from '../../net/ip.js';
import { bool, may, registerTyped } from './common.js';
import { ownAddresses } from './addrtype.js';
import type { MatchResult } from './index.js';

function sameBytes(a: AddressBytes, b: AddressBytes): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The reverse-path check itself (before --invert); a string when it cannot be decided. */
function reversePathOk(o: RpfilterOptions, env: MatchEnv): boolean | string {
  const p = env.packet;
  if (p.inIface === 'lo') return true;
  const src = addressBytes(p.src);
  const dst = addressBytes(p.dst);
  if (!src || !dst) return `the addresses of the packet cannot be read`;
  if (src.length === 4) {
    const zeroSource = src[0] === 0;
    const limitedBroadcast = dst.every((b) => b === 255);
    const localMulticast = dst[0] === 224 && dst[1] === 0 && dst[2] === 0;
    if (zeroSource && (limitedBroadcast || localMulticast)) return true;
  } else {
    if (src.every((b) => b === 0)) return true;
    if (src[0] === 0xfe && (src[1] & 0xc0) === 0x80) return `the link-local routes of ${p.inIface} are not in the host model`;
  }
  if (!env.hostKnown) return 'without a host model, the route back to the source is not known';
  const back = route(env.host, p.src);
  if (back.local) {
    if (!o.acceptLocal) return false;
    // IPv4 still wants the local route on the incoming interface; IPv6 accepts any local route.
    if (src.length === 16 || o.loose) return true;
    const own = src[0] === 127 ? 'lo' : ownAddresses(env.host, 4).find((a) => sameBytes(a.bytes, src))?.iface;
    return own === p.inIface;
  }
  if (back.dev === null) return false;
  if (src.length === 4 && ownAddresses(env.host, 4).some((a) => a.prefix < 31 && isBroadcastOf(src, a.bytes, a.prefix))) return false;
  return o.loose || back.dev === p.inIface;
}

function isBroadcastOf(addr: AddressBytes, net: AddressBytes, prefix: number): boolean {
  for (let bit = 0; bit < 32; bit++) {
    const a = addr[bit >> 3] & (0x80 >> (bit & 7));
    if (bit < prefix ? a !== (net[bit >> 3] & (0x80 >> (bit & 7))) : !a) return false;
  }
  return true;
}

export function evaluateRpfilter(o: RpfilterOptions, env: MatchEnv): MatchResult {
  const ok = reversePathOk(o, env);
  if (typeof ok === 'string') return may(ok);
  return bool(ok !== o.invert);
}

registerTyped('rpfilter', isRpfilterMatch, evaluateRpfilter);
