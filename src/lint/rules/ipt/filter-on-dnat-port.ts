/**
 * A filter rule on the forward path that names the destination a nat PREROUTING DNAT rewrites
 * away. nat PREROUTING runs before routing, so filter FORWARD only ever sees the rewritten
 * destination: a rule that matches the public port (or the public address) of a port forward
 * never matches the forwarded connections. `-m conntrack --ctorigdstport/--ctorigdst` matches
 * the destination as it was before DNAT.
 *
 * Only reported when the rule clearly means the forwarded connection, to stay clear of rules about
 * other traffic that happens to use the same port: it names the DNAT's target host with the
 * pre-DNAT port, or it names the pre-DNAT address itself. DOCKER-USER is left to
 * docker/docker-user-matches-pre-dnat, which knows Docker's published ports.
 */
import type { InterfaceName, IpNet, Negatable, Rule, Table } from '../../../ast/types.js';
import { isDnatTarget } from '../../../ast/modules/target/DNAT.js';
import { isAnyNet } from '../../../net/address.js';
import { addressBytes, inNet } from '../../../net/ip.js';
import type { LintRule } from '../../rule.js';
import { families, tableGraph, tablesOf } from '../../graph.js';
import { intersect, matchSpace, type Intervals, type MatchSpace } from '../../match-space.js';

interface PortForward {
  readonly rule: Rule;
  readonly space: MatchSpace;
  /** `-d` of the DNAT rule (the public address), when it names one. */
  readonly publicNet?: IpNet;
  readonly inInterface?: InterfaceName;
  /** Where the connection is sent; absent when only the port is rewritten. */
  readonly toAddress?: string;
  readonly toPorts?: Intervals;
}

/** A plain, non-negated, not-"any" address selector. */
function specificNet(sel: Negatable<IpNet> | undefined): IpNet | undefined {
  return sel && !sel.negated && !isAnyNet(sel.value) ? sel.value : undefined;
}

function portForwards(nat: Table, family: 4 | 6): PortForward[] {
  const g = tableGraph(nat);
  const out: PortForward[] = [];
  // DNAT is an extension target: the graph lists those rules, in table order.
  for (const { chain, rule: r } of g.extensionTargets) {
    const t = r.target;
    if (!isDnatTarget(t) || t.options.ranges.length !== 1) continue;
    if (!g.hooksReaching.get(chain.name)?.has('PREROUTING')) continue;
    const space = matchSpace(r, family);
    if (!space) continue;
    const to = t.options.ranges[0];
    const inSel = r.core.inInterface;
    out.push({
      rule: r,
      space,
      publicNet: specificNet(r.core.destination),
      inInterface: inSel && !inSel.negated ? inSel.value : undefined,
      // A range of target addresses spreads connections; naming one of them is not a mistake this rule can judge.
      toAddress: to.minAddr !== undefined && (to.maxAddr === undefined || to.maxAddr === to.minAddr) ? to.minAddr : undefined,
      toPorts: to.minPort !== undefined ? [[BigInt(to.minPort), BigInt(to.maxPort ?? to.minPort)]] : undefined,
    });
  }
  return out;
}

function overlaps(a: Intervals | null, b: Intervals | null): boolean {
  return a === null || b === null || intersect(a, b).length > 0;
}

/** Two `-i` patterns can name the same interface (`eth+` and `eth0`, `br-+` and `br-1+`). */
function sameInterfacePossible(a: InterfaceName | undefined, b: InterfaceName | undefined): boolean {
  if (!a || !b) return true;
  if (a.wildcard && b.name.startsWith(a.name)) return true;
  if (b.wildcard && a.name.startsWith(b.name)) return true;
  return a.name === b.name && a.wildcard === b.wildcard;
}

function contains(net: IpNet, address: string): boolean {
  const bytes = addressBytes(address);
  return !!bytes && inNet(bytes, net);
}

function netWithin(inner: IpNet, outer: IpNet): boolean {
  return inner.prefix !== null && outer.prefix !== null && inner.prefix >= outer.prefix && contains(outer, inner.address);
}

interface Hit {
  readonly messageId: 'port' | 'address';
  readonly data: Record<string, string>;
}

function firstPort(list: Intervals): string {
  const [lo, hi] = list[0];
  return lo === hi ? String(lo) : `${lo}:${hi}`;
}

