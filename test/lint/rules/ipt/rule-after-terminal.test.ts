import { rule } from '../../../../src/lint/rules/ipt/rule-after-terminal.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'catch-all at the end', ruleset: filterTable(['-A INPUT -p tcp --dport 22 -j ACCEPT', '-A INPUT -j DROP']) },
    { name: 'a conditional DROP hides nothing', ruleset: filterTable(['-A INPUT -i eth0 -j DROP', '-A INPUT -j ACCEPT']) },
    { name: 'a jump to a chain may come back', ruleset: filterTable(['-A INPUT -j A', '-A INPUT -j DROP', '-A A -j LOG'], { chains: ['A'] }) },
  ],
  invalid: [
    {
      name: 'rules appended after a catch-all DROP (comment does not make it conditional)',
      ruleset: filterTable(['-A INPUT -m comment --comment "deny rest" -j DROP', '-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT', '-A INPUT -j LOG']),
      errors: [{ messageId: 'dead', line: 6, column: 1, messageIncludes: ['2 rule(s)'], rule: 2 }],
    },
    {
      name: 'user rules after Docker\'s DOCKER-USER RETURN',
      ruleset: filterTable(['-A FORWARD -j DOCKER-USER', '-A DOCKER-USER -j RETURN', '-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 5432 -j DROP'], { chains: ['DOCKER-USER'] }),
      errors: [{ messageId: 'deadDockerUser', line: 8, column: 1 }],
    },
  ],
});
