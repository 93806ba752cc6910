/** `-m hl` as xt_hl's hl_mt6 decides it: the IPv6 hop limit compared as `-m ttl` compares the TTL. */
import { isHlMatch } from '../../ast/modules/match/hl.js';
import { registerTyped } from './common.js';
import { compareByte } from './ttl.js';

registerTyped('hl', isHlMatch, (o, env) => compareByte(env.packet.ttl, o));
