/**
 * A target used in a user chain that a builtin chain reaches although the target is not allowed
 * from that hook (DNAT reached from nat POSTROUTING, REJECT reached from mangle PREROUTING, …).
 * The kernel checks the hooks of every path into the chain when the table is loaded and refuses
 * it ("x_tables: … target: used from hooks …, but only usable from …"). Rules directly in builtin
 * chains are refused by the parser already.
 */
import type { LintRule } from '../../rule.js';
import { findTarget } from '../../../ast/modules/registry.js';
import { tableGraph } from '../../graph.js';

export const rule: LintRule = {
  meta: {
    id: 'ipt/target-not-allowed-here',
    severity: 'error',
    description: 'A target is used in a chain reached from a hook or table the target does not allow.',
    docs: 'docs/rules/ipt/target-not-allowed-here.md',
    messages: {
      hook: '{{target}} is only usable from {{allowed}}, but chain {{chain}} is reached from {{bad}}: the kernel refuses the {{table}} table',
      table: '{{target}} is only valid in the {{allowed}} table(s), not in {{table}}',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      const g = tableGraph(table);
      // The hooks a target may not run in, per target and set of hooks (chains reached alike share a set).
      const badHooks = new Map<ReadonlySet<string>, Map<string, string[]>>();
      // Only rules with extension targets: the graph lists them, in table order.
      for (const { chain, rule: r } of g.extensionTargets) {
        if (chain.builtin) continue;
        const t = r.target;
        if (!t || t.kind !== 'extension' || !t.known || r.invalid) continue;
        const def = findTarget(t.name, table.family);
        if (!def) continue;
        if (def.tables && !def.tables.includes(table.name)) {
          context.report({ messageId: 'table', data: { target: t.name, allowed: def.tables.join(', '), table: table.name }, table, chain, rule: r, span: t.span });
          continue;
        }
        const hooks = g.hooksReaching.get(chain.name);
        if (!def.hooks || !hooks) continue;
        let byTarget = badHooks.get(hooks);
        if (!byTarget) badHooks.set(hooks, (byTarget = new Map()));
        let bad = byTarget.get(def.name);
        if (!bad) byTarget.set(def.name, (bad = [...hooks].filter((h) => !def.hooks!.includes(h)).sort()));
        if (!bad.length) continue;
        context.report({
          messageId: 'hook',
          data: { target: t.name, allowed: def.hooks.join('/'), chain: chain.name, bad: bad.join('/'), table: table.name },
          table,
          chain,
          rule: r,
          span: t.span,
        });
      }
    }
  },
};
