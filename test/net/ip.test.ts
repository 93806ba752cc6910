/**
 * The IPv4 fast path of address reading must read exactly what ipaddr.js reads, and the
 * recent-address cache must never answer for another text.
 */
import { describe, expect, it } from 'vitest';
import ipaddr from 'ipaddr.js';
import { addressBytes, bytesToText, ipv4TextNumber, plainIpv4 } from '../../src/net/ip.js';
import { parseHostAddress } from '../../src/net/address.js';

describe('plainIpv4 and ipv4TextNumber', () => {
  it('read plain dotted quads as ipaddr.js does', () => {
    for (const text of ['0.0.0.0', '10.96.0.10', '192.0.2.255', '255.255.255.255', '1.2.3.4']) {
      expect(plainIpv4(text)).toEqual(ipaddr.IPv4.parse(text).toByteArray());
      expect(ipv4TextNumber(text)).toBe(ipaddr.IPv4.parse(text).toByteArray().reduce((n, b) => n * 256 + b, 0));
    }
    expect(ipv4TextNumber('255.255.255.255')).toBe(0xffffffff);
  });

  it('leave every other text to ipaddr.js (or refuse it)', () => {
    for (const text of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1..2.3', '.1.2.3', '1.2.3.', '010.0.0.1', '1.2.3.04', '0x0a.0.0.1', '::1', '1.2.3.4/32', ' 1.2.3.4']) {
      expect(plainIpv4(text)).toBeNull();
      expect(ipv4TextNumber(text)).toBe(-1);
    }
  });

  it('keep parseHostAddress as strict as before: no leading zeros, no short forms', () => {
    expect(parseHostAddress('10.0.0.1', 4)).toEqual([10, 0, 0, 1]);
    expect(parseHostAddress('010.0.0.1', 4)).toBeNull();
    expect(parseHostAddress('10.1', 4)).toBeNull();
    expect(parseHostAddress('10.0.0.256', 4)).toBeNull();
  });
});

describe('addressBytes', () => {
  it('answers each text with its own bytes, however texts alternate', () => {
    const texts = Array.from({ length: 40 }, (_, i) => `10.0.${i % 7}.${i}`);
    for (let round = 0; round < 3; round++) {
      for (const text of [...texts].reverse().concat(texts)) expect(addressBytes(text)).toEqual(ipaddr.IPv4.parse(text).toByteArray());
    }
    expect(addressBytes('2001:db8::1')).toEqual(ipaddr.parse('2001:db8::1').toByteArray());
    expect(addressBytes('not an address')).toBeNull();
  });
});

describe('bytesToText', () => {
  it('writes IPv4 as ipaddr.js does, and leaves IPv6 to it', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = [(i * 37) % 256, (i * 101) % 256, (i * 13) % 256, (i * 251) % 256];
      expect(bytesToText(bytes)).toBe(ipaddr.fromByteArray(bytes).toString());
    }
    for (const text of ['0.0.0.0', '255.255.255.255', '10.96.0.1']) expect(bytesToText(ipaddr.parse(text).toByteArray())).toBe(text);
    expect(bytesToText(ipaddr.parse('2001:db8::1').toByteArray())).toBe('2001:db8::1');
  });
});
