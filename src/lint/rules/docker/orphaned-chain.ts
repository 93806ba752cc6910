/**
 * Docker's chains are there but the builtin chains no longer lead into them: typically after a
 * firewall reload (firewalld, netfilter-persistent, `iptables-restore` without `-n`) flushed the
 * builtin chains while the daemon kept running. Published ports and container egress then stop
 * working, or DOCKER-USER filtering silently stops.
 */
import type { LintRule } from '../../rule.js';
import { dockerLayouts, isDockerChain } from '../../docker-era.js';
import { tableGraph } from '../../graph.js';

export const rule: LintRule = {
  meta: {
    id: 'docker/orphaned-chain',
    severity: 'warning',
    description: 'A Docker chain that no builtin chain leads to (its jump was lost, e.g. by a firewall reload).',
    docs: 'docs/rules/docker/orphaned-chain.md',
    messages: {
      orphaned: '{{table}} chain {{chain}} ({{rules}} rule(s)) is not reached from any builtin chain: Docker\'s jump to it is gone (a firewall reload?); restart the Docker daemon to recreate it',
      natOutputOnly: 'nat chain DOCKER is only reached from OUTPUT, not from PREROUTING: published ports work from this host but not from outside',
    },
  },
  check(context) {
    for (const layout of dockerLayouts(context.ruleset)) {
      for (const table of [layout.filter, layout.nat]) {
        if (!table) continue;
        const g = tableGraph(table);
        for (const chain of table.chains) {
          if (chain.builtin || !isDockerChain(chain.name)) continue;
          const hooks = g.hooksReaching.get(chain.name);
          if (!hooks) {
            // An empty chain with nothing to lose (e.g. DOCKER-INGRESS left by swarm) is not worth a warning.
            if (!chain.rules.length && chain.name !== 'DOCKER-USER') continue;
            context.report({ messageId: 'orphaned', data: { table: table.name, chain: chain.name, rules: chain.rules.length }, table, chain, rule: null });
          } else if (table.name === 'nat' && chain.name === 'DOCKER' && !hooks.has('PREROUTING') && chain.rules.some((r) => r.target?.name === 'DNAT')) {
            context.report({ messageId: 'natOutputOnly', table, chain, rule: null });
          }
        }
      }
    }
  },
};
