/**
 * Docker's chains are in filter FORWARD, but DOCKER-USER does not get the first look at forwarded
 * packets: the chain is missing, FORWARD does not jump to it, or an earlier FORWARD rule can
 * accept the packet (directly or through a chain) before DOCKER-USER runs. Rules the administrator
 * put in DOCKER-USER are then bypassed.
 */
import type { Chain, Rule, Table } from '../../../ast/types.js';
import type { LintRule } from '../../rule.js';
import { dockerLayouts, chainOf, ERA_LABELS } from '../../docker-era.js';
import { jumpTarget, ruleRef, tableGraph, targetText } from '../../graph.js';

/** The rule may accept the packet: ACCEPT, or a jump/goto into a chain from which an ACCEPT is reachable. */
function mayAccept(rule: Rule, table: Table): boolean {
  if (rule.target?.name === 'ACCEPT') return true;
  const g = tableGraph(table);
  const start = jumpTarget(rule, g.chains);
  if (!start) return false;
  const seen = new Set<string>();
  const stack: Chain[] = [start];
  while (stack.length) {
    const c = stack.pop()!;
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    for (const r of c.rules) {
      if (r.target?.name === 'ACCEPT') return true;
      const next = jumpTarget(r, g.chains);
      if (next) stack.push(next);
    }
  }
  return false;
}

export const rule: LintRule = {
  meta: {
    id: 'docker/docker-user-not-first',
    severity: 'warning',
    description: 'DOCKER-USER is missing, not jumped to, or not the first thing FORWARD does, so its rules can be bypassed.',
    docs: 'docs/rules/docker/docker-user-not-first.md',
    messages: {
      missing: '{{era}} chains are present (IPv{{family}}) but there is no DOCKER-USER chain (Docker creates it from 17.06; older daemons, and IPv6 on 20.10, lack it): there is no place to filter traffic to containers that Docker leaves alone',
      noJump: 'FORWARD never jumps to DOCKER-USER: rules in DOCKER-USER never see a packet',
      notFirst: '{{before}} `{{target}}` can accept forwarded packets before FORWARD jumps to DOCKER-USER ({{jump}}): DOCKER-USER rules do not see them',
    },
  },
  check(context) {
    for (const layout of dockerLayouts(context.ruleset)) {
      const filter = layout.filter;
      const forward = chainOf(filter, 'FORWARD');
      if (!filter || !forward) continue;
      // Docker chains in the filter table are what makes DOCKER-USER matter (nat-only input says nothing).
      if (!filter.chains.some((c) => /^DOCKER(-FORWARD|-ISOLATION.*)?$/.test(c.name))) continue;
      const user = chainOf(filter, 'DOCKER-USER');
      if (!user) {
        // 17.06 introduced DOCKER-USER; older layouts and IPv6 before 23.0 legitimately lack it, but the gap is the same.
        context.report({ messageId: 'missing', data: { era: ERA_LABELS[layout.era], family: layout.family }, table: filter, chain: forward, rule: null });
        continue;
      }
      const jumpIndex = forward.rules.findIndex((r) => r.target?.name === 'DOCKER-USER');
      if (jumpIndex < 0) {
        // docker/orphaned-chain reports the unreachable chain itself; this says what it means for FORWARD.
        context.report({ messageId: 'noJump', table: filter, chain: forward, rule: null });
        continue;
      }
      const jump = forward.rules[jumpIndex];
      const before = forward.rules.slice(0, jumpIndex).find((r) => mayAccept(r, filter));
      if (!before) continue;
      context.report({
        messageId: 'notFirst',
        data: { before: ruleRef(before), target: targetText(before), jump: ruleRef(jump) },
        table: filter,
        chain: forward,
        rule: before,
      });
    }
  },
};
