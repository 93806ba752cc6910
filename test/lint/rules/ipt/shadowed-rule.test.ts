import { rule } from '../../../../src/lint/rules/ipt/shadowed-rule.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'narrower rule first', ruleset: filterTable(['-A INPUT -s 10.1.0.0/16 -j ACCEPT', '-A INPUT -s 10.0.0.0/8 -j DROP']) },
    { name: 'a rate-limited rule shadows nothing', ruleset: filterTable(['-A INPUT -p tcp -m tcp --dport 22 -m limit --limit 5/min -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j DROP']) },
    { name: 'different protocols', ruleset: filterTable(['-A INPUT -p udp -m udp --dport 53 -j DROP', '-A INPUT -p tcp -m tcp --dport 53 -j ACCEPT']) },
    { name: 'interface wildcard does not cover another name', ruleset: filterTable(['-A FORWARD -i br-+ -j DROP', '-A FORWARD -i docker0 -j ACCEPT']) },
    { name: 'a jump may come back', ruleset: filterTable(['-A INPUT -j A', '-A INPUT -s 10.0.0.0/8 -j DROP', '-A A -j LOG'], { chains: ['A'] }) },
    { name: 'an unknown match in the earlier rule', ruleset: filterTable(['-A INPUT -m mark --mark 0x1 -j ACCEPT', '-A INPUT -s 10.0.0.1/32 -j DROP']) },
  ],
  invalid: [
    {
      name: 'prefix inside an earlier prefix',
      ruleset: filterTable(['-A INPUT -s 10.0.0.0/8 -j DROP', '-A INPUT -s 10.1.2.3/32 -p tcp -m tcp --dport 22 -j ACCEPT']),
      errors: [{ messageId: 'shadowed', line: 6, column: 1, rule: 2, messageIncludes: ['rule 1 (line 5)', '-j DROP'] }],
    },
    {
      name: 'port inside a multiport range, interface inside a wildcard, state subset',
      ruleset: filterTable([
        '-A FORWARD -i eth+ -p tcp -m multiport --dports 1000:2000,3000 -m conntrack --ctstate NEW,ESTABLISHED -j REJECT',
        '-A FORWARD -i eth0 -p tcp -m tcp --dport 1500 -m state --state NEW -j ACCEPT',
      ]),
      errors: [{ messageId: 'shadowed', line: 6, column: 1 }],
    },
    {
      name: 'negated source covers a disjoint source',
      ruleset: filterTable(['-A INPUT ! -s 192.168.0.0/16 -j DROP', '-A INPUT -s 10.0.0.0/8 -j ACCEPT']),
      errors: [{ messageId: 'shadowed', line: 6, column: 1 }],
    },
  ],
});
