import { it } from 'vitest';
import { parseSingleRule } from '../../src/ast/single-rule.js';
it('probe', () => {
for (const [args, fam] of [['-p ipv6-icmp -m icmpv6 --icmpv6-type 128 -j ACCEPT', 6], ['-p tcp --dport 22 -j ACCEPT', 4], ['-p icmpv6 --icmpv6-type ping -j ACCEPT', 6], ['-p udplite -m multiport --dports 1:5 -j ACCEPT',4], ['-m conntrack --ctstatus NONE --ctdir REPLY',4], ['-p udplite -m udplite --dport 5', 4]] as const) {
  const r = parseSingleRule(args, { family: fam, chain: 'INPUT' });
  console.log(args, JSON.stringify(r.rules[0]?.matches.map(m => [m.module, m.known, m.options])), r.diagnostics.map(d=>d.message));
}
});
