import { rule } from '../../../../src/lint/rules/ipt/state-instead-of-conntrack.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'conntrack --ctstate', ruleset: filterTable(['-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT']) },
    { name: 'no state test at all', ruleset: filterTable(['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT']) },
  ],
  invalid: [
    {
      name: 'one finding per table, at the first use, with the count',
      ruleset: filterTable(['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT', '-A FORWARD -m state --state NEW -j DROP']),
      errors: [{ messageId: 'alias', line: 6, column: 10, rule: 2, messageIncludes: ['`-m conntrack --ctstate RELATED,ESTABLISHED`', '2 rule(s) of the filter table'] }],
    },
    {
      name: 'negated state',
      ruleset: filterTable(['-A INPUT -p tcp -m state ! --state NEW -j DROP']),
      errors: [{ messageId: 'alias', line: 5, column: 17, messageIncludes: ['`-m conntrack ! --ctstate NEW`', '1 rule(s)'] }],
    },
  ],
});
