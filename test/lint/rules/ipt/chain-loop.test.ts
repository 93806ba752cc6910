import { rule } from '../../../../src/lint/rules/ipt/chain-loop.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'a chain reached twice is no loop', ruleset: filterTable(['-A INPUT -j A', '-A INPUT -j B', '-A B -j A', '-A A -j ACCEPT'], { chains: ['A', 'B'] }) },
  ],
  invalid: [
    {
      name: 'two chains jumping to each other',
      ruleset: filterTable(['-A INPUT -j A', '-A A -p tcp -j B', '-A B -j A'], { chains: ['A', 'B'] }),
      errors: [{ messageId: 'loop', line: 8, column: 1, messageIncludes: ['A -> B -> A'] }],
    },
    {
      name: 'a chain that goes to itself',
      ruleset: filterTable(['-A SELF -g SELF'], { chains: ['SELF'] }),
      errors: [{ messageId: 'loop', line: 6, column: 1, messageIncludes: ['SELF -> SELF'] }],
    },
  ],
});
