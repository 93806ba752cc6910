import type { Packet } from '../../src/eval/types.js';

/** A new TCP connection's first packet (SYN) from 192.0.2.10 in on eth0 to 198.51.100.1:80; `over` changes any field. */
export function tcpSyn(over: Partial<Packet> = {}): Packet {
  return {
    family: 4,
    in: 'eth0',
    src: '192.0.2.10',
    dst: '198.51.100.1',
    proto: 6,
    sport: 40000,
    dport: 80,
    tcpFlags: ['SYN'],
    state: 'NEW',
    ctDir: 'ORIGINAL',
    mark: 0,
    length: 60,
    ttl: 64,
    ...over,
  };
}
