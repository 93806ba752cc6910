/**
 * Rules left behind for Docker bridges or containers that no longer exist (after `docker rm`,
 * `compose down`, a daemon stopped without cleanup, or a firewall reload that restored old rules).
 * They open ports to whatever address Docker hands out next, or map ports to nothing.
 *
 * With --host: a rule naming a Docker bridge (`docker0`, `br-<12 hex>`, `docker_gwbridge`, or a
 * bridge Docker's chains name) that is not among the host's interfaces.
 * Without it, the two halves of a port mapping must agree, since Docker writes them together: a
 * nat DOCKER DNAT to a container with no filter DOCKER ACCEPT for it (decided with the evaluator:
 * the new connection is DNATed and then not accepted by Docker), or a filter DOCKER per-port
 * ACCEPT for a container that no DNAT maps a port to. Routed networks (ACCEPT without DNAT by
 * design) and `--link` rules (`-i BRIDGE -o BRIDGE`) are left alone.
 */
import type { Rule } from '../../../ast/types.js';
import type { LintRule } from '../../rule.js';
import { evaluatePacket } from '../../../eval/evaluate.js';
import { chainOf, dockerLayouts, type DockerLayout, type PublishedPort } from '../../docker-era.js';
import { dockerHost, inboundPacket } from '../../docker-host.js';
import { matchSpace, type Intervals } from '../../match-space.js';
import { formatRange } from '../../../ast/modules/match/packet-util.js';
import { isAnyNet } from '../../../net/address.js';
import { addressBytes, canonicalAddress, inNet } from '../../../net/ip.js';

const DOCKER_BRIDGE_NAME = /^(docker\d+|br-[0-9a-f]{12}|docker_gwbridge)$/;

const NO_HOST =
  ' (assumed without --host: the nat and filter tables were saved together, and Docker writes the DNAT and the filter DOCKER ACCEPT of a published port together)';

function has(list: Intervals | null, value: number): boolean {
  return list === null || list.some(([lo, hi]) => lo <= BigInt(value) && BigInt(value) <= hi);
}

/** A filter DOCKER ACCEPT that admits the DNATed connection of `p`. */
function acceptsMapping(rule: Rule, p: PublishedPort, family: 4 | 6): boolean {
  if (rule.target?.name !== 'ACCEPT' || !p.toAddress) return false;
  const space = matchSpace(rule, family);
  if (!space) return true; // unreadable: assume it does, rather than cry stale
  const addr = addressBytes(p.toAddress);
  const dst = rule.core.destination;
  if (dst && addr && inNet(addr, dst.value) === dst.negated) return false;
  return has(space.proto, p.protocol) && has(space.dport, p.toPort?.from ?? p.hostPort.from);
}

function isHostAddress(rule: Rule, family: 4 | 6): string | null {
  const dst = rule.core.destination;
  return dst && !dst.negated && dst.value.prefix === (family === 4 ? 32 : 128) ? dst.value.address : null;
}

export const rule: LintRule = {
  meta: {
    id: 'docker/stale-rule',
    severity: 'warning',
    description: 'A rule for a Docker bridge or container that no longer exists.',
    docs: 'docs/rules/docker/stale-rule.md',
    messages: {
      goneBridge:
        'names Docker bridge {{bridge}}, which is not an interface of this host (--host): the network was removed and the rule was left behind; delete it (or restart dockerd, which rebuilds its chains)',
      dnatWithoutAccept:
        'maps {{proto}} port {{port}} to {{to}}, but filter DOCKER has no ACCEPT for that container: the mapping is left over from a removed container (a new connection is DNATed and then {{fate}}){{assumed}}; delete the rule or recreate the container',
      acceptWithoutDnat:
        'accepts {{proto}} port {{port}} to container {{container}}, but no nat DOCKER rule maps a port to it: left over from a removed container, it opens that port to whichever container gets {{container}} next{{assumed}}; delete the rule',
    },
  },
  check(context) {
    const layouts = dockerLayouts(context.ruleset);
    if (!layouts.length) return;
    if (context.host) {
      const present = new Set(context.host.interfaces.map((i) => i.name));
      const known = new Set(layouts.flatMap((l) => [...l.bridges.keys()]));
      for (const table of context.ruleset.tables) {
        for (const chain of table.chains) {
          for (const r of chain.rules) {
            const named = [r.core.inInterface, r.core.outInterface]
              .filter((i) => i && !i.value.wildcard)
              .map((i) => i!.value.name)
              .find((n) => (known.has(n) || DOCKER_BRIDGE_NAME.test(n)) && !present.has(n));
            if (named) context.report({ messageId: 'goneBridge', data: { bridge: named }, table, chain, rule: r });
          }
        }
      }
      return;
    }
    for (const layout of layouts) checkMappings(layout, context);
  },
};

