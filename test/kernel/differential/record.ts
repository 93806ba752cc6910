/**
 * Records the named regression fixtures: kernel behaviours worth pinning down (some surprised
 * us, some netfate got wrong). Each is asked of the lab's kernel and saved with the kernel's
 * answer; when netfate disagrees, the fixture says how (`netfateDisagreed`).
 *
 *   sudo npx tsx test/kernel/differential/record.ts
 */
import { KernelLab } from './kernel.js';
import { hostModel } from './lab.js';
import { differences, netfateAnswer, type LabCase } from './model.js';
import { makeFixture, writeFixture } from './fixtures.js';

interface Named {
  readonly name: string;
  readonly description: string;
  readonly ruleset: string;
  readonly case: LabCase;
}

const forwardSyn: LabCase = { origin: 'client', packet: { src: '198.51.100.2', dst: '203.0.113.2', proto: 6, sport: 40000, dport: 80, tcpFlags: ['SYN'] }, state: 'NEW', ctDir: 'ORIGINAL' };

export const NAMED: readonly Named[] = [
  {
    name: 'goto-from-builtin-then-builtin-policy',
    description: 'a chain entered by -g from a builtin chain ends in the builtin chain\'s policy (DROP here), which the kernel traces as FORWARD\'s policy',
    ruleset: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:U - [0:0]\n-A FORWARD -g U\n-A U -p udp -j ACCEPT\nCOMMIT\n',
    case: forwardSyn,
  },
  {
    name: 'goto-then-return-uses-builtin-policy',
    description: 'RETURN in a chain entered by -g from a builtin chain applies the builtin chain\'s policy (DROP)',
    ruleset: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:U - [0:0]\n-A FORWARD -g U\n-A FORWARD -j ACCEPT\n-A U -j RETURN\nCOMMIT\n',
    case: forwardSyn,
  },
  {
    name: 'raw-prerouting-sees-no-conntrack-state',
    description: 'raw PREROUTING runs before conntrack: --ctstate INVALID matches there even for a NEW packet',
    ruleset: '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -m conntrack --ctstate INVALID -j NOTRACK\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -m conntrack --ctstate UNTRACKED -j ACCEPT\nCOMMIT\n',
    case: forwardSyn,
  },
  {
    name: 'ack-without-connection-is-new',
    description: 'a lone TCP ACK with no conntrack entry is NEW, not INVALID (nf_conntrack_tcp_loose=1 picks it up), and nat PREROUTING sees it',
    ruleset: '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 203.0.113.3:80\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -m state --state NEW -j ACCEPT\nCOMMIT\n',
    case: { origin: 'client', packet: { src: '198.51.100.2', dst: '198.51.100.1', proto: 6, sport: 40000, dport: 8080, tcpFlags: ['ACK'] }, state: 'NEW', ctDir: 'ORIGINAL' },
  },
  {
    name: 'syn-fin-is-invalid-and-skips-nat',
    description: 'TCP SYN+FIN is INVALID to conntrack: the nat chains never see it, so the DNAT does not apply',
    ruleset: '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j DNAT --to-destination 203.0.113.3\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m conntrack --ctstate INVALID -j DROP\nCOMMIT\n',
    case: { origin: 'client', packet: { src: '198.51.100.2', dst: '198.51.100.1', proto: 6, sport: 40000, dport: 22, tcpFlags: ['SYN', 'FIN'] }, state: 'INVALID', ctDir: 'ORIGINAL' },
  },
  {
    name: 'bridged-frames-traverse-iptables-with-physdev-port',
    description: 'with bridge-nf-call-iptables=1 a frame between two containers on docker0 goes through FORWARD with -i/-o docker0',
    ruleset: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -i docker0 -o docker0 -j LOG --log-prefix "bridged "\n-A FORWARD -i docker0 -o docker0 -j ACCEPT\nCOMMIT\n',
    case: { origin: 'ctr1', packet: { src: '172.17.0.2', dst: '172.17.0.3', proto: 17, sport: 45000, dport: 53 }, state: 'NEW', ctDir: 'ORIGINAL' },
  },
  {
    name: 'icmp-error-for-udp-flow-is-related',
    description: 'an ICMP port-unreachable quoting a tracked UDP flow is RELATED (reply direction)',
    ruleset: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -m conntrack --ctstate RELATED --ctdir REPLY -j ACCEPT\nCOMMIT\n',
    case: { origin: 'server', packet: { src: '203.0.113.2', dst: '198.51.100.2', proto: 1, icmpType: 3, icmpCode: 3, quote: { src: '198.51.100.2', dst: '203.0.113.2', proto: 17, sport: 40000, dport: 53 } }, state: 'RELATED', ctDir: 'REPLY' },
  },
  {
    name: 'local-dnat-to-self-goes-through-lo',
    description: 'nat OUTPUT DNAT to one of the host\'s own addresses reroutes the packet through lo into INPUT, where nat is not traversed again',
    ruleset: '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A OUTPUT -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.1:22\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -p tcp --dport 22 -j ACCEPT\nCOMMIT\n',
    case: { origin: 'router', packet: { src: '203.0.113.1', dst: '203.0.113.2', proto: 6, sport: 40000, dport: 8080, tcpFlags: ['SYN'] }, state: 'NEW', ctDir: 'ORIGINAL' },
  },
];

async function main(): Promise<void> {
  const lab = await KernelLab.start();
  try {
    for (const n of NAMED) {
      const refused = lab.load(n.ruleset);
      if (refused) throw new Error(`${n.name}: the kernel refuses the ruleset: ${refused}`);
      const kernel = await lab.ask(n.case);
      const diff = differences(kernel, netfateAnswer(n.ruleset, hostModel(), n.case));
      const file = writeFixture(makeFixture(n.name, n.description, n.ruleset, n.case, kernel, diff));
      console.log(`${file}: kernel ${kernel.verdict} ${kernel.path ?? ''} ${kernel.egress ?? ''}; ${diff.length ? 'netfate DISAGREES: ' + diff.join('; ') : 'netfate agrees'}`);
      if (kernel.counterMismatches.length) console.log(`  counters: ${kernel.counterMismatches.join('; ')}`);
    }
  } finally {
    lab.dispose();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
