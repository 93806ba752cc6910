/**
 * An INPUT rule that tries to close a port Docker publishes. Packets to a published port are
 * DNATed in nat PREROUTING to the container and routed through FORWARD, so they never reach
 * INPUT: the rule does nothing for them. Decided by tracing a new connection from outside to the
 * port through the whole ruleset with the evaluator, which also names the rule that really decides.
 */
import type { Rule, Table } from '../../../ast/types.js';
import type { LintRule } from '../../rule.js';
import { dockerLayouts, type PublishedPort } from '../../docker-era.js';
import { dockerHost, inboundPacket } from '../../docker-host.js';
import { evaluatePacket } from '../../../eval/evaluate.js';
import { matchSpace } from '../../match-space.js';
import { tableGraph } from '../../graph.js';
import { formatRange } from '../../../ast/modules/match/packet-util.js';
import { isAnyNet } from '../../../net/address.js';
import type { TraceStep } from '../../../eval/types.js';

/** DROP/REJECT rules on the INPUT path that name the published port explicitly. */
function inputBlocks(filter: Table, p: PublishedPort): Rule[] {
  const g = tableGraph(filter);
  const out: Rule[] = [];
  for (const chain of filter.chains) {
    if (!g.hooksReaching.get(chain.name)?.has('INPUT')) continue;
    for (const r of chain.rules) {
      const t = r.target?.name;
      if (t !== 'DROP' && t !== 'REJECT') continue;
      const space = matchSpace(r, filter.family);
      if (!space?.dport) continue;
      const port = BigInt(p.hostPort.from);
      const proto = BigInt(p.protocol);
      if (!space.dport.some(([lo, hi]) => lo <= port && port <= hi)) continue;
      if (space.proto && !space.proto.some(([lo, hi]) => lo <= proto && proto <= hi)) continue;
      out.push(r);
    }
  }
  return out;
}

function describeStep(s: TraceStep): string {
  return s.rule === null ? `the ${s.chain} policy (${s.target})` : `${s.table} ${s.chain} rule ${s.rule} (line ${s.line}) \`${s.target}\``;
}

export const rule: LintRule = {
  meta: {
    id: 'docker/published-port-bypasses-input',
    severity: 'warning',
    description: 'An INPUT rule meant to close a published Docker port has no effect: the traffic is DNATed and goes through FORWARD.',
    docs: 'docs/rules/docker/published-port-bypasses-input.md',
    messages: {
      bypassed:
        'does not stop {{proto}} port {{port}}: Docker publishes it ({{dnat}}), so new connections are DNATed to {{to}} and go through FORWARD, where {{decider}} lets them in{{assumed}}; filter in DOCKER-USER (e.g. -m conntrack --ctorigdstport {{port}}) instead',
    },
  },
  check(context) {
    for (const layout of dockerLayouts(context.ruleset)) {
      const filter = layout.filter;
      if (!filter || !layout.published.length) continue;
      const dh = dockerHost(layout, context.host);
      if (!dh) continue;
      for (const p of layout.published) {
        const bound = p.hostAddress && !isAnyNet(p.hostAddress.value) ? p.hostAddress : undefined;
        if (bound?.negated) continue;
        const dst = bound ? bound.value.address : dh.externalAddress;
        // Loopback bindings are not reachable from outside in the first place.
        if (dst.startsWith('127.') || dst === '::1') continue;
        const blocks = inputBlocks(filter, p);
        if (!blocks.length) continue;
        const trace = evaluatePacket(context.ruleset, inboundPacket(dh, layout.family, p.protocol, dst, p.hostPort.from), { host: dh.host });
        if (trace.path !== 'forward' || trace.verdict === 'DROP' || trace.verdict === 'REJECT') continue;
        if (!trace.steps.some((s) => s.line === p.rule.span.line && s.table === 'nat' && s.match !== 'no')) continue;
        const decider = [...trace.steps].reverse().find((s) => s.hook === 'FORWARD' && s.target !== null && !/^(jump|goto):/.test(s.target));
        for (const block of blocks) {
          context.report({
            messageId: 'bypassed',
            data: {
              proto: p.protocolName,
              port: formatRange(p.hostPort),
              dnat: `nat DOCKER rule ${p.rule.number}, line ${p.rule.span.line}`,
              to: `${p.toAddress ?? '?'}${p.toPort ? ':' + formatRange(p.toPort) : ''}`,
              decider: decider ? describeStep(decider) : 'no rule',
              assumed: dh.assumed,
            },
            table: filter,
            chain: filter.chains.find((c) => c.name === block.chain) ?? null,
            rule: block,
          });
        }
      }
    }
  },
};
