import { rule } from '../../../../src/lint/rules/docker/docker-user-not-first.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

const CHAINS = ['DOCKER', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-USER'];
const DOCKER_RULES = [
  '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
  '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A FORWARD -o docker0 -j DOCKER',
  '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
  '-A DOCKER-ISOLATION-STAGE-1 -j RETURN',
];

ruleTester(rule, {
  valid: [
    { name: 'DOCKER-USER first', ruleset: filterTable(['-A FORWARD -j DOCKER-USER', ...DOCKER_RULES], { chains: CHAINS, forward: 'DROP' }) },
    { name: 'a LOG before the jump accepts nothing', ruleset: filterTable(['-A FORWARD -j LOG', '-A FORWARD -j DOCKER-USER', ...DOCKER_RULES], { chains: CHAINS, forward: 'DROP' }) },
    { name: 'no Docker filter chains (nftables backend leftovers are another matter)', ruleset: filterTable(['-A FORWARD -j ACCEPT']) },
  ],
  invalid: [
    {
      name: 'an ACCEPT above the DOCKER-USER jump',
      ruleset: filterTable(['-A FORWARD -i eth0 -j ACCEPT', '-A FORWARD -j DOCKER-USER', ...DOCKER_RULES], { chains: CHAINS, forward: 'DROP' }),
      errors: [{ messageId: 'notFirst', line: 8, column: 1, rule: 1, messageIncludes: ['FORWARD rule 2'] }],
    },
    {
      name: 'Docker chains are reached before DOCKER-USER',
      ruleset: filterTable([...DOCKER_RULES.slice(0, 3), '-A FORWARD -j DOCKER-USER', ...DOCKER_RULES.slice(3)], { chains: CHAINS, forward: 'DROP' }),
      errors: [{ messageId: 'notFirst', line: 9, column: 1, rule: 2 }],
    },
    {
      name: 'no DOCKER-USER chain (IPv6 on 20.10)',
      ruleset: filterTable(DOCKER_RULES, { chains: ['DOCKER', 'DOCKER-ISOLATION-STAGE-1'], forward: 'DROP' }),
      errors: [{ messageId: 'missing', line: 3, column: 1, rule: null }],
    },
    {
      name: 'FORWARD does not jump to DOCKER-USER',
      ruleset: filterTable(DOCKER_RULES, { chains: CHAINS, forward: 'DROP' }),
      errors: [{ messageId: 'noJump', line: 3, column: 1 }],
    },
  ],
});
