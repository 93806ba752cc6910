/**
 * A Docker bridge network whose containers' outbound traffic leaves without source NAT: nat
 * POSTROUTING has no `-s SUBNET ! -o BRIDGE -j MASQUERADE` for it (lost in a firewall reload, or
 * shadowed by an earlier ACCEPT/RETURN). Replies are addressed to a private container address the
 * outside cannot route back, so containers have no egress. Decided with the evaluator: a
 * container's new outbound connection is forwarded and leaves with its source unchanged.
 *
 * Masquerading is expected for IPv4 (Docker's default `--ip-masq`) when the ruleset includes the
 * nat table, and for IPv6 only when another IPv6 bridge is masqueraded (IPv6 networks are often
 * routed on purpose). Routed (`gateway_mode=routed`) and internal networks have no NAT by design.
 */
import type { LintRule } from '../../rule.js';
import { isMasqueradeTarget } from '../../../ast/modules/target/MASQUERADE.js';
import { isSnatTarget } from '../../../ast/modules/target/SNAT.js';
import { evaluatePacket } from '../../../eval/evaluate.js';
import { chainOf, dockerLayouts, type DockerLayout } from '../../docker-era.js';
import { dockerHost } from '../../docker-host.js';
import { containerAddress, hostInNet, outboundPacket } from '../../docker-probe.js';
import type { HostModel } from '../../../eval/types.js';
import { canonicalAddress } from '../../../net/ip.js';
import { formatIpNet, parseAddressWithMask } from '../../../net/address.js';

/** Some bridge of this family has a source-NAT rule: the daemon masquerades in this family. */
function masqueradesAnyBridge(layout: DockerLayout): boolean {
  return (chainOf(layout.nat, 'POSTROUTING')?.rules ?? []).some(
    (r) => (isMasqueradeTarget(r.target) || isSnatTarget(r.target)) && r.core.outInterface?.negated && [...layout.bridges.keys()].includes(r.core.outInterface.value.name),
  );
}

/** The network of the bridge's address in the host model (`172.17.0.1/16` gives `172.17.0.0/16`). */
function bridgeNetwork(host: HostModel | undefined, name: string, family: 4 | 6): string | null {
  const cidr = host?.interfaces.find((i) => i.name === name)?.addresses.find((a) => (a.includes(':') ? 6 : 4) === family);
  const parsed = cidr ? parseAddressWithMask(cidr, family) : null;
  return parsed?.ok ? formatIpNet(parsed.value) : null;
}

/** Docker's first container address (.2) in a subnet given as text. */
function firstContainer(subnet: string): string | null {
  const family = subnet.includes(':') ? 6 : 4;
  const parsed = parseAddressWithMask(subnet, family);
  return parsed.ok ? hostInNet(parsed.value, 2) : null;
}

export const rule: LintRule = {
  meta: {
    id: 'docker/missing-masquerade',
    severity: 'warning',
    description: 'A Docker bridge network has no working MASQUERADE rule in nat POSTROUTING: its containers have no outbound connectivity.',
    docs: 'docs/rules/docker/missing-masquerade.md',
    messages: {
      missing:
        'Docker bridge {{bridge}} ({{subnet}}) has no source NAT: a new connection from container {{container}} to {{remote}} is forwarded out of {{egress}} with source {{container}}{{how}}, so replies cannot find their way back{{assumed}}; restore `-t nat -A POSTROUTING -s {{subnet}} ! -o {{bridge}} -j MASQUERADE` (restart dockerd) or use a routed network on purpose',
    },
  },
  check(context) {
    for (const layout of dockerLayouts(context.ruleset)) {
      const postrouting = chainOf(layout.nat, 'POSTROUTING');
      if (!layout.filter || !postrouting) continue;
      if (layout.family === 6 && !masqueradesAnyBridge(layout)) continue;
      // 29.x on nftables keeps no NAT in iptables at all.
      if (layout.era === '29-nftables') continue;
      const dh = dockerHost(layout, context.host);
      if (!dh) continue;
      const defaultMasq = masqueradesAnyBridge(layout);
      for (const bridge of layout.bridges.values()) {
        if (bridge.internal || bridge.routed) continue;
        // Without its MASQUERADE rule the subnet is often unknown; filter DOCKER's `-d C -o BRIDGE` still names a container.
        const subnet = bridge.subnet ? formatIpNet(bridge.subnet) : bridgeNetwork(context.host, bridge.name, layout.family);
        const container = containerAddress(layout, bridge) ?? (subnet ? firstContainer(subnet) : null);
        if (!container) continue;
        const packet = outboundPacket(layout, bridge.name, container);
        const trace = evaluatePacket(context.ruleset, packet, { host: dh.host });
        // Only a packet that does leave shows the missing NAT; a dropped one is another rule's business.
        if (trace.path !== 'forward' || trace.verdict !== 'ACCEPT' || !trace.egress || trace.egress === bridge.name) continue;
        if (canonicalAddress(trace.packet.src) !== canonicalAddress(container)) continue;
        const stopper = trace.steps.find((s) => s.hook === 'POSTROUTING' && s.table === 'nat' && s.match === 'yes' && (s.target === 'ACCEPT' || s.target === 'RETURN'));
        context.report({
          messageId: 'missing',
          data: {
            bridge: bridge.name,
            subnet: subnet ?? 'SUBNET',
            container,
            remote: packet.dst,
            egress: trace.egress,
            how: stopper ? ` (nat ${stopper.chain} rule ${stopper.rule}, line ${stopper.line}, \`${stopper.target}\` ends POSTROUTING before any MASQUERADE)` : '',
            assumed: dh.assumed + (defaultMasq ? '' : ' (assumed: ip-masq on, Docker\'s default; no other bridge here is masqueraded)'),
          },
          table: bridge.evidence.table,
          chain: bridge.evidence.chain,
          rule: bridge.evidence.rule,
        });
      }
    }
  },
};
