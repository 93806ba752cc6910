/**
 * An administrator's rule in filter FORWARD placed after Docker's rules there. Docker accepts its
 * containers' traffic (outbound connections, published ports, replies) in FORWARD itself: from 28.0.1
 * in DOCKER-FORWARD, reached by a jump it keeps at the top; up to 27.x in per-bridge ACCEPT rules it
 * inserts at the top. A rule below them (typically ufw's `ufw-before-forward` jump, or a hand-made
 * `-o docker0 -j DROP`) never sees that traffic. Decided with the evaluator: a packet Docker accepts
 * which the rule would match if it were first, and whose trace never reaches it.
 */
import type { Rule, Table } from '../../../ast/types.js';
import { isCommentMatch } from '../../../ast/modules/match/comment.js';
import { isConntrackMatch } from '../../../ast/modules/match/conntrack.js';
import { evaluatePacket } from '../../../eval/evaluate.js';
import type { Packet, TraceStep } from '../../../eval/types.js';
import type { LintRule } from '../../rule.js';
import { chainOf, dockerLayouts, ERA_LABELS, isDockerChain, type DockerLayout } from '../../docker-era.js';
import { dockerHost, inboundPacket } from '../../docker-host.js';
import { containerAddress, describePacket, matchAtForward, outboundPacket } from '../../docker-probe.js';
import { isUnconditional, jumpTarget, ruleRef, tableGraph, targetText } from '../../graph.js';
import { isAnyNet } from '../../../net/address.js';

/** A FORWARD rule Docker itself writes: a jump into its chains, or a per-bridge ACCEPT/DROP. */
function isDockers(rule: Rule, layout: DockerLayout): boolean {
  const t = rule.target?.name;
  if (t && isDockerChain(t)) return true;
  if (!rule.matches.every((m) => isConntrackMatch(m) || isCommentMatch(m))) return false;
  const inIf = rule.core.inInterface;
  const outIf = rule.core.outInterface;
  const bridgeIn = inIf && !inIf.value.wildcard && layout.bridges.has(inIf.value.name) ? inIf.value.name : undefined;
  const bridgeOut = outIf && !outIf.value.wildcard && layout.bridges.has(outIf.value.name) ? outIf.value.name : undefined;
  // Docker's only FORWARD DROP is ICC off, `-i BR -o BR -j DROP`; its ACCEPTs all name a bridge.
  if (t === 'DROP') return !!bridgeIn && !inIf!.negated && bridgeIn === bridgeOut && !outIf!.negated;
  return t === 'ACCEPT' && !!(bridgeIn || bridgeOut);
}

/** Targets whose absence from a packet's path changes nothing a user relies on. */
const NO_EFFECT = new Set(['ACCEPT', 'LOG', 'NFLOG', 'RETURN', 'ULOG']);

/**
 * A catch-all that stands in for the chain's policy: an unconditional DROP/REJECT, or an
 * unconditional jump to a chain that never accepts (the `-j LOGGING_FORWARD` = LOG + DROP idiom).
 * Below Docker's rules it is meant to see only what Docker left, so it is where it belongs.
 */
function isDefaultDeny(rule: Rule, table: Table): boolean {
  if (!isUnconditional(rule)) return false;
  const t = rule.target?.name;
  if (t === 'DROP' || t === 'REJECT') return true;
  const g = tableGraph(table);
  const start = jumpTarget(rule, g.chains);
  if (!start) return false;
  const seen = new Set<string>();
  const stack = [start];
  let drops = false;
  while (stack.length) {
    const c = stack.pop()!;
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    for (const r of c.rules) {
      const name = r.target?.name;
      if (name === 'ACCEPT' || (r.target?.kind === 'extension' && !['LOG', 'NFLOG', 'REJECT'].includes(name ?? ''))) return false;
      if (name === 'DROP' || name === 'REJECT') drops = true;
      const next = jumpTarget(r, g.chains);
      if (next) stack.push(next);
    }
  }
  return drops;
}

