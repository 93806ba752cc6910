/**
 * Matches on connection tracking and packet metadata rather than on header fields:
 * conntrack/state, marks, rate limits, counters, owners, sets, … (one file each under match/).
 */
import type { ExtensionDef } from './extension.js';
import { conntrackMatch } from './match/conntrack.js';
import { stateMatch } from './match/state.js';
import { markMatch } from './match/mark.js';
import { connmarkMatch } from './match/connmark.js';
import { connlimitMatch } from './match/connlimit.js';
import { connbytesMatch } from './match/connbytes.js';
import { connlabelMatch } from './match/connlabel.js';
import { limitMatch } from './match/limit.js';
import { hashlimitMatch } from './match/hashlimit.js';
import { recentMatch } from './match/recent.js';
import { statisticMatch } from './match/statistic.js';
import { quotaMatch } from './match/quota.js';
import { timeMatch } from './match/time.js';
import { commentMatch } from './match/comment.js';
import { ownerMatch } from './match/owner.js';
import { setMatch } from './match/set.js';
import { rpfilterMatch } from './match/rpfilter.js';
import { socketMatch } from './match/socket.js';
import { helperMatch } from './match/helper.js';
import { ipvsMatch } from './match/ipvs.js';
import { clusterMatch } from './match/cluster.js';
import { nfacctMatch } from './match/nfacct.js';
import { rateestMatch } from './match/rateest.js';

/** Each def is typed by its own options; the registry stores them untyped (options flow from parse to save). */
function untyped<O>(def: ExtensionDef<O>): ExtensionDef {
  return def as unknown as ExtensionDef;
}

export const STATE_MATCHES: readonly ExtensionDef[] = [
  untyped(conntrackMatch),
  untyped(stateMatch),
  untyped(markMatch),
  untyped(connmarkMatch),
  untyped(connlimitMatch),
  untyped(connbytesMatch),
  untyped(connlabelMatch),
  untyped(limitMatch),
  untyped(hashlimitMatch),
  untyped(recentMatch),
  untyped(statisticMatch),
  untyped(quotaMatch),
  untyped(timeMatch),
  untyped(commentMatch),
  untyped(ownerMatch),
  untyped(setMatch),
  untyped(rpfilterMatch),
  untyped(socketMatch),
  untyped(helperMatch),
  untyped(ipvsMatch),
  untyped(clusterMatch),
  untyped(nfacctMatch),
  untyped(rateestMatch),
];
