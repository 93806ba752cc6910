import { rule } from '../../../../src/lint/rules/ipt/filter-on-dnat-port.js';
import { filterTable, natTable, ruleTester } from '../../rule-tester.js';

/** Port 8080 on eth0 forwarded to 192.168.1.10:80; 203.0.113.5:443 forwarded to 192.168.1.20. */
const NAT = natTable([
  '-A PREROUTING -i eth0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.1.10:80',
  '-A PREROUTING -d 203.0.113.5/32 -p tcp -m tcp --dport 443 -j DNAT --to-destination 192.168.1.20',
]);
const withNat = (rules: readonly string[], chains: readonly string[] = []): string => filterTable(rules, { chains }) + NAT;

ruleTester(rule, {
  valid: [
    { name: 'matches the rewritten destination', ruleset: withNat(['-A FORWARD -d 192.168.1.10/32 -p tcp -m tcp --dport 80 -j ACCEPT', '-A FORWARD -d 192.168.1.20/32 -p tcp -m tcp --dport 443 -j ACCEPT']) },
    { name: 'matches the original port through conntrack', ruleset: withNat(['-A FORWARD -d 192.168.1.10/32 -p tcp -m conntrack --ctorigdstport 8080 -j ACCEPT']) },
    { name: 'same port, but no destination: may be other traffic (LAN clients going out)', ruleset: withNat(['-A FORWARD -i eth1 -p tcp -m tcp --dport 8080 -j ACCEPT']) },
    { name: 'arrives on another interface than the forward', ruleset: withNat(['-A FORWARD -i eth1 -d 192.168.1.10/32 -p tcp -m tcp --dport 8080 -j ACCEPT']) },
    { name: 'another protocol', ruleset: withNat(['-A FORWARD -d 192.168.1.10/32 -p udp -m udp --dport 8080 -j ACCEPT']) },
    { name: 'DOCKER-USER is docker/docker-user-matches-pre-dnat\'s', ruleset: withNat(['-A FORWARD -j DOCKER-USER', '-A DOCKER-USER -d 192.168.1.10/32 -p tcp -m tcp --dport 8080 -j DROP'], ['DOCKER-USER']) },
    { name: 'no nat table', ruleset: filterTable(['-A FORWARD -d 192.168.1.10/32 -p tcp -m tcp --dport 8080 -j ACCEPT']) },
  ],
  invalid: [
    {
      name: 'the public port on the forwarded-to host',
      ruleset: withNat(['-A FORWARD -d 192.168.1.10/32 -p tcp -m tcp --dport 8080 -j ACCEPT']),
      errors: [{ messageId: 'port', line: 5, column: 1, rule: 1, messageIncludes: ['port 8080', 'nat PREROUTING rule 1 (line 12)', '192.168.1.10:80', '--ctorigdstport 8080'] }],
    },
    {
      name: 'the public address, in a chain FORWARD reaches',
      ruleset: withNat(['-A FORWARD -j WEB', '-A WEB -d 203.0.113.5/32 -p tcp -m tcp --dport 443 -j ACCEPT'], ['WEB']),
      errors: [{ messageId: 'address', line: 7, column: 1, messageIncludes: ['destination 203.0.113.5', 'rule 2 (line 15)', '--ctorigdst 203.0.113.5'] }],
    },
  ],
});
