import { rule } from '../../../../src/lint/rules/docker/docker-user-drops-replies.js';
import { ruleTester } from '../../rule-tester.js';
import { docker2010, docker28, lineOf } from '../../docker-fixtures.js';

const CT_RETURN = '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN';
const FROM_OUTSIDE = '-A DOCKER-USER -i eth0 ! -s 192.168.1.0/24 -j DROP';
const REJECT_ALL_IN = '-A DOCKER-USER -i eth0 -j REJECT --reject-with icmp-port-unreachable';
const era28 = docker28({ user: [FROM_OUTSIDE] });
const era20 = docker2010({ user: [REJECT_ALL_IN, '-A DOCKER-USER -j RETURN'] });
const afterException = docker28({ user: [FROM_OUTSIDE, CT_RETURN, '-A DOCKER-USER -i eth0 -p udp -j DROP'] });

ruleTester(rule, {
  valid: [
    { name: 'Docker as generated', ruleset: docker28() },
    { name: 'the conntrack exception comes first', ruleset: docker28({ user: [CT_RETURN, FROM_OUTSIDE] }) },
    { name: '`-m state` works as well', ruleset: docker28({ user: ['-A DOCKER-USER -m state --state ESTABLISHED,RELATED -j ACCEPT', FROM_OUTSIDE] }) },
    { name: 'a DROP that only matches new connections', ruleset: docker28({ user: ['-A DOCKER-USER -i eth0 -m conntrack --ctstate NEW -j DROP'] }) },
    { name: 'a DROP scoped to a published port (replies come from port 443)', ruleset: docker28({ user: ['-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 80 -j DROP'] }) },
    { name: 'egress filtering: the outbound connection itself is dropped', ruleset: docker28({ user: ['-A DOCKER-USER -i docker0 -j DROP'] }) },
  ],
  invalid: [
    {
      name: 'the documented "restrict external sources" DROP without its exception',
      ruleset: era28,
      errors: [{ messageId: 'dropsReplies', line: lineOf(era28, FROM_OUTSIDE), column: 1, rule: 1, messageIncludes: ['172.17.0.2:40000 -> 203.0.113.7:443 in docker0', 'arriving on eth0'] }],
    },
    {
      name: 'a REJECT on Docker 20.10',
      ruleset: era20,
      errors: [{ messageId: 'dropsReplies', line: lineOf(era20, REJECT_ALL_IN), column: 1, rule: 1 }],
    },
    {
      name: 'only the DROP before the exception',
      ruleset: afterException,
      errors: [{ messageId: 'dropsReplies', line: lineOf(afterException, FROM_OUTSIDE), column: 1, rule: 1 }],
    },
  ],
});
