import { rule } from '../../../../src/lint/rules/ipt/jump-to-empty-chain.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'chain with rules', ruleset: filterTable(['-A INPUT -j A', '-A A -j DROP'], { chains: ['A'] }) },
    { name: 'hook chains kept empty by design', ruleset: filterTable(['-A FORWARD -j DOCKER-USER', '-A INPUT -j ufw-user-input'], { chains: ['DOCKER-USER', 'ufw-user-input'] }) },
  ],
  invalid: [
    {
      name: 'jump and goto to an empty chain',
      ruleset: filterTable(['-A INPUT -p tcp -j WEB', '-A INPUT -g WEB'], { chains: ['WEB'] }),
      errors: [
        { messageId: 'jump', line: 6, column: 17 },
        { messageId: 'goto', line: 7, column: 10 },
      ],
    },
  ],
});
