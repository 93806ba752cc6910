import { rule } from '../../../../src/lint/rules/docker/missing-masquerade.js';
import { ruleTester } from '../../rule-tester.js';
import { docker2010, docker28, lineOf, MASQUERADE } from '../../docker-fixtures.js';

const SECOND_BRIDGE_MASQ = '-A POSTROUTING -s 172.18.0.0/16 ! -o br-3f2a9c1d7e6b -j MASQUERADE';
const twoBridges = (postrouting: string[]) =>
  docker28({
    postrouting,
    filterDocker: [
      '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A DOCKER -d 172.18.0.2/32 ! -i br-3f2a9c1d7e6b -o br-3f2a9c1d7e6b -p tcp -m tcp --dport 5432 -j ACCEPT',
    ],
  }).replace('-A DOCKER-BRIDGE -o docker0 -j DOCKER', '-A DOCKER-BRIDGE -o docker0 -j DOCKER\n-A DOCKER-BRIDGE -o br-3f2a9c1d7e6b -j DOCKER');
const lost = twoBridges([SECOND_BRIDGE_MASQ]);
const shadowed = docker2010({ postrouting: ['-A POSTROUTING -j ACCEPT', MASQUERADE] });
const noNatAtAll = docker2010({ postrouting: [] });
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

ruleTester(rule, {
  valid: [
    { name: 'Docker 20.10 as generated', ruleset: docker2010() },
    { name: 'Docker 28 as generated', ruleset: docker28() },
    { name: 'both bridges masqueraded', ruleset: twoBridges([MASQUERADE, SECOND_BRIDGE_MASQ]) },
    { name: 'SNAT instead of MASQUERADE', ruleset: docker28({ postrouting: ['-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j SNAT --to-source 192.0.2.2'] }) },
    {
      name: 'a routed network (ICMP accept in DOCKER) has no NAT by design',
      ruleset: docker28({ postrouting: [], filterDocker: ['-A DOCKER -o docker0 -p icmp -j ACCEPT', '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT'] }),
    },
    { name: 'filter table only: nat was not given', ruleset: docker2010().split('*nat')[0] },
  ],
  invalid: [
    {
      name: 'docker0 lost its MASQUERADE, another bridge kept its own',
      ruleset: lost,
      errors: [{ messageId: 'missing', line: lineOf(lost, '-A DOCKER-BRIDGE -o docker0 -j DOCKER'), column: 1, messageIncludes: ['docker0', 'container 172.17.0.2', 'out of eth0'] }],
    },
    {
      name: 'an ACCEPT in nat POSTROUTING ends it before the MASQUERADE',
      ruleset: shadowed,
      errors: [{ messageId: 'missing', line: lineOf(shadowed, '-A FORWARD -o docker0 -j DOCKER'), column: 1, messageIncludes: ['172.17.0.0/16', 'nat POSTROUTING rule 1'] }],
    },
    {
      name: 'no MASQUERADE at all: the subnet comes from --host',
      ruleset: noNatAtAll,
      host: HOST,
      errors: [{ messageId: 'missing', line: lineOf(noNatAtAll, '-A FORWARD -o docker0 -j DOCKER'), column: 1, messageIncludes: ['-s 172.17.0.0/16 ! -o docker0', "ip-masq on, Docker's default"] }],
    },
  ],
});
