import { rule } from '../../../../src/lint/rules/ipt/port-without-protocol.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'ports with -p', ruleset: filterTable(['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -p udp -m multiport --dports 53,123 -j ACCEPT']) },
    { name: 'a rule refused for another reason is not blamed on its port', ruleset: filterTable(['-A INPUT -p tcp -m tcp --dport 22 -j NOSUCH --bogus']) },
  ],
  invalid: [
    {
      name: '--dport with no -p (iptables refuses it)',
      ruleset: filterTable(['-A INPUT --dport 22 -j ACCEPT']),
      errors: [{ messageId: 'refused', line: 5, column: 1, messageIncludes: ['--dport'] }],
    },
    {
      name: 'port match under a negated protocol',
      ruleset: filterTable(['-A INPUT ! -p tcp -m tcp --dport 22 -j DROP']),
      errors: [{ messageId: 'negated', line: 5, column: 19 }],
    },
  ],
});
