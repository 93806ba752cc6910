import { rule } from '../../../../src/lint/rules/ipt/negated-any-match.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'negated real networks and interfaces', ruleset: filterTable(['-A INPUT ! -s 10.0.0.0/8 -j DROP', '-A INPUT ! -i lo -d 127.0.0.0/8 -j DROP', '-A FORWARD ! -o eth+ -j DROP']) },
    { name: 'plain 0.0.0.0/0 and + match everything, which is fine', ruleset: filterTable(['-A INPUT -s 0.0.0.0/0 -i + -j ACCEPT']) },
    { name: 'a negated partial port range', ruleset: filterTable(['-A INPUT -p tcp -m tcp ! --dport 1:1023 -j ACCEPT']) },
  ],
  invalid: [
    {
      name: '! -s 0.0.0.0/0 and ! -i +',
      ruleset: filterTable(['-A INPUT ! -s 0.0.0.0/0 -j DROP', '-A FORWARD -p tcp ! -i + -j ACCEPT']),
      errors: [
        { messageId: 'never', line: 5, column: 10, messageIncludes: ['`! -s 0.0.0.0/0`'] },
        { messageId: 'never', line: 6, column: 19, messageIncludes: ['`! -i +`'] },
      ],
    },
    {
      name: '! -d ::/0 in an IPv6 ruleset',
      ruleset: [{ file: 'rules.v6', text: filterTable(['-A OUTPUT ! -d ::/0 -j REJECT']) }],
      errors: [{ messageId: 'never', line: 5, column: 11, messageIncludes: ['`! -d ::/0`'] }],
    },
    {
      name: '! --dport 0:65535',
      ruleset: filterTable(['-A INPUT -p udp -m udp ! --dport 0:65535 -j DROP']),
      errors: [{ messageId: 'never', line: 5, column: 24, messageIncludes: ['`! --dport 0:65535`'] }],
    },
  ],
});