/** Index of the first FORWARD rule by which Docker may accept a packet. */
function dockerAcceptIndex(rules: readonly Rule[], layout: DockerLayout): number {
  return rules.findIndex((r) => {
    const t = r.target?.name;
    if (t === 'DOCKER-USER' || t === 'DOCKER-ISOLATION-STAGE-1' || t === 'DOCKER-ISOLATION') return false;
    return isDockers(r, layout) && (t === 'ACCEPT' || t === 'DOCKER' || t === 'DOCKER-FORWARD' || t === 'DOCKER-INGRESS');
  });
}

/** Traffic Docker is there to accept: each bridge's outbound connection, each published port. */
function dockerTraffic(layout: DockerLayout, dh: NonNullable<ReturnType<typeof dockerHost>>): Packet[] {
  const out: Packet[] = [];
  for (const bridge of layout.bridges.values()) {
    if (bridge.internal) continue;
    const c = containerAddress(layout, bridge);
    if (c) out.push(outboundPacket(layout, bridge.name, c));
  }
  for (const p of layout.published) {
    const bound = p.hostAddress && !isAnyNet(p.hostAddress.value) ? p.hostAddress : undefined;
    if (bound?.negated) continue;
    const dst = bound ? bound.value.address : dh.externalAddress;
    if (dst.startsWith('127.') || dst === '::1') continue;
    out.push(inboundPacket(dh, layout.family, p.protocol, dst, p.hostPort.from));
  }
  return out;
}

function describeStep(s: TraceStep): string {
  return `${s.table} ${s.chain} rule ${s.rule} (line ${s.line})`;
}

export const rule: LintRule = {
  meta: {
    id: 'docker/forward-rule-after-docker',
    severity: 'warning',
    description: "A FORWARD rule placed after Docker's rules never sees the container traffic Docker accepts.",
    docs: 'docs/rules/docker/forward-rule-after-docker.md',
    messages: {
      afterDocker:
        "comes after Docker's rules in FORWARD ({{docker}}, {{era}}): it never sees the traffic Docker accepts, e.g. {{packet}} is accepted by {{decider}} first{{assumed}}; put the rule in DOCKER-USER",
    },
  },
  check(context) {
    for (const layout of dockerLayouts(context.ruleset)) {
      const filter: Table | undefined = layout.filter;
      const forward = chainOf(filter, 'FORWARD');
      if (!filter || !forward) continue;
      const start = dockerAcceptIndex(forward.rules, layout);
      if (start < 0) continue;
      // Only rules that could change a verdict: an ACCEPT below Docker's accepts changes nothing for its traffic.
      const candidates = forward.rules
        .slice(start + 1)
        .filter((r) => !isDockers(r, layout) && !r.invalid && r.target !== null && !NO_EFFECT.has(r.target.name) && !isDefaultDeny(r, filter));
      if (!candidates.length) continue;
      const dh = dockerHost(layout, context.host);
      if (!dh) continue;
      const traces = dockerTraffic(layout, dh).map((packet) => ({ packet, trace: evaluatePacket(context.ruleset, packet, { host: dh.host }) }));
      const accepted = traces.filter(({ trace }) => trace.verdict === 'ACCEPT' && trace.path === 'forward');
      for (const candidate of candidates) {
        for (const { packet, trace } of accepted) {
          if (trace.steps.some((s) => s.table === 'filter' && s.hook === 'FORWARD' && s.line === candidate.span.line)) continue;
          if (matchAtForward(context.ruleset, filter, candidate, packet, dh) !== 'yes') continue;
          const decider = [...trace.steps].reverse().find((s) => s.hook === 'FORWARD' && s.table === 'filter' && s.target === 'ACCEPT');
          context.report({
            messageId: 'afterDocker',
            data: {
              docker: ruleRef(forward.rules[start]) + ' `' + targetText(forward.rules[start]) + '`',
              era: ERA_LABELS[layout.era],
              packet: describePacket(packet),
              decider: decider ? describeStep(decider) : 'a Docker rule',
              assumed: dh.assumed,
            },
            table: filter,
            chain: forward,
            rule: candidate,
          });
          break;
        }
      }
    }
  },
};
