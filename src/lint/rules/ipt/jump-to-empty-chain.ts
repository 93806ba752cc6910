/**
 * `-j CHAIN` where CHAIN has no rules: the jump comes straight back and does nothing; `-g CHAIN`
 * to an empty chain acts as RETURN. Usually a chain that was flushed and never refilled.
 */
import type { LintRule } from '../../rule.js';
import { tableGraph } from '../../graph.js';

/**
 * Chains that firewall managers create empty on purpose, as hooks for the administrator or for
 * rules added at runtime: Docker (DOCKER-USER, DOCKER-INTERNAL, … before any network needs them),
 * ufw's user and logging chains, firewalld's *_direct/_pre/_post/_log/_deny/_allow zone chains,
 * fail2ban, kube-proxy, Calico, libvirt.
 */
export const HOOK_CHAINS = /^(DOCKER(-.*)?|ufw6?-.*|f2b-.*|fail2ban-.*|KUBE-.*|cali-.*|LIBVIRT_.*|.*_direct|.*_(pre|post|log|deny|allow))$/;

export const rule: LintRule = {
  meta: {
    id: 'ipt/jump-to-empty-chain',
    severity: 'info',
    description: 'A rule jumps to a chain that has no rules, so the jump does nothing (or returns, for -g).',
    docs: 'docs/rules/ipt/jump-to-empty-chain.md',
    messages: {
      jump: 'jumps to {{chain}}, which has no rules: the jump comes straight back and does nothing',
      goto: 'goes to {{chain}}, which has no rules: this acts as -j RETURN',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      // Listings of a single chain show the target's name but not the target chain's rules.
      const g = tableGraph(table);
      // The graph lists the jumps to chains without rules, in table order.
      for (const { from: chain, rule: r, to } of g.jumpsToEmpty) {
        if (to.builtin || HOOK_CHAINS.test(to.name)) continue;
        if (table.format === 'listing' && to.references === null) continue;
        context.report({
          messageId: r.target!.goto ? 'goto' : 'jump',
          data: { chain: to.name },
          table,
          chain,
          rule: r,
          span: r.target!.span,
        });
      }
    }
  },
};
