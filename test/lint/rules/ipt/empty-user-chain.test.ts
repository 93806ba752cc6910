import { rule } from '../../../../src/lint/rules/ipt/empty-user-chain.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'a chain with rules (unreachable-chain reports it, not this rule)', ruleset: filterTable(['-A A -j DROP'], { chains: ['A'] }) },
    { name: 'an empty chain that is jumped to (jump-to-empty-chain reports it)', ruleset: filterTable(['-A INPUT -j A'], { chains: ['A'] }) },
    { name: 'hook chains that managers declare empty', ruleset: filterTable([], { chains: ['DOCKER-USER', 'ufw-user-input', 'f2b-sshd', 'INPUT_direct'] }) },
    {
      name: 'a listing chain with references from chains it does not show',
      ruleset: ['Chain INPUT (policy ACCEPT)', 'target     prot opt source               destination', '', 'Chain WEB (1 references)', 'target     prot opt source               destination', ''].join('\n'),
    },
  ],
  invalid: [
    {
      name: 'declared, empty, unreferenced',
      ruleset: filterTable(['-A INPUT -j USED', '-A INPUT -j ACCEPT'], { chains: ['OLD_RULES', 'USED'] }),
      errors: [{ messageId: 'empty', line: 5, column: 1, rule: null, messageIncludes: ['OLD_RULES', 'iptables -t filter -X OLD_RULES'] }],
    },
    {
      name: 'a listing chain with 0 references',
      ruleset: ['Chain INPUT (policy ACCEPT)', 'target     prot opt source               destination', '', 'Chain WEB (0 references)', 'target     prot opt source               destination', ''].join('\n'),
      errors: [{ messageId: 'empty', line: 4, column: 1 }],
    },
  ],
});
