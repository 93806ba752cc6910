import { rule } from '../../../../src/lint/rules/docker/loopback-publish-reachable.js';
import { ruleTester } from '../../rule-tester.js';
import { docker2010, docker28, lineOf } from '../../docker-fixtures.js';

const LOOPBACK_DNAT = '-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 5432 -j DNAT --to-destination 172.17.0.3:5432';
const LOOPBACK_ACCEPT = '-A DOCKER -d 172.17.0.3/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 5432 -j ACCEPT';
const before28 = docker2010({ natDocker: [LOOPBACK_DNAT], filterDocker: [LOOPBACK_ACCEPT] });
const with28 = docker28({ natDocker: [LOOPBACK_DNAT], filterDocker: [LOOPBACK_ACCEPT] }).replace(
  '*nat',
  '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -d 172.17.0.3/32 ! -i docker0 -j DROP\nCOMMIT\n*nat',
);

ruleTester(rule, {
  valid: [
    { name: 'Docker 28 drops packets for the container from outside its bridge (raw PREROUTING)', ruleset: with28 },
    { name: 'published on every address: another rule speaks of it', ruleset: docker2010() },
    {
      name: 'a DOCKER-USER rule keeps the network out',
      ruleset: docker2010({ natDocker: [LOOPBACK_DNAT], filterDocker: [LOOPBACK_ACCEPT], user: ['-A DOCKER-USER -d 172.17.0.3/32 ! -i docker0 -j DROP', '-A DOCKER-USER -j RETURN'] }),
    },
  ],
  invalid: [
    {
      name: 'Docker 20.10 with -p 127.0.0.1:5432:5432',
      ruleset: before28,
      errors: [{ messageId: 'reachable', line: lineOf(before28, LOOPBACK_DNAT), column: 1, messageIncludes: ['127.0.0.1', '172.17.0.3:5432', 'filter DOCKER rule 1'] }],
    },
  ],
});
