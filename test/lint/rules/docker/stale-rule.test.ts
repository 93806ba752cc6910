import { rule } from '../../../../src/lint/rules/docker/stale-rule.js';
import { ruleTester } from '../../rule-tester.js';
import { docker2010, docker28, lineOf, PORT_ACCEPT, PORT_DNAT } from '../../docker-fixtures.js';

const HOST = {
  interfaces: [
    { name: 'eth0', addresses: ['192.0.2.2/24'] },
    { name: 'docker0', addresses: ['172.17.0.1/16'], bridge: true },
  ],
  routes: [
    { dst: 'default', dev: 'eth0', via: '192.0.2.1' },
    { dst: '172.17.0.0/16', dev: 'docker0' },
  ],
  sysctl: { 'net.ipv4.ip_forward': 1 },
};
const OLD_DNAT = '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 5432 -j DNAT --to-destination 172.17.0.3:5432';
const OLD_ACCEPT = '-A DOCKER -d 172.17.0.4/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 6379 -j ACCEPT';
const GONE_BRIDGE = '-A FORWARD -o br-0123456789ab -j DOCKER';
const oldDnat = docker28({ natDocker: [PORT_DNAT, OLD_DNAT] });
const oldAccept = docker2010({ filterDocker: [PORT_ACCEPT, OLD_ACCEPT] });
const goneBridge = docker2010({ forwardAfter: [GONE_BRIDGE] });

ruleTester(rule, {
  valid: [
    { name: 'Docker 20.10 as generated', ruleset: docker2010() },
    { name: 'Docker 28 as generated', ruleset: docker28() },
    { name: 'every bridge is on the host', ruleset: docker2010(), host: HOST },
    { name: 'a --link rule (-i br -o br) has no DNAT by design', ruleset: docker2010({ filterDocker: [PORT_ACCEPT, '-A DOCKER -s 172.17.0.5/32 -d 172.17.0.2/32 -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT'] }) },
    {
      name: 'a routed network accepts ports without DNAT',
      ruleset: docker28({ filterDocker: ['-A DOCKER -o docker0 -p icmp -j ACCEPT', PORT_ACCEPT, OLD_ACCEPT] }),
    },
    { name: 'only the nat table: the filter half is unknown', ruleset: '*nat\n' + docker28({ natDocker: [PORT_DNAT, OLD_DNAT] }).split('*nat\n')[1] },
  ],
  invalid: [
    {
      name: 'a DNAT to a container Docker no longer accepts traffic for',
      ruleset: oldDnat,
      errors: [{ messageId: 'dnatWithoutAccept', line: lineOf(oldDnat, OLD_DNAT), column: 1, messageIncludes: ['172.17.0.3:5432', 'dropped by filter DOCKER rule 2', 'assumed without --host'] }],
    },
    {
      name: 'a per-port ACCEPT for a container nothing maps to',
      ruleset: oldAccept,
      errors: [{ messageId: 'acceptWithoutDnat', line: lineOf(oldAccept, OLD_ACCEPT), column: 1, messageIncludes: ['tcp port 6379 to container 172.17.0.4'] }],
    },
    {
      name: 'with --host: a bridge that is gone',
      ruleset: goneBridge,
      host: HOST,
      errors: [{ messageId: 'goneBridge', line: lineOf(goneBridge, GONE_BRIDGE), column: 1, messageIncludes: ['br-0123456789ab'] }],
    },
  ],
});
