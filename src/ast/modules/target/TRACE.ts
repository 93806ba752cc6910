/**
 * TRACE (libxt_TRACE.c): marks the packet for rule tracing. iptables-nft turns it into
 * nftables' `meta nftrace set 1`, so the kernel's raw-table restriction of xt_TRACE does not apply.
 */
import type { ExtensionDef } from '../extension.js';
import { targetGuard } from './target-util.js';

export type TraceOptions = Record<string, never>;

export const TRACE: ExtensionDef<TraceOptions> = {
  kind: 'target',
  name: 'TRACE',
  options: [],
  parse(): TraceOptions {
    return {};
  },
  save(): string {
    return '';
  },
};

export const isTraceTarget = targetGuard<TraceOptions>('TRACE');