function checkMappings(layout: DockerLayout, context: Parameters<LintRule['check']>[0]): void {
  const dockerFilter = chainOf(layout.filter, 'DOCKER');
  const dockerNat = chainOf(layout.nat, 'DOCKER');
  // Both halves must be in the input, and 29.x on nftables keeps neither in iptables.
  if (!layout.filter || !dockerFilter || !dockerNat || layout.era === '29-nftables') return;
  const routed = new Set([...layout.bridges.values()].filter((b) => b.routed).map((b) => b.name));
  const dh = dockerHost(layout, undefined);
  for (const p of layout.published) {
    if (!p.toAddress || (p.bridge && routed.has(p.bridge))) continue;
    if (dockerFilter.rules.some((r) => acceptsMapping(r, p, layout.family))) continue;
    let fate = 'not accepted by Docker';
    if (dh) {
      const bound = p.hostAddress && !isAnyNet(p.hostAddress.value) && !p.hostAddress.negated ? p.hostAddress.value.address : dh.externalAddress;
      const trace = evaluatePacket(context.ruleset, inboundPacket(dh, layout.family, p.protocol, bound, p.hostPort.from), { host: dh.host });
      const last = [...trace.steps].reverse().find((s) => s.match === 'yes' && s.target !== null && !/^(jump|goto):/.test(s.target));
      const by = last ? (last.rule === null ? `the ${last.chain} policy` : `${last.table} ${last.chain} rule ${last.rule} (line ${last.line})`) : 'no rule';
      fate = trace.verdict === 'ACCEPT' ? `accepted only by ${by}, not by Docker` : `${trace.verdict === 'UNDECIDED' ? 'maybe dropped' : trace.verdict === 'REJECT' ? 'rejected' : 'dropped'} by ${by}`;
    }
    context.report({
      messageId: 'dnatWithoutAccept',
      data: { proto: p.protocolName, port: formatRange(p.hostPort), to: `${p.toAddress}${p.toPort ? ':' + formatRange(p.toPort) : ''}`, fate, assumed: NO_HOST },
      table: p.table,
      chain: p.chain,
      rule: p.rule,
    });
  }
  const mapped = new Set(layout.published.flatMap((p) => (p.toAddress ? [canonicalAddress(p.toAddress)] : [])));
  for (const r of dockerFilter.rules) {
    if (r.target?.name !== 'ACCEPT') continue;
    const inIf = r.core.inInterface;
    const outIf = r.core.outInterface;
    // Docker's per-port rule is `-d C ! -i BR -o BR`; `-i BR -o BR` is a --link rule, with no DNAT by design.
    if (!outIf || outIf.negated || (inIf && !inIf.negated) || routed.has(outIf.value.name)) continue;
    const container = isHostAddress(r, layout.family);
    const space = matchSpace(r, layout.family);
    if (!container || !space?.dport || mapped.has(canonicalAddress(container))) continue;
    context.report({
      messageId: 'acceptWithoutDnat',
      data: { proto: r.core.protocol?.value.name ?? 'any', port: space.dport.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}:${hi}`)).join(','), container, assumed: NO_HOST },
      table: layout.filter,
      chain: dockerFilter,
      rule: r,
    });
  }
}
