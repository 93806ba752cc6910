/**
 * `-j X` / `-g X` where X is no builtin verdict, no chain of this table and no target extension:
 * iptables-restore refuses the whole table ("Couldn't load target `X'").
 */
import type { LintRule } from '../../rule.js';
import { tableGraph } from '../../graph.js';
import { extensionExists } from '../../../ast/modules/registry.js';
import { BUILTIN_CHAINS, isBuiltinTable, type Table } from '../../../ast/types.js';

function isFullListing(table: Table): boolean {
  if (!isBuiltinTable(table.name)) return false;
  return BUILTIN_CHAINS[table.name].every((hook) => table.chains.some((c) => c.name === hook));
}

/**
 * Target extensions from xtables-addons and older kernels that netfate does not model. They load
 * where the module is installed, so naming one is not an error the linter can prove.
 */
const THIRD_PARTY_TARGETS = new Set([
  'ACCOUNT', 'CHAOS', 'CLUSTERIP', 'DELUDE', 'DHCPMAC', 'DNETMAP', 'ECHO', 'IMQ', 'IPMARK', 'IPV4OPTSSTRIP', 'LOGMARK',
  'MIRROR', 'NETLINK', 'PROTO', 'RAWDNAT', 'RAWSNAT', 'ROUTE', 'SAME', 'STEAL', 'SYSRQ', 'TARPIT', 'TCPOPTSTRIP', 'ULOG',
  'XOR', 'FULLCONENAT', 'FLOWOFFLOAD', 'IPVS',
]);

export const rule: LintRule = {
  meta: {
    id: 'ipt/undefined-target',
    severity: 'error',
    description: 'A rule jumps to a chain that is not declared in its table (iptables-restore refuses the table).',
    docs: 'docs/rules/ipt/undefined-target.md',
    messages: {
      undefined:
        '"{{name}}" is not a chain of the {{table}} table nor a target netfate knows: iptables-restore refuses the table ("Couldn\'t load target")',
      otherTable:
        '"{{name}}" is a chain of the {{other}} table, not of {{table}}: a rule can only jump within its own table',
    },
  },
  check(context) {
    for (const table of context.ruleset.tables) {
      // A listing of a single chain (`iptables -L FORWARD`) does not show the chains it jumps to.
      if (table.format === 'listing' && !isFullListing(table)) continue;
      const declared = tableGraph(table).chains;
      for (const chain of table.chains) {
        for (const r of chain.rules) {
          const t = r.target;
          if (!t || r.invalid || t.kind === 'standard' || declared.has(t.name)) continue;
          if (t.kind === 'extension' && (t.known || extensionExists('target', t.name) || THIRD_PARTY_TARGETS.has(t.name))) continue;
          const other = context.ruleset.tables.find(
            (o) => o !== table && o.family === table.family && o.file === table.file && o.chains.some((c) => c.name === t.name && !c.builtin),
          );
          context.report({
            messageId: other ? 'otherTable' : 'undefined',
            data: { name: t.name, table: table.name, other: other?.name ?? '' },
            table,
            chain,
            rule: r,
            span: t.span,
          });
        }
      }
    }
  },
};
