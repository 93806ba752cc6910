/**
 * The netfilter pipeline as data: which tables run at which hook, in priority order
 * (NF_IP_PRI_RAW -300, conntrack -200, MANGLE -150, NAT_DST -100, FILTER 0, SECURITY 50,
 * NAT_SRC 100). Conntrack is not a table; it is where the packet gets its state.
 */
import type { Hook } from './types.js';

export type Stage = { readonly kind: 'table'; readonly table: string } | { readonly kind: 'conntrack' };

const t = (table: string): Stage => ({ kind: 'table', table });
const CONNTRACK: Stage = { kind: 'conntrack' };

export const HOOK_STAGES: Readonly<Record<Hook, readonly Stage[]>> = {
  PREROUTING: [t('raw'), CONNTRACK, t('mangle'), t('nat')],
  INPUT: [t('mangle'), t('filter'), t('security'), t('nat')],
  FORWARD: [t('mangle'), t('filter'), t('security')],
  OUTPUT: [t('raw'), CONNTRACK, t('mangle'), t('nat'), t('filter'), t('security')],
  POSTROUTING: [t('mangle'), t('nat')],
};
