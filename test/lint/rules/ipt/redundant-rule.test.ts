import { rule } from '../../../../src/lint/rules/ipt/redundant-rule.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'same target but the later rule is wider', ruleset: filterTable(['-A INPUT -s 10.0.0.0/8 -j DROP', '-A INPUT -s 0.0.0.0/1 -j ACCEPT', '-A INPUT -j DROP']) },
    { name: 'a different action in between overlaps', ruleset: filterTable(['-A INPUT -s 10.1.0.0/16 -j DROP', '-A INPUT -s 10.1.2.0/24 -j ACCEPT', '-A INPUT -s 10.0.0.0/8 -j DROP']) },
    { name: 'different targets are shadowing, not redundancy', ruleset: filterTable(['-A INPUT -s 10.0.0.0/8 -j DROP', '-A INPUT -s 10.1.0.0/16 -j ACCEPT']) },
  ],
  invalid: [
    {
      name: 'exact duplicate',
      ruleset: filterTable(['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT']),
      errors: [{ messageId: 'earlier', line: 6, column: 1, rule: 2 }],
    },
    {
      name: 'covered by a later rule with the same action, disjoint rule in between',
      ruleset: filterTable(['-A INPUT -s 10.1.2.3/32 -j DROP', '-A INPUT -s 192.168.0.0/16 -j ACCEPT', '-A INPUT -s 10.0.0.0/8 -j DROP']),
      errors: [{ messageId: 'later', line: 5, column: 1, rule: 1, messageIncludes: ['rule 3 (line 7)'] }],
    },
  ],
});
