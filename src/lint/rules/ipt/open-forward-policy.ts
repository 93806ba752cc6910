/**
 * filter FORWARD with policy ACCEPT and no catch-all DROP/REJECT at its end, on a host that
 * forwards: anything routable through the host passes. Without --host the linter cannot see
 * net.ipv4.ip_forward, so it only reports when the ruleset itself shows forwarding in use (rules
 * in FORWARD, NAT rules, Docker chains) and says that it assumed forwarding is on.
 */
import type { Chain, Table } from '../../../ast/types.js';
import type { LintRule } from '../../rule.js';
import { isTerminal, isUnconditional, jumpTarget, tableGraph, tablesOf, families } from '../../graph.js';
import { sysctl } from '../../../eval/host.js';

/** The chain ends every packet with DROP/REJECT: its last rule is unconditional and drops (directly or via -j/-g). */
function endsInDrop(chain: Chain, table: Table, depth = 0): boolean {
  const last = chain.rules[chain.rules.length - 1];
  if (!last || !isUnconditional(last) || depth > 8) return false;
  const name = last.target?.name;
  if (name === 'DROP' || name === 'REJECT') return true;
  const to = jumpTarget(last, tableGraph(table).chains);
  return !!to && endsInDrop(to, table, depth + 1);
}

export const rule: LintRule = {
  meta: {
    id: 'ipt/open-forward-policy',
    severity: 'warning',
    description: 'FORWARD policy ACCEPT with no final DROP: the host routes anything it is sent.',
    docs: 'docs/rules/ipt/open-forward-policy.md',
    messages: {
      open: 'FORWARD policy is ACCEPT and nothing drops at its end: packets routed through this host that no rule stops are forwarded{{assumption}}',
    },
  },
  check(context) {
    for (const family of families(context.ruleset)) {
      const tables = tablesOf(context.ruleset, family);
      const filter = tables.get('filter');
      const forward = filter?.chains.find((c) => c.name === 'FORWARD');
      if (!filter || !forward || forward.policy !== 'ACCEPT' || endsInDrop(forward, filter)) continue;
      const forwardingKey = family === 4 ? 'net.ipv4.ip_forward' : 'net.ipv6.conf.all.forwarding';
      let assumption = '';
      if (context.host) {
        if (sysctl(context.host, forwardingKey, 0) === 0) continue;
      } else {
        const nat = tables.get('nat');
        const natInUse = nat?.chains.some((c) => c.rules.some((r) => isTerminal(r, nat)));
        const dockerInUse = filter.chains.some((c) => c.name.startsWith('DOCKER'));
        if (!forward.rules.length && !natInUse && !dockerInUse) continue;
        assumption = ` (assumed ${forwardingKey} = 1: no --host given)`;
      }
      context.report({ messageId: 'open', data: { assumption }, table: filter, chain: forward, rule: null });
    }
  },
};
