import { rule } from '../../../../src/lint/rules/docker/docker-user-matches-pre-dnat.js';
import { ruleTester } from '../../rule-tester.js';
import { docker28, lineOf } from '../../docker-fixtures.js';

const HOST = {
  interfaces: [
    { name: 'eth0', addresses: ['198.51.100.10/24'] },
    { name: 'docker0', addresses: ['172.17.0.1/16'], bridge: true },
  ],
  routes: [
    { dst: 'default', dev: 'eth0', via: '198.51.100.1' },
    { dst: '172.17.0.0/16', dev: 'docker0' },
  ],
  sysctl: { 'net.ipv4.ip_forward': 1 },
};
const HOST_PORT = '-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 8080 -j DROP';
const HOST_ADDR = '-A DOCKER-USER -d 198.51.100.10/32 -p tcp -j DROP';
const BOUND_ADDR = '-A DOCKER-USER -d 192.0.2.50/32 -j DROP';
const boundDnat = '-A DOCKER -d 192.0.2.50/32 ! -i docker0 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 172.17.0.2:443';
const byPort = docker28({ user: [HOST_PORT] });
const byAddr = docker28({ user: [HOST_ADDR] });
const byBound = docker28({ user: [BOUND_ADDR], natDocker: [boundDnat] });

ruleTester(rule, {
  valid: [
    { name: 'the container port (what DOCKER-USER sees)', ruleset: docker28({ user: ['-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 80 -j DROP'] }) },
    { name: 'the original port through conntrack', ruleset: docker28({ user: ['-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j DROP'] }) },
    { name: 'a port nothing publishes', ruleset: docker28({ user: ['-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 9999 -j DROP'] }) },
    { name: 'host port equal to the container port matches after DNAT too', ruleset: docker28({ user: ['-A DOCKER-USER -p tcp -m tcp --dport 80 -j DROP'], natDocker: ['-A DOCKER ! -i docker0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.17.0.2:80'] }) },
    { name: 'a host address is only known with --host or a bound DNAT', ruleset: byAddr },
    { name: 'the container address', ruleset: docker28({ user: ['-A DOCKER-USER -d 172.17.0.2/32 -p tcp -j DROP'] }), host: HOST },
  ],
  invalid: [
    {
      name: 'the published host port',
      ruleset: byPort,
      errors: [{ messageId: 'hostPort', line: lineOf(byPort, HOST_PORT), column: 1, rule: 1, messageIncludes: ['--ctorigdstport 8080', 'to 172.17.0.2:80'] }],
    },
    {
      name: 'the host address from --host',
      ruleset: byAddr,
      host: HOST,
      errors: [{ messageId: 'hostAddress', line: lineOf(byAddr, HOST_ADDR), column: 1, messageIncludes: ['--ctorigdst 198.51.100.10'] }],
    },
    {
      name: 'the address a port is bound to (DNAT -d)',
      ruleset: byBound,
      errors: [{ messageId: 'hostAddress', line: lineOf(byBound, BOUND_ADDR), column: 1, messageIncludes: ['--ctorigdst 192.0.2.50'] }],
    },
  ],
});
