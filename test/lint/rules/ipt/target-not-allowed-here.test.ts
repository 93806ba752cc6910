import { rule } from '../../../../src/lint/rules/ipt/target-not-allowed-here.js';
import { filterTable, natTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'DNAT in a chain reached only from PREROUTING and OUTPUT', ruleset: natTable(['-A PREROUTING -j PORTS', '-A OUTPUT -j PORTS', '-A PORTS -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2'], ['PORTS']) },
    { name: 'REJECT in a chain reached from INPUT and FORWARD', ruleset: filterTable(['-A INPUT -j DENY', '-A FORWARD -j DENY', '-A DENY -j REJECT'], { chains: ['DENY'] }) },
    { name: 'an unreachable chain has no hook to break', ruleset: natTable(['-A PORTS -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2'], ['PORTS']) },
  ],
  invalid: [
    {
      name: 'DNAT in a chain that POSTROUTING also reaches',
      ruleset: natTable(['-A PREROUTING -j PORTS', '-A POSTROUTING -j PORTS', '-A PORTS -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2'], ['PORTS']),
      errors: [{ messageId: 'hook', line: 9, column: 35, messageIncludes: ['POSTROUTING', 'PREROUTING/OUTPUT'] }],
    },
    {
      name: 'MASQUERADE in a chain reached from PREROUTING',
      ruleset: natTable(['-A PREROUTING -j OUT', '-A OUT -j MASQUERADE'], ['OUT']),
      errors: [{ messageId: 'hook', line: 8, column: 8 }],
    },
  ],
});
