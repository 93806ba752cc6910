/**
 * `-o X` in a user chain that only PREROUTING/INPUT reach, or `-i X` in one that only
 * OUTPUT/POSTROUTING reach. At those hooks the kernel has no output (resp. input) device yet (or
 * any more), so the interface name is empty and only `+` would match it: the rule never matches.
 * iptables refuses the same selector in the builtin chains ("Can't use -o with INPUT"), which the
 * parser reports; it cannot see through jumps, so it loads these.
 */
import type { InterfaceName, Negatable } from '../../../ast/types.js';
import type { LintRule } from '../../rule.js';
import { selectorSpan, tableGraph } from '../../graph.js';

/** Hooks at which the kernel passes no output device (outdev NULL), and no input device. */
const NO_OUT = new Set(['PREROUTING', 'INPUT']);
const NO_IN = new Set(['OUTPUT', 'POSTROUTING']);

/** The selector needs a non-empty name: `-o eth0`, `-o eth+` (but not `+`, and not `! -o eth0`). */
function needsInterface(sel: Negatable<InterfaceName> | undefined): sel is Negatable<InterfaceName> {
  return !!sel && !sel.negated && sel.value.name !== '';
}

function shown(i: InterfaceName): string {
  return `${i.name}${i.wildcard ? '+' : ''}`;
}

export const rule: LintRule = {
  meta: {
    id: 'ipt/interface-direction',
    severity: 'warning',
    description: '-o in a chain reached only from PREROUTING/INPUT, or -i in one reached only from OUTPUT/POSTROUTING: the rule never matches.',
    docs: 'docs/rules/ipt/interface-direction.md',
    messages: {
      out: '`-o {{iface}}` never matches: chain {{chain}} is only reached from {{hooks}}, where packets have no output interface yet',
      in: '`-i {{iface}}` never matches: chain {{chain}} is only reached from {{hooks}}, where packets have no input interface',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      const g = tableGraph(table);
      // What a set of hooks forbids, worked out once per set (chains reached alike share one).
      const bySet = new Map<ReadonlySet<string>, { list: string; noOut: boolean; noIn: boolean }>();
      for (const chain of table.chains) {
        const hooks = g.hooksReaching.get(chain.name);
        if (chain.builtin || !hooks?.size) continue;
        let facts = bySet.get(hooks);
        if (!facts) {
          const names = [...hooks];
          facts = { list: names.sort().join('/'), noOut: names.every((h) => NO_OUT.has(h)), noIn: names.every((h) => NO_IN.has(h)) };
          bySet.set(hooks, facts);
        }
        const { list, noOut, noIn } = facts;
        if (!noOut && !noIn) continue;
        for (const r of chain.rules) {
          if (r.invalid) continue;
          const { inInterface, outInterface } = r.core;
          if (noOut && needsInterface(outInterface)) {
            context.report({
              messageId: 'out',
              data: { iface: shown(outInterface.value), chain: chain.name, hooks: list },
              table,
              chain,
              rule: r,
              span: selectorSpan(r, ['-o', '--out-interface']),
            });
          }
          if (noIn && needsInterface(inInterface)) {
            context.report({
              messageId: 'in',
              data: { iface: shown(inInterface.value), chain: chain.name, hooks: list },
              table,
              chain,
              rule: r,
              span: selectorSpan(r, ['-i', '--in-interface']),
            });
          }
        }
      }
    }
  },
};
