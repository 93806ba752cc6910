/**
 * A small ruleset whose walk has everything the step UI shows: a MARK and a DNAT rewrite, a jump,
 * a goto out of the jumped-to chain, a non-terminating target, an undecided (random) match, and
 * policies. Only core selectors and modules that stay undecidable, so the trace does not change
 * when netfate learns more matches.
 */
import { parseRuleset } from '../../src/ast/parse.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';
import type { HostModel, Packet, Trace } from '../../src/eval/types.js';
import type { Ruleset } from '../../src/ast/types.js';

export const FILE = 'step.save';

export const TEXT = `*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 192.0.2.2/32 -p tcp -j MARK --set-xmark 0x5/0xffffffff
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:web - [0:0]
-A PREROUTING -d 192.0.2.2/32 -p tcp -j web
-A web -p tcp -j DNAT --to-destination 192.0.2.2:80
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:admins - [0:0]
:ssh - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -j ssh
-A INPUT -p tcp -m statistic --mode random --probability 0.50000000000 -j ACCEPT
-A admins -s 10.0.0.0/8 -j ACCEPT
-A admins -j LOG --log-prefix "admins "
-A ssh -s 203.0.113.0/24 -j ACCEPT
-A ssh -p tcp -g admins
-A ssh -j DROP
COMMIT
`;

export const HOST: HostModel = {
  interfaces: [{ name: 'eth0', addresses: ['192.0.2.2/24'] }],
  routes: [{ dst: 'default', dev: 'eth0', via: '192.0.2.1' }],
  sysctl: {},
};

export const PACKET: Packet = {
  family: 4, in: 'eth0', src: '198.51.100.7', dst: '192.0.2.2', proto: 6, sport: 40000, dport: 8080,
  tcpFlags: ['SYN'], state: 'NEW', ctDir: 'ORIGINAL', mark: 0, length: 60, ttl: 64,
};

export interface Fixture {
  readonly ruleset: Ruleset;
  readonly trace: Trace;
  readonly packet: Packet;
  readonly texts: ReadonlyMap<string, string>;
}

export function parse(text: string, file = FILE): Ruleset {
  const { ruleset, diagnostics } = parseRuleset(text, { file });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`fixture does not parse: ${errors.map((d) => d.message).join('; ')}`);
  return ruleset;
}

export function fixture(text = TEXT, packet: Packet = PACKET, file = FILE): Fixture {
  const ruleset = parse(text, file);
  return { ruleset, trace: evaluatePacket(ruleset, packet, { host: HOST }), packet, texts: new Map([[file, text]]) };
}
