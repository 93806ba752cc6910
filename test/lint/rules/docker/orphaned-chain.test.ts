import { rule } from '../../../../src/lint/rules/docker/orphaned-chain.js';
import { filterTable, natTable, ruleTester } from '../../rule-tester.js';

const DNAT = '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80';

ruleTester(rule, {
  valid: [
    { name: 'jumps in place', ruleset: natTable(['-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER', DNAT], ['DOCKER']) + filterTable(['-A FORWARD -j DOCKER-USER', '-A DOCKER-USER -j RETURN'], { chains: ['DOCKER-USER'] }) },
    { name: 'an empty leftover chain loses nothing', ruleset: filterTable([], { chains: ['DOCKER-INGRESS'] }) },
  ],
  invalid: [
    {
      name: 'a reload flushed FORWARD and nat PREROUTING',
      ruleset: natTable([DNAT], ['DOCKER']) + filterTable(['-A DOCKER-USER -j RETURN'], { chains: ['DOCKER-USER'] }),
      errors: [
        { messageId: 'orphaned', line: 6, column: 1, rule: null, messageIncludes: ['nat chain DOCKER'] },
        { messageId: 'orphaned', line: 13, column: 1, messageIncludes: ['DOCKER-USER'] },
      ],
    },
    {
      name: 'nat DOCKER only reached from OUTPUT',
      ruleset: natTable(['-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER', DNAT], ['DOCKER']),
      errors: [{ messageId: 'natOutputOnly', line: 6, column: 1 }],
    },
  ],
});
