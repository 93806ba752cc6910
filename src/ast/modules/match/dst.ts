/** `-m dst` (libip6t_dst, IPv6): the Destination Options header. */
import { matchGuard } from './packet-util.js';
import { ipv6OptsExtension, type Ipv6OptsOptions } from './ipv6-opts.js';

export type DstOptions = Ipv6OptsOptions;

export const isDstMatch = matchGuard<DstOptions>('dst');

export const dstMatch = ipv6OptsExtension('dst');
