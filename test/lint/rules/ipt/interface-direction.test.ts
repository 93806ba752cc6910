import { rule } from '../../../../src/lint/rules/ipt/interface-direction.js';
import { filterTable, natTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: '-o in a chain FORWARD reaches', ruleset: filterTable(['-A FORWARD -j FWD', '-A FWD -o eth0 -j ACCEPT'], { chains: ['FWD'] }) },
    { name: '-o in a chain INPUT and OUTPUT both reach', ruleset: filterTable(['-A INPUT -j COMMON', '-A OUTPUT -j COMMON', '-A COMMON -o lo -j ACCEPT'], { chains: ['COMMON'] }) },
    { name: '-o + and negated names', ruleset: filterTable(['-A INPUT -j IN', '-A IN -o + -j ACCEPT', '-A IN ! -o eth0 -j ACCEPT'], { chains: ['IN'] }) },
    { name: 'an unreachable chain (unreachable-chain reports it)', ruleset: filterTable(['-A LOST -o eth0 -j DROP'], { chains: ['LOST'] }) },
    { name: '-i in a chain PREROUTING reaches', ruleset: natTable(['-A PREROUTING -j PRE', '-A PRE -i eth0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2'], ['PRE']) },
  ],
  invalid: [
    {
      name: '-o in a chain only INPUT reaches',
      ruleset: filterTable(['-A INPUT -j IN', '-A IN -p tcp -o eth0 -j DROP'], { chains: ['IN'] }),
      errors: [{ messageId: 'out', line: 7, column: 14, messageIncludes: ['`-o eth0`', 'from INPUT'] }],
    },
    {
      name: '-i in a nat chain only POSTROUTING reaches (wildcard name)',
      ruleset: natTable(['-A POSTROUTING -j POST', '-A POST -i br-+ -j MASQUERADE'], ['POST']),
      errors: [{ messageId: 'in', line: 8, column: 9, messageIncludes: ['`-i br-+`', 'from POSTROUTING'] }],
    },
  ],
});
