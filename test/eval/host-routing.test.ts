/**
 * A guessed host is a base host and one more interface (hostWithInterface): its routing asks the
 * base's for everything but the added addresses. It must answer as the same host model built
 * whole does, for every question routing is asked.
 */
import { describe, expect, it } from 'vitest';
import { addressTypes, hostWithInterface, isLocalAddress, primaryAddress, route, routedHost, sourceAddressFor, withLoopback } from '../../src/eval/host.js';
import type { HostInterface, HostModel } from '../../src/eval/types.js';

const BASE: HostModel = {
  interfaces: [
    { name: 'docker0', addresses: ['172.17.0.1/16'], bridge: true },
    { name: 'br-1', addresses: ['172.18.0.1/16', 'fd00:18::1/64'], bridge: true },
  ],
  routes: [
    { dst: 'default', dev: 'eth0' },
    { dst: '10.8.0.0/16', dev: 'br-1', via: '172.18.0.2' },
  ],
  sysctl: {},
};

const ADDRESSES = [
  '203.0.113.7', '203.0.113.8', '172.17.0.1', '172.17.0.5', '172.18.3.4', '10.8.1.1', '127.0.0.5', '8.8.8.8',
  '2001:db8::7', '2001:db8::8', 'fd00:18::1', 'fd00:18::9', '::1', 'not an address',
];

/** The same host, built whole (no base to ask). */
function whole(added: HostInterface): HostModel {
  return withLoopback({ interfaces: [...BASE.interfaces, added], routes: BASE.routes, sysctl: BASE.sysctl });
}

function answers(host: HostModel): unknown[] {
  return ADDRESSES.flatMap((a) => [
    route(host, a),
    isLocalAddress(host, a),
    addressTypes(host, a),
    ['eth0', 'docker0', 'br-1', 'lo'].map((dev) => sourceAddressFor(host, dev, a)),
  ]).concat([primaryAddress(host, 'eth0', 4), primaryAddress(host, 'eth0', 6), primaryAddress(host, 'br-1', 6)]);
}

describe('a host made from a base host and one more interface', () => {
  const base = routedHost(BASE);
  const cases: HostInterface[] = [
    { name: 'eth0', addresses: ['203.0.113.7/32'] },
    { name: 'eth0', addresses: ['2001:db8::7/128'] },
    { name: 'eth0', addresses: [] },
    // Not host addresses only: routed as a whole model.
    { name: 'eth0', addresses: ['203.0.113.7/24'] },
    { name: 'eth0', addresses: ['203.0.113.7/32'], up: false },
  ];

  for (const added of cases) {
    it(`answers as the whole model: ${added.name} ${added.addresses.join(' ') || '(no address)'}${added.up === false ? ' (down)' : ''}`, () => {
      const guessed = hostWithInterface(base, added);
      expect(guessed.interfaces.map((i) => i.name)).toEqual(['lo', 'docker0', 'br-1', 'eth0']);
      expect(answers(guessed)).toEqual(answers(whole(added)));
    });
  }

  it('takes its added address as local and its source, where the base has none', () => {
    const guessed = hostWithInterface(base, { name: 'eth0', addresses: ['203.0.113.7/32'] });
    expect(route(guessed, '203.0.113.7')).toMatchObject({ local: true });
    expect(route(guessed, '203.0.113.8')).toMatchObject({ local: false, dev: 'eth0' });
    expect(sourceAddressFor(guessed, 'eth0', '8.8.8.8')).toBe('203.0.113.7');
    // The base is unchanged by the hosts made from it.
    expect(route(base.host, '203.0.113.7')).toMatchObject({ local: false, dev: 'eth0' });
    expect(sourceAddressFor(base.host, 'eth0', '8.8.8.8')).toBe('172.17.0.1');
  });

  it("picks MASQUERADE's source on a device with several addresses by the prefix that holds the next hop", () => {
    // inet_select_addr(): the device's address whose prefix holds the next hop, else its first.
    const host = withLoopback({
      interfaces: [{ name: 'eth0', addresses: ['10.0.0.1/24', '192.168.1.1/24', '2001:db8:1::1/64', '2001:db8:2::1/64'] }],
      routes: [{ dst: 'default', dev: 'eth0' }],
      sysctl: {},
    });
    expect(sourceAddressFor(host, 'eth0', '192.168.1.254')).toBe('192.168.1.1');
    expect(sourceAddressFor(host, 'eth0', '10.0.0.254')).toBe('10.0.0.1');
    expect(sourceAddressFor(host, 'eth0', '8.8.8.8')).toBe('10.0.0.1');
    expect(sourceAddressFor(host, 'eth0', '2001:db8:2::fe')).toBe('2001:db8:2::1');
    expect(sourceAddressFor(host, 'eth0', '2001:db8:9::fe')).toBe('2001:db8:1::1');
    // A guessed host's added address is asked the same way as the base's.
    const guessed = hostWithInterface(routedHost({ interfaces: [], routes: [{ dst: 'default', dev: 'eth0' }], sysctl: {} }), { name: 'eth0', addresses: ['10.0.0.1/32', '192.168.1.1/32'] });
    expect(sourceAddressFor(guessed, 'eth0', '192.168.1.1')).toBe('192.168.1.1');
    expect(sourceAddressFor(guessed, 'eth0', '8.8.8.8')).toBe('10.0.0.1');
  });
});
