/** `-m hbh` (libip6t_hbh, IPv6): the Hop-by-Hop Options header. */
import { matchGuard } from './packet-util.js';
import { ipv6OptsExtension, type Ipv6OptsOptions } from './ipv6-opts.js';

export type HbhOptions = Ipv6OptsOptions;

export const isHbhMatch = matchGuard<HbhOptions>('hbh');

export const hbhMatch = ipv6OptsExtension('hbh');
