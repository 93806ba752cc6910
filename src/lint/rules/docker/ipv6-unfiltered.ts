/**
 * A Docker host filtered over IPv4 and open over IPv6. Docker managed ip6tables only when asked
 * before 27.0 (and gave it no DOCKER-USER in 20.10), so hosts end up with a careful IPv4 ruleset
 * next to an IPv6 one that accepts everything. Needs both families in the input (an iptables-save
 * and an ip6tables-save file), or --host for the "no IPv6 ruleset at all" case:
 *  - input: a new connection to a port IPv4 drops is accepted over IPv6 (decided by the evaluator
 *    on both rulesets);
 *  - dockerUser: IPv4 DOCKER-USER restricts (DROP/REJECT) while IPv6 has Docker's chains and a
 *    DOCKER-USER that restricts nothing, or none at all;
 *  - noDockerChains: the host model gives a Docker bridge a global IPv6 address, but the IPv6
 *    ruleset has none of Docker's chains (ip6tables off: container addresses are routed unfiltered);
 *  - noIpv6Ruleset: the same bridge, and no IPv6 ruleset in the input.
 */
import type { Chain, Table } from '../../../ast/types.js';
import type { HostModel } from '../../../eval/types.js';
import { evaluatePacket } from '../../../eval/evaluate.js';
import type { LintRule } from '../../rule.js';
import { chainOf, dockerLayouts, isDockerChain, type DockerLayout } from '../../docker-era.js';
import { dockerHost, inboundPacket } from '../../docker-host.js';
import { ruleRef, tablesOf } from '../../graph.js';

/** Ports an attacker tries first, after the ones Docker publishes. */
const PROBE_PORTS = [22, 80, 443, 3306, 5432, 6379, 8080, 2375];

function emptyLayout(family: 4 | 6, filter: Table | undefined): DockerLayout {
  return { family, era: 'unknown', filter, bridges: new Map(), published: [] };
}

/** A Docker bridge of the host model with a global (not link-local) IPv6 address. */
function ipv6Bridge(host: HostModel | undefined, v4: DockerLayout | undefined): string | null {
  if (!host) return null;
  const iface = host.interfaces.find(
    (i) => (v4?.bridges.has(i.name) || /^(docker\d+|br-[0-9a-f]{12})$/.test(i.name)) && i.addresses.some((a) => a.includes(':') && !/^fe[89ab]/i.test(a)),
  );
  return iface?.name ?? null;
}

function restrictions(chain: Chain | undefined): string[] {
  return (chain?.rules ?? []).filter((r) => r.target?.name === 'DROP' || r.target?.name === 'REJECT').map(ruleRef);
}

export const rule: LintRule = {
  meta: {
    id: 'docker/ipv6-unfiltered',
    severity: 'warning',
    description: 'The Docker host filters IPv4 but leaves IPv6 open (or unfiltered for containers).',
    docs: 'docs/rules/docker/ipv6-unfiltered.md',
    messages: {
      input:
        'IPv6 accepts a new tcp connection to port {{port}} ({{v6decider}}) that IPv4 drops ({{v4decider}}){{assumed}}: give ip6tables the same INPUT restrictions',
      dockerUser:
        'IPv4 DOCKER-USER restricts container traffic ({{v4rules}}) but IPv6 {{v6state}}: containers are reachable over IPv6 without those restrictions; add the same rules with ip6tables',
      noDockerChains:
        'Docker bridge {{bridge}} has an IPv6 address (--host), but this IPv6 ruleset has none of Docker\'s chains: ip6tables is off in dockerd, so container addresses are routed without Docker\'s filtering; enable `"ip6tables": true` or filter IPv6 forwarding here',
      noIpv6Ruleset:
        'Docker bridge {{bridge}} has an IPv6 address (--host), but no ip6tables ruleset was given: IPv6 filtering cannot be checked (pass the ip6tables-save output too)',
    },
  },
  check(context) {
    const layouts = dockerLayouts(context.ruleset);
    if (!layouts.length) return;
    const v4 = layouts.find((l) => l.family === 4);
    const v6 = layouts.find((l) => l.family === 6);
    const filter4 = tablesOf(context.ruleset, 4).get('filter');
    const tables6 = tablesOf(context.ruleset, 6);
    const filter6 = tables6.get('filter');
    const bridge6 = ipv6Bridge(context.host, v4);
    if (!tables6.size) {
      if (bridge6 && filter4) context.report({ messageId: 'noIpv6Ruleset', data: { bridge: bridge6 }, table: filter4, chain: null, rule: null });
      return;
    }
    if (!filter4 || !filter6) return;

    if (bridge6 && v4 && !filter6.chains.some((c) => isDockerChain(c.name))) {
      context.report({ messageId: 'noDockerChains', data: { bridge: bridge6 }, table: filter6, chain: chainOf(filter6, 'FORWARD') ?? null, rule: null });
    }

    const v4Rules = restrictions(chainOf(filter4, 'DOCKER-USER'));
    if (v4Rules.length && v6?.filter && filter6.chains.some((c) => isDockerChain(c.name) && c.name !== 'DOCKER-USER')) {
      const user6 = chainOf(filter6, 'DOCKER-USER');
      if (!restrictions(user6).length) {
        context.report({
          messageId: 'dockerUser',
          data: { v4rules: v4Rules.slice(0, 3).join(', ') + (v4Rules.length > 3 ? `, +${v4Rules.length - 3} more` : ''), v6state: user6 ? 'DOCKER-USER restricts nothing' : 'has no DOCKER-USER chain' },
          table: filter6,
          chain: user6 ?? chainOf(filter6, 'FORWARD') ?? null,
          rule: null,
        });
      }
    }

    const dh4 = dockerHost(v4 ?? emptyLayout(4, filter4), context.host);
    const dh6 = dockerHost(v6 ?? emptyLayout(6, filter6), context.host);
    const input6 = chainOf(filter6, 'INPUT');
    if (!dh4 || !dh6 || !input6) return;
    const published = layouts.flatMap((l) => l.published.filter((p) => p.protocol === 6).map((p) => p.hostPort.from));
    for (const port of [...new Set([...published, ...PROBE_PORTS])]) {
      const t4 = evaluatePacket(context.ruleset, inboundPacket(dh4, 4, 6, dh4.externalAddress, port), { host: dh4.host });
      if (t4.verdict !== 'DROP' && t4.verdict !== 'REJECT') continue;
      const t6 = evaluatePacket(context.ruleset, inboundPacket(dh6, 6, 6, dh6.externalAddress, port), { host: dh6.host });
      if (t6.verdict !== 'ACCEPT' || t6.path !== 'input') continue;
      const decider = (t: typeof t4) => {
        const s = [...t.steps].reverse().find((x) => x.match === 'yes' && x.target !== null && !/^(jump|goto):/.test(x.target));
        return s ? (s.rule === null ? `${s.chain} policy ${s.target?.replace('policy:', '')}` : `${s.chain} rule ${s.rule}, line ${s.line}`) : 'no rule';
      };
      context.report({
        messageId: 'input',
        data: { port, v6decider: decider(t6), v4decider: decider(t4), assumed: dh6.assumed ? ' (assumed without --host: the host answers on eth0, for both families)' : '' },
        table: filter6,
        chain: input6,
        rule: null,
      });
      break;
    }
  },
};
