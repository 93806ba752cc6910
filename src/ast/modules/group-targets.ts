/**
 * Target extensions (`-j NAME`). Targets that differ per family (libipt_* / libip6t_*, or one
 * libxt_* file with per-family option tables) are registered once per family.
 */
import type { ExtensionDef } from './extension.js';
import { AUDIT } from './target/AUDIT.js';
import { CHECKSUM } from './target/CHECKSUM.js';
import { CLASSIFY } from './target/CLASSIFY.js';
import { CONNMARK } from './target/CONNMARK.js';
import { CONNSECMARK } from './target/CONNSECMARK.js';
import { CT, NOTRACK } from './target/CT.js';
import { DNAT4, DNAT6 } from './target/DNAT.js';
import { DNPT } from './target/DNPT.js';
import { DSCP } from './target/DSCP.js';
import { ECN } from './target/ECN.js';
import { HL } from './target/HL.js';
import { HMARK4, HMARK6 } from './target/HMARK.js';
import { IDLETIMER } from './target/IDLETIMER.js';
import { LED } from './target/LED.js';
import { LOG } from './target/LOG.js';
import { MARK } from './target/MARK.js';
import { MASQUERADE4, MASQUERADE6 } from './target/MASQUERADE.js';
import { NETMAP4, NETMAP6 } from './target/NETMAP.js';
import { NFLOG } from './target/NFLOG.js';
import { NFQUEUE } from './target/NFQUEUE.js';
import { RATEEST } from './target/RATEEST.js';
import { REDIRECT } from './target/REDIRECT.js';
import { REJECT4, REJECT6 } from './target/REJECT.js';
import { SECMARK } from './target/SECMARK.js';
import { SET } from './target/SET.js';
import { SNAT4, SNAT6 } from './target/SNAT.js';
import { SNPT } from './target/SNPT.js';
import { SYNPROXY } from './target/SYNPROXY.js';
import { TCPMSS4, TCPMSS6 } from './target/TCPMSS.js';
import { TCPOPTSTRIP } from './target/TCPOPTSTRIP.js';
import { TEE4, TEE6 } from './target/TEE.js';
import { TOS } from './target/TOS.js';
import { TPROXY4, TPROXY6 } from './target/TPROXY.js';
import { TRACE } from './target/TRACE.js';
import { TTL } from './target/TTL.js';

/** Each def is typed by its own options; the registry stores them untyped (options flow from parse to save). */
function untyped<O>(def: ExtensionDef<O>): ExtensionDef {
  return def as unknown as ExtensionDef;
}

export const TARGETS: readonly ExtensionDef[] = [
  untyped(AUDIT),
  untyped(CHECKSUM),
  untyped(CLASSIFY),
  untyped(CONNMARK),
  untyped(CONNSECMARK),
  untyped(CT),
  untyped(NOTRACK),
  untyped(DNAT4),
  untyped(DNAT6),
  untyped(DNPT),
  untyped(SNPT),
  untyped(DSCP),
  untyped(ECN),
  untyped(HL),
  untyped(HMARK4),
  untyped(HMARK6),
  untyped(IDLETIMER),
  untyped(LED),
  untyped(LOG),
  untyped(MARK),
  untyped(MASQUERADE4),
  untyped(MASQUERADE6),
  untyped(NETMAP4),
  untyped(NETMAP6),
  untyped(NFLOG),
  untyped(NFQUEUE),
  untyped(RATEEST),
  untyped(REDIRECT),
  untyped(REJECT4),
  untyped(REJECT6),
  untyped(SECMARK),
  untyped(SET),
  untyped(SNAT4),
  untyped(SNAT6),
  untyped(SYNPROXY),
  untyped(TCPMSS4),
  untyped(TCPMSS6),
  untyped(TCPOPTSTRIP),
  untyped(TEE4),
  untyped(TEE6),
  untyped(TOS),
  untyped(TPROXY4),
  untyped(TPROXY6),
  untyped(TRACE),
  untyped(TTL),
];
