import { rule } from '../../../../src/lint/rules/docker/forward-rule-after-docker.js';
import { ruleTester } from '../../rule-tester.js';
import { docker2010, docker28, lineOf } from '../../docker-fixtures.js';

const UFW_JUMP = '-A FORWARD -j ufw-before-forward';
const DROP_TO_BRIDGE = '-A FORWARD -o docker0 -p tcp -m tcp --dport 80 -j DROP';
const DROP_FROM_BRIDGE = '-A FORWARD -i docker0 -o eth0 -j DROP';
const withUfw = docker28({
  forwardAfter: [UFW_JUMP, '-A ufw-before-forward -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A ufw-before-forward -o docker0 -p tcp -m tcp --dport 80 -j DROP'],
}).replace(':DOCKER-USER - [0:0]', ':DOCKER-USER - [0:0]\n:ufw-before-forward - [0:0]');
const era20 = docker2010({ forwardAfter: [DROP_TO_BRIDGE] });
const era28 = docker28({ forwardAfter: [DROP_FROM_BRIDGE] });

ruleTester(rule, {
  valid: [
    { name: 'Docker 20.10 as generated', ruleset: docker2010() },
    { name: 'Docker 28 as generated', ruleset: docker28() },
    { name: 'an ACCEPT after Docker changes nothing for its traffic', ruleset: docker28({ forwardAfter: ['-A FORWARD -i eth0 -o eth1 -j ACCEPT', '-A FORWARD -j ACCEPT'] }) },
    { name: 'a rule after Docker about other interfaces', ruleset: docker28({ forwardAfter: ['-A FORWARD -i eth1 -o eth2 -j DROP'] }) },
    { name: 'the same rule in DOCKER-USER is where it belongs', ruleset: docker28({ user: ['-A DOCKER-USER -i docker0 -o eth0 -j DROP'] }) },
    {
      // Precision review: pastebin bbWXHaTn ends FORWARD with `-j LOGGING_FORWARD` (LOG + DROP) below Docker's rules.
      name: 'a default-deny catch-all after Docker (LOG + DROP chain) is meant to see only the rest',
      ruleset: docker2010({ forwardAfter: ['-A FORWARD -j LOGGING_FORWARD', '-A FORWARD -j DROP'] })
        .replace(':DOCKER-USER - [0:0]', ':DOCKER-USER - [0:0]\n:LOGGING_FORWARD - [0:0]')
        .replace('COMMIT\n*nat', '-A LOGGING_FORWARD -m limit --limit 2/min -j LOG\n-A LOGGING_FORWARD -j DROP\nCOMMIT\n*nat'),
    },
  ],
  invalid: [
    {
      name: 'a DROP for a published container port below the 20.10 per-bridge rules',
      ruleset: era20,
      errors: [{ messageId: 'afterDocker', line: lineOf(era20, DROP_TO_BRIDGE), column: 1, rule: 7, messageIncludes: ['203.0.113.7:40000 -> 192.0.2.2:8080', 'filter DOCKER rule 1'] }],
    },
    {
      name: 'an egress DROP below the 28.x DOCKER-FORWARD jump',
      ruleset: era28,
      errors: [{ messageId: 'afterDocker', line: lineOf(era28, DROP_FROM_BRIDGE), column: 1, rule: 3, messageIncludes: ['FORWARD rule 2', '172.17.0.2:40000 -> 203.0.113.7:443 in docker0', 'DOCKER-FORWARD rule 4'] }],
    },
    {
      name: "ufw's forward chains after Docker's",
      ruleset: withUfw,
      errors: [{ messageId: 'afterDocker', line: lineOf(withUfw, UFW_JUMP), column: 1, rule: 3 }],
    },
  ],
});
