import { rule } from '../../../../src/lint/rules/ipt/return-in-builtin.js';
import { filterTable, natTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'RETURN in a user chain', ruleset: filterTable(['-A INPUT -j A', '-A A -s 10.0.0.0/8 -j RETURN'], { chains: ['A'] }) },
    { name: 'RETURN to skip the rest of nat PREROUTING (policy ACCEPT)', ruleset: natTable(['-A PREROUTING -i lo -j RETURN']) },
  ],
  invalid: [
    {
      name: 'RETURN in INPUT with policy DROP',
      ruleset: filterTable(['-A INPUT -s 192.0.2.0/24 -j RETURN'], { input: 'DROP' }),
      errors: [{ messageId: 'policyDrop', line: 5, column: 26 }],
    },
    {
      name: 'RETURN in filter FORWARD with policy ACCEPT',
      ruleset: filterTable(['-A FORWARD -i eth1 -j RETURN']),
      errors: [{ messageId: 'policyAccept', line: 5, column: 20 }],
    },
  ],
});
