import { rule } from '../../../../src/lint/rules/ipt/log-without-limit.js';
import { filterTable, ruleTester } from '../../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'LOG with -m limit', ruleset: filterTable(['-A INPUT -m limit --limit 5/min -j LOG --log-prefix "in: "']) },
    {
      name: 'NFLOG with -m hashlimit',
      ruleset: filterTable(['-A INPUT -m hashlimit --hashlimit-upto 1/sec --hashlimit-mode srcip --hashlimit-name log -j NFLOG --nflog-group 1']),
    },
    {
      name: 'every jump into the logging chain is rate-limited',
      ruleset: filterTable(['-A INPUT -m limit --limit 3/min -j LOGDROP', '-A INPUT -j DROP', '-A LOGDROP -j LOG', '-A LOGDROP -j DROP'], { chains: ['LOGDROP'] }),
    },
    { name: 'other targets', ruleset: filterTable(['-A INPUT -j DROP']) },
  ],
  invalid: [
    {
      name: 'LOG and NFLOG with no limit',
      ruleset: filterTable(['-A INPUT -p tcp -m tcp --dport 22 -j LOG --log-prefix "ssh: "', '-A FORWARD -j NFLOG --nflog-group 2']),
      errors: [
        { messageId: 'unlimited', line: 5, column: 35, messageIncludes: ['-j LOG'] },
        { messageId: 'unlimited', line: 6, column: 12, messageIncludes: ['-j NFLOG'] },
      ],
    },
    {
      name: 'one of the jumps into the logging chain is not limited',
      ruleset: filterTable(['-A INPUT -m limit --limit 3/min -j LOGDROP', '-A FORWARD -j LOGDROP', '-A LOGDROP -j LOG', '-A LOGDROP -j DROP'], { chains: ['LOGDROP'] }),
      errors: [{ messageId: 'unlimited', line: 8, column: 12, rule: 1 }],
    },
  ],
});
