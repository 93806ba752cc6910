/**
 * Hand-written differential cases: a Docker-like router (published port DNAT to a container,
 * MASQUERADE of the bridge's traffic, INPUT drop policy) and one case for each conntrack state.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabCase } from './model.js';

/**
 * The Docker 20.10 host the evaluator's scenario tests use (rulesets/listings/docker-host.save,
 * captured from a kernel), loaded unchanged: its containers 172.17.0.2/3 on docker0 are the lab's.
 */
const DOCKER_HOST = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../rulesets/listings/docker-host.save'), 'utf8');

export interface RulesetCases {
  readonly name: string;
  readonly ruleset: string;
  readonly cases: readonly { readonly name: string; readonly case: LabCase }[];
}

const DOCKER_LIKE = `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -i eth1 -p udp --dport 5353 -j CT --notrack
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -p udp -m udp --dport 5353 -m state --state UNTRACKED -j ACCEPT
-A INPUT -p icmp -m icmp --icmp-type 8 -j REJECT --reject-with icmp-host-prohibited
-A FORWARD -j DOCKER-ISOLATION
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A FORWARD -m conntrack --ctstate RELATED -j ACCEPT
-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER-ISOLATION -m comment --comment "isolation stage" -j RETURN
COMMIT
`;

const tcpSyn = (src: string, dst: string, dport: number, sport = 40000) => ({ src, dst, proto: 6 as const, sport, dport, tcpFlags: ['SYN' as const] });

/**
 * A port published on the bridge's own address, reached from another container on that bridge.
 * (A container reaching itself this way is not delivered, as netfate says, but the kernel's trace
 * then ends after nat PREROUTING: where exactly it is dropped is not modelled yet.)
 */
const HAIRPIN = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.17.0.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
`;

export const HANDWRITTEN: readonly RulesetCases[] = [
  {
    name: 'published-on-bridge-address',
    ruleset: HAIRPIN,
    cases: [
      { name: 'another container reaches it', case: { origin: 'ctr2', packet: tcpSyn('172.17.0.3', '172.17.0.1', 8080, 45011), state: 'NEW', ctDir: 'ORIGINAL' } },
    ],
  },
  {
    name: 'docker-20.10-host',
    ruleset: DOCKER_HOST,
    cases: [
      { name: 'container to the internet', case: { origin: 'ctr1', packet: tcpSyn('172.17.0.2', '203.0.113.2', 443, 45000), state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'the reply to the container', case: { origin: 'server', packet: { src: '203.0.113.2', dst: '172.17.0.2', proto: 6, sport: 443, dport: 45000, tcpFlags: ['ACK'] }, state: 'ESTABLISHED', ctDir: 'REPLY' } },
      { name: 'container to container on the bridge', case: { origin: 'ctr1', packet: { src: '172.17.0.2', dst: '172.17.0.3', proto: 17, sport: 45001, dport: 53 }, state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'the internet straight to a container address', case: { origin: 'server', packet: tcpSyn('203.0.113.2', '172.17.0.2', 80), state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'the internet to the host', case: { origin: 'client', packet: tcpSyn('198.51.100.2', '198.51.100.1', 443), state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'a container to the host', case: { origin: 'ctr1', packet: tcpSyn('172.17.0.2', '172.17.0.1', 443, 45002), state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'the host to a container', case: { origin: 'router', packet: tcpSyn('172.17.0.1', '172.17.0.2', 80, 40010), state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'a published port from outside', case: { origin: 'client', packet: tcpSyn('198.51.100.2', '198.51.100.1', 8080), state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'a published port from the host', case: { origin: 'router', packet: tcpSyn('198.51.100.1', '198.51.100.1', 8080, 40011), state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'a published port from another container', case: { origin: 'ctr2', packet: tcpSyn('172.17.0.3', '198.51.100.1', 8080, 45003), state: 'NEW', ctDir: 'ORIGINAL' } },
    ],
  },
  {
    name: 'docker-like',
    ruleset: DOCKER_LIKE,
    cases: [
      { name: 'published port is DNATed to the container', case: { origin: 'client', packet: { src: '198.51.100.2', dst: '198.51.100.1', proto: 6, sport: 40000, dport: 8080, tcpFlags: ['SYN'] }, state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'published port reached on the other side', case: { origin: 'server', packet: { src: '203.0.113.2', dst: '198.51.100.1', proto: 6, sport: 40001, dport: 8080, tcpFlags: ['SYN'] }, state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'unpublished port hits the INPUT policy', case: { origin: 'client', packet: { src: '198.51.100.2', dst: '198.51.100.1', proto: 6, sport: 40000, dport: 81, tcpFlags: ['SYN'] }, state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'ssh is accepted', case: { origin: 'client', packet: { src: '198.51.100.2', dst: '198.51.100.1', proto: 6, sport: 40000, dport: 22, tcpFlags: ['SYN'] }, state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'ping is rejected', case: { origin: 'client', packet: { src: '198.51.100.2', dst: '198.51.100.1', proto: 1, icmpType: 8 }, state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'container egress is masqueraded', case: { origin: 'ctr1', packet: { src: '172.17.0.2', dst: '203.0.113.2', proto: 6, sport: 45000, dport: 443, tcpFlags: ['SYN'] }, state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'container to container is bridged', case: { origin: 'ctr1', packet: { src: '172.17.0.2', dst: '172.17.0.3', proto: 17, sport: 45000, dport: 53 }, state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'client to server is not forwarded', case: { origin: 'client', packet: { src: '198.51.100.2', dst: '203.0.113.2', proto: 6, sport: 40000, dport: 80, tcpFlags: ['SYN'] }, state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'reply to the container is ESTABLISHED', case: { origin: 'server', packet: { src: '203.0.113.2', dst: '172.17.0.2', proto: 6, sport: 443, dport: 45000, tcpFlags: ['ACK'] }, state: 'ESTABLISHED', ctDir: 'REPLY' } },
      { name: 'established ssh in the original direction', case: { origin: 'client', packet: { src: '198.51.100.2', dst: '198.51.100.1', proto: 6, sport: 40002, dport: 2222, tcpFlags: ['ACK'] }, state: 'ESTABLISHED', ctDir: 'ORIGINAL' } },
      { name: 'ICMP error for a container flow is RELATED', case: { origin: 'server', packet: { src: '203.0.113.2', dst: '172.17.0.2', proto: 1, icmpType: 3, icmpCode: 3, quote: { src: '172.17.0.2', dst: '203.0.113.2', proto: 17, sport: 45000, dport: 53 } }, state: 'RELATED', ctDir: 'REPLY' } },
      { name: 'SYN+FIN is INVALID', case: { origin: 'client', packet: { src: '198.51.100.2', dst: '198.51.100.1', proto: 6, sport: 40000, dport: 22, tcpFlags: ['SYN', 'FIN'] }, state: 'INVALID', ctDir: 'ORIGINAL' } },
      { name: 'notracked mDNS is UNTRACKED', case: { origin: 'server', packet: { src: '203.0.113.2', dst: '203.0.113.1', proto: 17, sport: 5353, dport: 5353 }, state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'the router itself reaches the published port', case: { origin: 'router', packet: { src: '203.0.113.1', dst: '203.0.113.1', proto: 6, sport: 40003, dport: 8080, tcpFlags: ['SYN'] }, state: 'NEW', ctDir: 'ORIGINAL' } },
      { name: 'the router sends to the server', case: { origin: 'router', packet: { src: '203.0.113.1', dst: '203.0.113.2', proto: 17, sport: 40004, dport: 53 }, state: 'NEW', ctDir: 'ORIGINAL' } },
    ],
  },
];
