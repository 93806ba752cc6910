/**
 * `-m connmark`: the mark of the packet's connection (ct mark), same `VALUE[/MASK]` form and
 * printing as `-m mark`.
 */
import type { Match } from '../../types.js';
import { markLikeMatch, type MarkOptions } from './mark.js';
import { isKnownMatch } from './state-util.js';

export type ConnmarkOptions = MarkOptions;

export function isConnmarkMatch(m: Match): m is Match<ConnmarkOptions> {
  return isKnownMatch(m, 'connmark');
}

export const connmarkMatch = markLikeMatch('connmark');
