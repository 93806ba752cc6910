import { rule } from '../../../../src/lint/rules/ipt/unreachable-chain.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'reached through another chain', ruleset: filterTable(['-A INPUT -j A', '-A A -j B', '-A B -j DROP'], { chains: ['A', 'B'] }) },
    { name: 'empty unreferenced chain (clutter, nothing lost)', ruleset: filterTable([], { chains: ['EMPTY'] }) },
    { name: 'Docker chains are left to docker/orphaned-chain', ruleset: filterTable(['-A DOCKER-USER -j RETURN'], { chains: ['DOCKER-USER'] }) },
  ],
  invalid: [
    {
      name: 'no jump at all, and a chain only jumped to from it',
      ruleset: filterTable(['-A OLD -s 10.0.0.0/8 -j OLDER', '-A OLDER -j DROP'], { chains: ['OLD', 'OLDER'] }),
      errors: [
        { messageId: 'unreferenced', line: 5, column: 1, rule: null },
        { messageId: 'onlyFromUnreachable', line: 6, column: 1, messageIncludes: ['OLD'] },
      ],
    },
  ],
});
