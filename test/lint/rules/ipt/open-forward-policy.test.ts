import { rule } from '../../../../src/lint/rules/ipt/open-forward-policy.js';
import type { HostModel } from '../../../../src/eval/types.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

const forwarding = (on: number): HostModel => ({ interfaces: [], routes: [], sysctl: { 'net.ipv4.ip_forward': on } });

ruleTester(rule, {
  valid: [
    { name: 'FORWARD policy DROP', ruleset: filterTable(['-A FORWARD -i eth1 -o eth0 -j ACCEPT'], { forward: 'DROP' }) },
    { name: 'ACCEPT policy but a final DROP', ruleset: filterTable(['-A FORWARD -i eth1 -o eth0 -j ACCEPT', '-A FORWARD -j DROP']) },
    { name: 'final jump to a chain that drops everything', ruleset: filterTable(['-A FORWARD -j DENY', '-A DENY -j LOG', '-A DENY -j REJECT'], { chains: ['DENY'] }) },
    { name: 'a workstation: empty FORWARD and nothing else forwarding-related', ruleset: filterTable(['-A INPUT -j ACCEPT']) },
    { name: 'the host does not forward (--host)', ruleset: filterTable(['-A FORWARD -i eth1 -j ACCEPT']), host: forwarding(0) },
  ],
  invalid: [
    {
      name: 'FORWARD rules with an ACCEPT policy, no host model',
      ruleset: filterTable(['-A FORWARD -i eth1 -o eth0 -j ACCEPT']),
      errors: [{ messageId: 'open', line: 3, column: 1, rule: null, messageIncludes: ['assumed net.ipv4.ip_forward = 1'] }],
    },
    {
      name: 'empty FORWARD on a host that forwards (--host)',
      ruleset: filterTable([]),
      host: forwarding(1),
      errors: [{ messageId: 'open', line: 3, column: 1 }],
    },
  ],
});
