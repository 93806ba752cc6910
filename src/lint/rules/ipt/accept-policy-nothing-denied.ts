/**
 * filter INPUT with policy ACCEPT and no rule, in INPUT or in any chain INPUT reaches, that drops
 * or rejects: whatever the rules say, every packet for this host is accepted. Rules that only
 * ACCEPT, LOG or count are then decoration. Judged per address family, since an IPv6 ruleset
 * that accepts everything leaves the host open over IPv6 whatever the IPv4 rules do.
 *
 * An INPUT with no rules at all is not reported: nobody tried to filter with iptables there (a
 * Docker host's untouched INPUT, a host filtered by nftables or by its cloud), so the ruleset says
 * nothing about what the author meant. Rules in INPUT show that filtering was meant, unless they
 * are only the ones libvirt adds by itself.
 */
import type { Rule, Table } from '../../../ast/types.js';
import type { LintRule } from '../../rule.js';
import { families, tableGraph, tablesOf } from '../../graph.js';

/** Targets that end some packets other than by accepting them; a queue hands the verdict to a program that may drop. */
const DENYING_TARGETS = new Set(['DROP', 'REJECT', 'TARPIT', 'QUEUE', 'NFQUEUE', 'SYNPROXY']);

/** The rule may refuse packets, or netfate cannot tell (an unknown target, an unreadable rule). */
function mayDeny(rule: Rule): boolean {
  const t = rule.target;
  if (rule.invalid || rule.unparsed !== undefined || rule.lost?.includes('target')) return true;
  if (!t) return false;
  if (t.kind === 'extension' && !t.known) return true;
  return DENYING_TARGETS.has(t.name);
}

/**
 * libvirt inserts ACCEPT rules for DNS/DHCP on its bridges (`-i virbrN`) into INPUT on hosts that
 * have no firewall of their own; they say nothing about what the administrator meant.
 */
function isLibvirtRule(rule: Rule): boolean {
  const i = rule.core.inInterface;
  return !!i && !i.negated && i.value.name.startsWith('virbr');
}

function deniesSomething(table: Table): boolean {
  const g = tableGraph(table);
  return table.chains.some((c) => g.hooksReaching.get(c.name)?.has('INPUT') && c.rules.some(mayDeny));
}

export const rule: LintRule = {
  meta: {
    id: 'ipt/accept-policy-nothing-denied',
    severity: 'warning',
    description: 'filter INPUT has policy ACCEPT and nothing it reaches drops or rejects: the host accepts every packet.',
    docs: 'docs/rules/ipt/accept-policy-nothing-denied.md',
    messages: {
      open: 'INPUT policy is ACCEPT and no rule reached from INPUT drops or rejects: this host accepts every IPv{{family}} packet sent to it',
    },
  },
  check(context) {
    for (const family of families(context.ruleset)) {
      const filter = tablesOf(context.ruleset, family).get('filter');
      const input = filter?.chains.find((c) => c.name === 'INPUT');
      if (!filter || !input || input.policy !== 'ACCEPT' || input.rules.every(isLibvirtRule) || deniesSomething(filter)) continue;
      context.report({ messageId: 'open', data: { family }, table: filter, chain: input, rule: null });
    }
  },
};
