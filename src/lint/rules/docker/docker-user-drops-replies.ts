/**
 * A DROP/REJECT in DOCKER-USER with no `-m conntrack --ctstate RELATED,ESTABLISHED` exception in
 * front of it, which also drops the replies to connections the containers open themselves (the
 * typical `-i eth0 ! -s 192.0.2.0/24 -j DROP` meant for inbound traffic). DOCKER-USER runs before
 * Docker's own conntrack ACCEPT, so containers lose DNS and HTTP replies. Decided with the
 * evaluator: a container's outbound connection is accepted, and the reply to it, evaluated through
 * the same conntrack table, is dropped by this rule.
 */
import type { Rule } from '../../../ast/types.js';
import { isConntrackMatch } from '../../../ast/modules/match/conntrack.js';
import { isStateMatch } from '../../../ast/modules/match/state.js';
import { evaluateFlow } from '../../../eval/flow.js';
import type { LintRule } from '../../rule.js';
import { chainOf, dockerLayouts } from '../../docker-era.js';
import { dockerHost } from '../../docker-host.js';
import { containerAddress, describePacket, outboundPacket } from '../../docker-probe.js';
import { tableGraph } from '../../graph.js';

/** `-m conntrack --ctstate …ESTABLISHED… -j ACCEPT|RETURN` (or `-m state`): replies leave DOCKER-USER here. */
function isReplyException(rule: Rule): boolean {
  const t = rule.target?.name;
  if (t !== 'ACCEPT' && t !== 'RETURN') return false;
  return rule.matches.some((m) => {
    const state = isConntrackMatch(m) ? m.options.state : isStateMatch(m) ? m.options.states : undefined;
    return state !== undefined && !state.negated && state.value.includes('ESTABLISHED');
  });
}

export const rule: LintRule = {
  meta: {
    id: 'docker/docker-user-drops-replies',
    severity: 'warning',
    description: "A DOCKER-USER DROP/REJECT without an ESTABLISHED,RELATED exception before it also drops replies to the containers' outbound connections.",
    docs: 'docs/rules/docker/docker-user-drops-replies.md',
    messages: {
      dropsReplies:
        'also drops replies to connections containers open: {{outbound}} is let out, but its reply {{reply}} is dropped here{{assumed}}; insert `-I DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN` before this rule',
    },
  },
  check(context) {
    for (const layout of dockerLayouts(context.ruleset)) {
      const filter = layout.filter;
      const user = chainOf(filter, 'DOCKER-USER');
      if (!filter || !user || !tableGraph(filter).hooksReaching.get('DOCKER-USER')?.has('FORWARD')) continue;
      const firstException = user.rules.findIndex(isReplyException);
      const drops = user.rules.filter(
        (r, i) => (r.target?.name === 'DROP' || r.target?.name === 'REJECT') && (firstException < 0 || i < firstException),
      );
      if (!drops.length) continue;
      const dh = dockerHost(layout, context.host);
      if (!dh) continue;
      const reported = new Set<Rule>();
      for (const bridge of layout.bridges.values()) {
        if (bridge.internal) continue;
        const container = containerAddress(layout, bridge);
        if (!container) continue;
        const outbound = outboundPacket(layout, bridge.name, container);
        const flow = evaluateFlow(context.ruleset, [{ kind: 'packet', packet: outbound }, { kind: 'reply', to: 0 }], { host: dh.host });
        const [out, reply] = flow.traces;
        // A connection that never leaves has no replies; dropping it is egress filtering, maybe on purpose.
        if (!out || out.verdict !== 'ACCEPT' || !reply || flow.problems.length) continue;
        for (const drop of drops) {
          if (reported.has(drop)) continue;
          const hit = reply.steps.find((s) => s.table === 'filter' && s.chain === 'DOCKER-USER' && s.line === drop.span.line && s.match === 'yes');
          if (!hit || (reply.verdict !== 'DROP' && reply.verdict !== 'REJECT')) continue;
          reported.add(drop);
          context.report({
            messageId: 'dropsReplies',
            data: {
              outbound: describePacket(outbound),
              reply: `(${outbound.dst}:${outbound.dport} -> ${container}, ESTABLISHED, arriving on ${out.egress ?? '?'})`,
              assumed: dh.assumed,
            },
            table: filter,
            chain: user,
            rule: drop,
          });
        }
      }
    }
  },
};
