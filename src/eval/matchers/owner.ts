/**
 * `-m owner` (revision 1) as xt_owner decides it, from the socket of a packet this host sends.
 *
 * Without a socket (a forwarded packet in POSTROUTING) the match is true only when every option
 * given is negated, and `--suppl-groups` (never negated) then makes it false. With a socket,
 * `! --socket-exists` fails, `--uid-owner` compares the sender's uid with the inclusive range,
 * `--gid-owner` its group (not part of the packet description). The kernel loads the match only
 * in OUTPUT and POSTROUTING.
 */
import { isOwnerMatch, type OwnerId, type OwnerOptions } from '../../ast/modules/match/owner.js';
import type { Negatable } from '../../ast/types.js';
import type { MatchEnv } from '../state.js';
import { all, hitUnless, may, NO, registerTyped, YES } from './common.js';
import type { MatchResult } from './index.js';

function uidTest(uid: number, sel: Negatable<OwnerId> | undefined): MatchResult {
  if (!sel) return YES;
  if ('name' in sel.value) return may(`user "${sel.value.name}" is resolved on the target system`);
  return hitUnless(uid >= sel.value.min && uid <= sel.value.max, sel.negated);
}

export function evaluateOwner(o: OwnerOptions, env: MatchEnv): MatchResult {
  if (env.hook !== 'OUTPUT' && env.hook !== 'POSTROUTING') {
    return may(`the kernel refuses -m owner in ${env.hook}, so this rule cannot be loaded as it is reached`);
  }
  const p = env.packet;
  const given = [o.uid, o.gid, o.socketExists].filter((s) => s !== undefined);
  if (!p.local) return !o.supplGroups && given.every((s) => s.negated) ? YES : NO;
  if (p.uid === undefined) return may('whether the packet has a local socket, and its owner, are not given');
  if (o.socketExists?.negated) return NO;
  return all([uidTest(p.uid, o.uid), o.gid ? may("the sending socket's group is not part of the packet description") : YES]);
}

registerTyped('owner', isOwnerMatch, evaluateOwner);