function judge(rule: Rule, space: MatchSpace, f: PortForward): Hit | null {
  const dst = specificNet(rule.core.destination);
  const inSel = rule.core.inInterface;
  if (!dst || !overlaps(space.proto, f.space.proto)) return null;
  if (!sameInterfacePossible(inSel && !inSel.negated ? inSel.value : undefined, f.inInterface)) return null;
  const to = `${f.toAddress ?? '(same address)'}${f.toPorts ? ':' + firstPort(f.toPorts) : ''}`;
  const dnat = `nat ${f.rule.chain} rule ${f.rule.number} (line ${f.rule.span.line})`;
  // The public port of a port forward, on the host the forward sends to.
  if (space.dport && f.space.dport && f.toPorts && intersect(f.space.dport, f.toPorts).length === 0) {
    const publicPorts = intersect(space.dport, f.space.dport);
    const namesTarget = f.toAddress ? contains(dst, f.toAddress) : !!f.publicNet && netWithin(dst, f.publicNet);
    if (publicPorts.length && namesTarget && intersect(space.dport, f.toPorts).length === 0) {
      return { messageId: 'port', data: { port: firstPort(publicPorts), dnat, to } };
    }
  }
  // The public address of a forward that moves the connection to another host.
  if (f.publicNet && f.toAddress && !contains(f.publicNet, f.toAddress) && netWithin(dst, f.publicNet) && !contains(dst, f.toAddress)) {
    if (overlaps(space.dport, f.space.dport)) {
      return { messageId: 'address', data: { address: `${dst.address}${dst.prefix === (dst.family === 4 ? 32 : 128) ? '' : '/' + dst.prefix}`, dnat, to } };
    }
  }
  return null;
}

/**
 * The forwards a rule with destination `dst` can be judged against, in their rule order: those
 * sending to an address inside `dst`, and those naming a public address. A kube-proxy node has
 * tens of thousands of DNAT rules, so a host destination looks its forwards up instead of
 * scanning them all (no pairwise scan over the chains).
 */
function candidateIndex(forwards: readonly PortForward[]): (dst: IpNet) => PortForward[] {
  const byTarget = new Map<string, PortForward[]>();
  const withTarget: PortForward[] = [];
  const withPublic: PortForward[] = [];
  for (const f of forwards) {
    if (f.toAddress) {
      withTarget.push(f);
      const list = byTarget.get(f.toAddress) ?? [];
      list.push(f);
      byTarget.set(f.toAddress, list);
    }
    if (f.publicNet) withPublic.push(f);
  }
  const order = new Map(forwards.map((f, i) => [f, i]));
  return (dst) => {
    const host = dst.prefix === (dst.family === 4 ? 32 : 128);
    const targets = host ? byTarget.get(dst.address) ?? [] : withTarget.filter((f) => contains(dst, f.toAddress!));
    if (!withPublic.length) return targets;
    const all = new Set([...targets, ...withPublic]);
    return [...all].sort((a, b) => order.get(a)! - order.get(b)!);
  };
}

export const rule: LintRule = {
  meta: {
    id: 'ipt/filter-on-dnat-port',
    severity: 'warning',
    description: 'A FORWARD rule matches the destination port or address that a nat PREROUTING DNAT rewrites away; it never matches those connections.',
    docs: 'docs/rules/ipt/filter-on-dnat-port.md',
    messages: {
      port: 'matches destination port {{port}}, which {{dnat}} rewrites (to {{to}}) before filter sees the packet: this rule never matches those connections; match `-m conntrack --ctorigdstport {{port}}` instead',
      address: 'matches destination {{address}}, which {{dnat}} rewrites (to {{to}}) before filter sees the packet: this rule never matches those connections; match `-m conntrack --ctorigdst {{address}}` instead',
    },
  },
  check(context) {
    for (const family of families(context.ruleset)) {
      const tables = tablesOf(context.ruleset, family);
      const filter = tables.get('filter');
      const nat = tables.get('nat');
      if (!filter || !nat) continue;
      const forwards = portForwards(nat, family);
      if (!forwards.length) continue;
      const candidates = candidateIndex(forwards);
      const g = tableGraph(filter);
      for (const chain of filter.chains) {
        if (chain.name === 'DOCKER-USER' || !g.hooksReaching.get(chain.name)?.has('FORWARD')) continue;
        for (const r of chain.rules) {
          // judge() needs a specific destination: most rules have none and cost nothing.
          const dst = specificNet(r.core.destination);
          if (!dst) continue;
          const space = matchSpace(r, family);
          if (!space) continue;
          for (const f of candidates(dst)) {
            const hit = judge(r, space, f);
            if (!hit) continue;
            context.report({ messageId: hit.messageId, data: hit.data, table: filter, chain, rule: r });
            break;
          }
        }
      }
    }
  },
};
