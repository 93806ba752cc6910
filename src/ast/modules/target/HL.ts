/** HL (libip6t_HL.c; kernel xt_HL.c): the IPv6 hop limit counterpart of TTL. */
import { targetGuard } from './target-util.js';
import { hopLimitDef, type TtlOptions } from './TTL.js';

export type HlOptions = TtlOptions;

export const HL = hopLimitDef('HL', 6);
export const isHlTarget = targetGuard<HlOptions>('HL');
