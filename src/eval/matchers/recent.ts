/**
 * `-m recent` as xt_recent decides it: `--set` adds (or refreshes) the address in the list and
 * always matches (`!` makes it never match); `--rcheck`, `--update` and `--remove` depend on
 * what earlier packets put in the list.
 */
import type { Match } from '../../ast/types.js';
import type { RecentOptions } from '../../ast/modules/match/recent.js';
import { bool, may, moduleGuard, registerTyped } from './common.js';
import type { MatchResult } from './index.js';

export function evaluateRecent(o: RecentOptions): MatchResult {
  if (o.command === 'set') return bool(!o.negated);
  return may(`whether the ${o.side} address is in recent list "${o.name}" depends on earlier packets`);
}

const isRecentMatch: (m: Match) => m is Match<RecentOptions> = moduleGuard<RecentOptions>('recent');
registerTyped('recent', isRecentMatch, (o) => evaluateRecent(o));
