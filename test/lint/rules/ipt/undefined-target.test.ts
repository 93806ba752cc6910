import { rule } from '../../../../src/lint/rules/ipt/undefined-target.js';
import { filterTable, natTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'declared chain, builtin verdict, known extension', ruleset: filterTable(['-A INPUT -j LOGDROP', '-A LOGDROP -j LOG', '-A LOGDROP -j DROP'], { chains: ['LOGDROP'] }) },
    { name: 'third-party target extension', ruleset: filterTable(['-A INPUT -p tcp -j TARPIT']) },
  ],
  invalid: [
    {
      name: 'jump to a chain that was never declared',
      ruleset: filterTable(['-A INPUT -p tcp -m tcp --dport 22 -j SSH_IN']),
      errors: [{ messageId: 'undefined', line: 5, column: 35, messageIncludes: ['SSH_IN'] }],
    },
    {
      name: 'jump to a chain of another table',
      ruleset: natTable(['-A PREROUTING -j FILTERME'], ['DOCKER']) + filterTable(['-A INPUT -j FILTERME2'], { chains: ['FILTERME'] }),
      errors: [
        { messageId: 'otherTable', line: 7, column: 15, messageIncludes: ['filter table'] },
        { messageId: 'undefined', line: 14, column: 10 },
      ],
    },
  ],
});
