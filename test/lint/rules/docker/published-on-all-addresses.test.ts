import { rule } from '../../../../src/lint/rules/docker/published-on-all-addresses.js';
import { natTable, ruleTester } from '../../rule-tester.js';

const nat = (dnat: string): string =>
  natTable(['-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE', dnat], ['DOCKER']);

ruleTester(rule, {
  valid: [
    { name: 'bound to loopback', ruleset: nat('-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 5432 -j DNAT --to-destination 172.17.0.3:5432') },
    { name: 'bound to one public address', ruleset: nat('-A DOCKER -d 192.0.2.2/32 ! -i docker0 -p tcp -m tcp --dport 443 -j DNAT --to-destination 172.17.0.2:443') },
  ],
  invalid: [
    {
      name: '-p 8080:80',
      ruleset: nat('-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80'),
      errors: [{ messageId: 'all', line: 9, column: 1, messageIncludes: ['8080', '172.17.0.2:80'] }],
    },
    {
      name: 'a database on every address',
      ruleset: nat('-A DOCKER ! -i docker0 -p tcp -m tcp --dport 6379 -j DNAT --to-destination 172.17.0.4:6379'),
      errors: [{ messageId: 'sensitive', line: 9, column: 1, messageIncludes: ['Redis'] }],
    },
  ],
});
