import { rule } from '../../../../src/lint/rules/ipt/accept-policy-nothing-denied.js';
import { filterTable, natTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'INPUT policy DROP', ruleset: filterTable(['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'], { input: 'DROP' }) },
    { name: 'a final DROP in INPUT', ruleset: filterTable(['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -j DROP']) },
    { name: 'a conditional REJECT is a decision too', ruleset: filterTable(['-A INPUT -p tcp -m tcp --dport 23 -j REJECT']) },
    { name: 'a DROP in a chain INPUT reaches', ruleset: filterTable(['-A INPUT -j SSH', '-A SSH -s 10.0.0.0/8 -j ACCEPT', '-A SSH -j DROP'], { chains: ['SSH'] }) },
    { name: 'a userspace queue decides', ruleset: filterTable(['-A INPUT -j NFQUEUE --queue-num 0']) },
    { name: 'an untouched INPUT: iptables is not where this host is filtered', ruleset: filterTable(['-A FORWARD -o docker0 -j ACCEPT']) },
    {
      name: 'only the DNS/DHCP rules libvirt adds on its bridges',
      ruleset: filterTable(['-A INPUT -i virbr0 -p udp -m udp --dport 53 -j ACCEPT', '-A INPUT -i virbr0 -p udp -m udp --dport 67 -j ACCEPT']),
    },
    { name: 'no filter table at all', ruleset: natTable(['-A POSTROUTING -o eth0 -j MASQUERADE']) },
  ],
  invalid: [
    {
      name: 'only ACCEPT and LOG rules under policy ACCEPT',
      ruleset: filterTable(['-A INPUT -i lo -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -j LOG']),
      errors: [{ messageId: 'open', line: 2, column: 1, rule: null, messageIncludes: ['every IPv4 packet'] }],
    },
    {
      name: 'a DROP in a chain INPUT does not reach does not count',
      ruleset: filterTable(['-A INPUT -i lo -j ACCEPT', '-A FORWARD -j BLOCK', '-A BLOCK -j DROP'], { chains: ['BLOCK'] }),
      errors: [{ messageId: 'open', line: 2, column: 1 }],
    },
  ],
});
