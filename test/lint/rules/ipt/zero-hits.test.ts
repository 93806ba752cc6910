import { rule } from '../../../../src/lint/rules/ipt/zero-hits.js';
import { ruleTester } from '../../rule-tester.js';

const save = (counters: [string, string, string]): string =>
  [
    '*filter',
    ':INPUT DROP [10:600]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    `${counters[0]} -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    `${counters[1]} -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT`,
    `${counters[2]} -A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT`,
    'COMMIT',
    '',
  ].join('\n');

ruleTester(rule, {
  valid: [
    { name: 'every rule has hits', ruleset: save(['[900:1000]', '[5:300]', '[1:60]']) },
    { name: 'counters just reset (no traffic anywhere)', ruleset: save(['[0:0]', '[0:0]', '[0:0]']).replace('[10:600]', '[0:0]') },
    { name: 'no counters (plain iptables-save)', ruleset: save(['', '', '']) },
  ],
  invalid: [
    {
      name: 'one rule never matched while the chain saw traffic',
      ruleset: save(['[900:1000]', '[5:300]', '[0:0]']),
      errors: [{ messageId: 'zero', line: 7, column: 1, rule: 3 }],
    },
  ],
});
