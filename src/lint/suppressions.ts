/**
 * Inline suppression: a rule whose `-m comment --comment` contains `netfate-disable ID[,ID]` is
 * exempt from those finding ids. The comment is part of the rule, so the exemption travels with it
 * through iptables-save and back.
 */
import type { Rule } from '../ast/types.js';
import { isCommentMatch } from '../ast/modules/match/comment.js';

const DIRECTIVE = /netfate-disable\s+([A-Za-z0-9_./-]+(?:\s*,\s*[A-Za-z0-9_./-]+)*)/g;

/** The finding ids a rule's comments disable. */
export function disabledIds(rule: Rule): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const m of rule.matches) {
    if (!isCommentMatch(m)) continue;
    for (const hit of m.options.text.matchAll(DIRECTIVE)) {
      for (const id of hit[1].split(',')) ids.add(id.trim());
    }
  }
  return ids;
}
