/**
 * A port published on loopback only (`-p 127.0.0.1:5432:5432`) whose container is still reachable
 * from the network. Before Docker 28 the filter DOCKER rule that opens the container port does not
 * depend on the host address, so a host on the same link that routes the bridge subnet via this
 * host (or sends to the container address directly) gets in. Docker 28 added raw PREROUTING drops
 * for exactly this. The evaluator decides it: a new connection from outside to the container
 * address and port is traced, and the finding names the rule that lets it through.
 */
import type { LintRule } from '../../rule.js';
import { dockerLayouts } from '../../docker-era.js';
import { dockerHost, inboundPacket } from '../../docker-host.js';
import { evaluatePacket } from '../../../eval/evaluate.js';
import { formatRange } from '../../../ast/modules/match/packet-util.js';

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}

export const rule: LintRule = {
  meta: {
    id: 'docker/loopback-publish-reachable',
    severity: 'warning',
    description: 'A port published on loopback only is still reachable from the network through the container address (Docker before 28).',
    docs: 'docs/rules/docker/loopback-publish-reachable.md',
    messages: {
      reachable:
        '{{proto}} port {{port}} is published on {{host}} only, but {{to}} is reachable from the network: a new connection from outside to {{to}} is accepted by {{by}}{{assumed}}; Docker 28 drops such packets in raw PREROUTING, before that add a DOCKER-USER rule (e.g. -d {{addr}} ! -i {{bridge}} -j DROP) or upgrade',
    },
  },
  check(context) {
    for (const layout of dockerLayouts(context.ruleset)) {
      const dh = dockerHost(layout, context.host);
      if (!dh) continue;
      for (const p of layout.published) {
        const bound = p.hostAddress;
        if (!bound || bound.negated || !isLoopback(bound.value.address) || !p.toAddress || !p.toPort) continue;
        const packet = inboundPacket(dh, layout.family, p.protocol, p.toAddress, p.toPort.from);
        const trace = evaluatePacket(context.ruleset, packet, { host: dh.host });
        if (trace.verdict !== 'ACCEPT' || trace.path !== 'forward') continue;
        const decided = [...trace.steps].reverse().find((s) => s.hook === 'FORWARD' && s.match === 'yes' && s.target === 'ACCEPT');
        const by = decided ? `${decided.table} ${decided.chain} rule ${decided.rule} (line ${decided.line})` : `the FORWARD chain's policy`;
        context.report({
          messageId: 'reachable',
          data: {
            proto: p.protocolName,
            port: formatRange(p.hostPort),
            host: bound.value.address,
            to: `${p.toAddress}:${formatRange(p.toPort)}`,
            addr: p.toAddress,
            bridge: trace.egress ?? p.bridge ?? 'BRIDGE',
            by,
            assumed: dh.assumed,
          },
          table: p.table,
          chain: p.chain,
          rule: p.rule,
        });
      }
    }
  },
};
