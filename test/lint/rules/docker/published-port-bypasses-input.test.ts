import { rule } from '../../../../src/lint/rules/docker/published-port-bypasses-input.js';
import type { HostModel } from '../../../../src/eval/types.js';
import { ruleTester } from '../../rule-tester.js';

/** A Docker 20.10 host with `-p 8080:80`; `input` rules go first in filter INPUT (line 20 on). */
function host20(input: readonly string[], dockerUser: readonly string[] = []): string {
  return [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
    '-A DOCKER -i docker0 -j RETURN',
    '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    'COMMIT',
    '*filter',
    ':INPUT DROP [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
    ':DOCKER-USER - [0:0]',
    ...input,
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
    '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -o docker0 -j DOCKER',
    '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
    '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
    '-A DOCKER-ISOLATION-STAGE-1 -j RETURN',
    ...dockerUser,
    '-A DOCKER-USER -j RETURN',
    'COMMIT',
    '',
  ].join('\n');
}

const HOST: HostModel = {
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

ruleTester(rule, {
  valid: [
    { name: 'INPUT rule for a port Docker does not publish', ruleset: host20(['-A INPUT -p tcp -m tcp --dport 22 -j DROP']) },
    { name: 'INPUT default-deny without naming the port', ruleset: host20(['-A INPUT -i lo -j ACCEPT']) },
    {
      name: 'DOCKER-USER already drops it, so the port is closed after all',
      ruleset: host20(['-A INPUT -p tcp -m tcp --dport 8080 -j DROP'], ['-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP']),
      host: HOST,
    },
  ],
  invalid: [
    {
      name: 'ufw-style INPUT drop of the published port (no --host: says what it assumed)',
      ruleset: host20(['-A INPUT -p tcp -m tcp --dport 8080 -j DROP']),
      errors: [{ messageId: 'bypassed', line: 19, column: 1, messageIncludes: ['DNATed to 172.17.0.2:80', 'filter DOCKER rule 1', 'assumed without --host'] }],
    },
    {
      name: 'a multiport REJECT with the host model',
      ruleset: host20(['-A INPUT -p tcp -m multiport --dports 8000:8999 -j REJECT']),
      host: HOST,
      errors: [{ messageId: 'bypassed', line: 19, column: 1 }],
    },
  ],
});
