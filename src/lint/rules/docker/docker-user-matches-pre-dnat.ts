/**
 * A DOCKER-USER rule that matches the host side of a port mapping: the published host port where
 * the container listens on another port, or a host address. FORWARD (and so DOCKER-USER) sees the
 * packet after nat PREROUTING has DNATed it to the container, so the rule never matches the
 * traffic it names. Decided with the evaluator: a new connection to the published port, with the
 * rule alone in FORWARD, does not match it.
 */
import type { Rule } from '../../../ast/types.js';
import { formatRange } from '../../../ast/modules/match/packet-util.js';
import type { LintRule } from '../../rule.js';
import { chainOf, dockerLayouts, type PublishedPort } from '../../docker-era.js';
import { dockerHost, inboundPacket, type DockerHost } from '../../docker-host.js';
import { matchAtForward } from '../../docker-probe.js';
import { matchSpace, type Intervals } from '../../match-space.js';
import { isAnyNet } from '../../../net/address.js';
import { addressBytes, inNet } from '../../../net/ip.js';

function has(list: Intervals | null, value: number): boolean {
  return list !== null && list.some(([lo, hi]) => lo <= BigInt(value) && BigInt(value) <= hi);
}

/** Addresses of the host a port is published on: the DNAT's `-d`, else (with --host) its own addresses. */
function hostAddresses(p: PublishedPort, dh: DockerHost, hostGiven: boolean, family: 4 | 6): string[] {
  const bound = p.hostAddress && !isAnyNet(p.hostAddress.value) && !p.hostAddress.negated ? p.hostAddress.value : undefined;
  if (bound) return [bound.address];
  if (!hostGiven) return [];
  return dh.host.interfaces
    .filter((i) => !i.bridge && i.name !== 'lo')
    .flatMap((i) => i.addresses.map((a) => a.split('/')[0]))
    .filter((a) => (a.includes(':') ? 6 : 4) === family);
}

interface Suspect {
  readonly kind: 'hostPort' | 'hostAddress';
  readonly dst: string;
  readonly address?: string;
}

/** What about the rule names the host side of `p`, if anything. */
function suspect(rule: Rule, p: PublishedPort, dh: DockerHost, hostGiven: boolean, family: 4 | 6): Suspect | null {
  const space = matchSpace(rule, family);
  if (!space) return null;
  if (space.proto && !has(space.proto, p.protocol)) return null;
  const dst = rule.core.destination;
  if (dst && !dst.negated && !isAnyNet(dst.value)) {
    for (const a of hostAddresses(p, dh, hostGiven, family)) {
      const bytes = addressBytes(a);
      if (!bytes || !inNet(bytes, dst.value)) continue;
      const container = p.toAddress ? addressBytes(p.toAddress) : null;
      if (container && inNet(container, dst.value)) continue;
      if (space.dport && !has(space.dport, p.hostPort.from)) continue;
      return { kind: 'hostAddress', dst: a, address: a };
    }
  }
  if (space.dport && has(space.dport, p.hostPort.from) && !(p.toPort && has(space.dport, p.toPort.from))) {
    const bound = p.hostAddress && !isAnyNet(p.hostAddress.value) && !p.hostAddress.negated ? p.hostAddress.value.address : dh.externalAddress;
    return { kind: 'hostPort', dst: bound };
  }
  return null;
}

export const rule: LintRule = {
  meta: {
    id: 'docker/docker-user-matches-pre-dnat',
    severity: 'warning',
    description: 'A DOCKER-USER rule matches a published host port or host address, but DOCKER-USER sees packets after DNAT.',
    docs: 'docs/rules/docker/docker-user-matches-pre-dnat.md',
    messages: {
      hostPort:
        'matches {{proto}} port {{port}}, the host side of {{dnat}}; DOCKER-USER sees the packet after DNAT (to {{to}}), so the rule never matches it{{assumed}}: match `-m conntrack --ctorigdstport {{port}} --ctdir ORIGINAL` instead',
      hostAddress:
        'matches destination {{address}}, the host address of {{dnat}}; DOCKER-USER sees the packet after DNAT (to {{to}}), so the rule never matches it{{assumed}}: match `-m conntrack --ctorigdst {{address}}` instead',
    },
  },
  check(context) {
    for (const layout of dockerLayouts(context.ruleset)) {
      const filter = layout.filter;
      const user = chainOf(filter, 'DOCKER-USER');
      if (!filter || !user || !layout.published.length) continue;
      const dh = dockerHost(layout, context.host);
      if (!dh) continue;
      for (const r of user.rules) {
        for (const p of layout.published) {
          const s = suspect(r, p, dh, context.host !== undefined, layout.family);
          if (!s) continue;
          const packet = inboundPacket(dh, layout.family, p.protocol, s.dst, p.hostPort.from);
          if (matchAtForward(context.ruleset, filter, r, packet, dh) !== 'no') continue;
          context.report({
            messageId: s.kind,
            data: {
              proto: p.protocolName,
              port: formatRange(p.hostPort),
              address: s.address ?? '',
              dnat: `nat DOCKER rule ${p.rule.number} (line ${p.rule.span.line})`,
              to: `${p.toAddress ?? '?'}${p.toPort ? ':' + formatRange(p.toPort) : ''}`,
              assumed: s.kind === 'hostPort' ? dh.assumed : '',
            },
            table: filter,
            chain: user,
            rule: r,
          });
          break;
        }
      }
    }
  },
};
