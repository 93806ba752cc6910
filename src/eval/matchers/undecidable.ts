/**
 * Matches whose answer depends on something no ruleset and no single packet description holds:
 * the history of earlier packets, the clock, payload bytes, the host's sockets and processes,
 * IPsec state, or header fields netfate does not model. Each answers "may" with the reason, so
 * the trace follows both fates.
 */
import { registerMatchBinder } from './index.js';
import { may } from './common.js';

const REASONS: Readonly<Record<string, string>> = {
  limit: 'limit: depends on the rate of earlier packets (token bucket)',
  hashlimit: 'hashlimit: depends on the rate of earlier packets in the same bucket',
  connlimit: 'connlimit: depends on how many connections are open',
  connbytes: 'connbytes: depends on how much the connection has carried so far',
  quota: 'quota: depends on how many bytes earlier packets used',
  time: 'time: depends on when the packet arrives',
  string: 'string: depends on the packet payload',
  u32: 'u32: reads raw packet bytes netfate does not model',
  bpf: 'bpf: runs a BPF program over the packet bytes',
  socket: 'socket: depends on the sockets open on this host',
  cgroup: "cgroup: depends on the sending process's cgroup",
  cpu: 'cpu: depends on the CPU that handles the packet',
  rateest: 'rateest: depends on measured traffic rates',
  nfacct: 'nfacct: depends on accounting counters',
  helper: 'helper: depends on the conntrack helper of the connection',
  connlabel: 'connlabel: depends on the labels of the connection',
  cluster: 'cluster: depends on the hash of the node set',
  ipvs: 'ipvs: depends on IPVS state',
  osf: 'osf: depends on the TCP SYN fingerprint, not part of the packet description',
  realm: 'realm: depends on the routing realm, not part of the host model',
  devgroup: 'devgroup: depends on interface groups, not part of the host model',
  policy: 'policy: depends on IPsec processing of the packet',
  dscp: 'dscp: the TOS byte is not part of the packet description',
  tos: 'tos: the TOS byte is not part of the packet description',
  ecn: 'ecn: ECN bits are not part of the packet description',
  tcpmss: 'tcpmss: TCP options are not part of the packet description',
  ah: 'ah: the AH header is not part of the packet description',
  esp: 'esp: the ESP SPI is not part of the packet description',
  ipcomp: 'ipcomp: the IPComp header is not part of the packet description',
};

for (const [module, reason] of Object.entries(REASONS)) {
  const answer = may(reason);
  registerMatchBinder(module, () => () => answer);
}
