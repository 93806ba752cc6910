import { describe, expect, it } from 'vitest';
import { parseSingleRule } from '../../../src/ast/single-rule.js';
import type { Family, Target } from '../../../src/ast/types.js';
import { isDnatTarget } from '../../../src/ast/modules/target/DNAT.js';
import { isSnatTarget } from '../../../src/ast/modules/target/SNAT.js';
import { isMasqueradeTarget } from '../../../src/ast/modules/target/MASQUERADE.js';
import { isRejectTarget } from '../../../src/ast/modules/target/REJECT.js';
import { isLogTarget } from '../../../src/ast/modules/target/LOG.js';
import { applyXmark, isMarkTarget } from '../../../src/ast/modules/target/MARK.js';
import { isConnmarkTarget } from '../../../src/ast/modules/target/CONNMARK.js';
import { isCtTarget } from '../../../src/ast/modules/target/CT.js';
import { isNfqueueTarget } from '../../../src/ast/modules/target/NFQUEUE.js';

function rule(args: string, opts: { family?: Family; table?: string; chain?: string } = {}) {
  const r = parseSingleRule(args, { family: opts.family ?? 4, table: opts.table, chain: opts.chain ?? 'INPUT' });
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  return { saved: r.saved[0], target: (r.rules[0]?.target ?? null) as Target | null, errors };
}

describe('target placement (kernel .table / .hooks)', () => {
  it('refuses a nat target outside the nat table', () => {
    const r = rule('-j DNAT --to-destination 1.2.3.4');
    expect(r.saved).toBeUndefined();
    expect(r.errors.join()).toContain('"DNAT" target is not valid in the filter table');
  });

  it('refuses a target in a builtin chain it does not hook', () => {
    expect(rule('-j DNAT --to-destination 1.2.3.4', { table: 'nat', chain: 'POSTROUTING' }).errors.join()).toContain(
      'not valid in the POSTROUTING chain',
    );
    expect(rule('-j SNAT --to-source 1.2.3.4', { table: 'nat', chain: 'PREROUTING' }).errors).not.toEqual([]);
    expect(rule('-j REJECT', { table: 'mangle', chain: 'INPUT' }).errors).not.toEqual([]);
  });

  it('leaves user chains to the linter', () => {
    expect(rule('-j DNAT --to-destination 1.2.3.4', { table: 'nat', chain: 'my-dnat' }).errors).toEqual([]);
  });

  it('allows SNAT in nat INPUT and MASQUERADE only in POSTROUTING', () => {
    expect(rule('-j SNAT --to-source 1.2.3.4', { table: 'nat', chain: 'INPUT' }).errors).toEqual([]);
    expect(rule('-j MASQUERADE', { table: 'nat', chain: 'OUTPUT' }).errors).not.toEqual([]);
  });
});

describe('typed options', () => {
  it('DNAT keeps address and port ranges, and prints IPv6 with brackets', () => {
    const r = rule('-p tcp -j DNAT --to-destination [2001:db8::1-2001:db8::9]:80-90/100', {
      family: 6,
      table: 'nat',
      chain: 'PREROUTING',
    });
    expect(isDnatTarget(r.target)).toBe(true);
    if (!isDnatTarget(r.target)) return;
    expect(r.target.options.ranges).toEqual([
      { minAddr: '2001:db8::1', maxAddr: '2001:db8::9', minPort: 80, maxPort: 90, basePort: 100 },
    ]);
    expect(r.saved).toBe('-p tcp -j DNAT --to-destination [2001:db8::1-2001:db8::9]:80-90/100');
  });

  it('SNAT without -p may not map ports; flags are kept', () => {
    expect(rule('-j SNAT --to-source 1.1.1.1:99', { table: 'nat', chain: 'POSTROUTING' }).errors.join()).toContain(
      'Need TCP, UDP, SCTP or DCCP',
    );
    const r = rule('-p udp -j SNAT --to-source :1000-2000 --random-fully', { table: 'nat', chain: 'POSTROUTING' });
    expect(isSnatTarget(r.target) && r.target.options).toEqual({
      ranges: [{ minPort: 1000, maxPort: 2000 }],
      random: false,
      randomFully: true,
      persistent: false,
    });
    expect(r.saved).toBe('-p udp -j SNAT --to-source :1000-2000 --random-fully');
  });

  it('MASQUERADE ports are a PortRange', () => {
    const r = rule('-p tcp -j MASQUERADE --to-ports 1024-2048', { table: 'nat', chain: 'POSTROUTING' });
    expect(isMasqueradeTarget(r.target) && r.target.options.toPorts).toEqual({ from: 1024, to: 2048 });
  });

  it('REJECT has the per-family default, prefixes, and needs -p tcp for tcp-reset', () => {
    const v4 = rule('-j REJECT');
    expect(isRejectTarget(v4.target) && v4.target.options.with).toBe('icmp-port-unreachable');
    const v6 = rule('-j REJECT', { family: 6 });
    expect(isRejectTarget(v6.target) && v6.target.options.with).toBe('icmp6-port-unreachable');
    expect(rule('-j REJECT --reject-with host-prohib').saved).toBe('-j REJECT --reject-with icmp-host-prohibited');
    expect(rule('-j REJECT --reject-with tcp-reset').errors).not.toEqual([]);
    expect(rule('! -p tcp -j REJECT --reject-with tcp-reset').errors).not.toEqual([]);
    expect(rule('-p tcp -j REJECT --reject-with tcp-rst').saved).toBe('-p tcp -j REJECT --reject-with tcp-reset');
  });

  it('LOG level names become numbers, and the default level is not printed', () => {
    const r = rule('-j LOG --log-level warning --log-prefix "drop: " --log-uid');
    expect(isLogTarget(r.target) && r.target.options).toMatchObject({ level: 4, prefix: 'drop: ', uid: true });
    expect(r.saved).toBe('-j LOG --log-prefix "drop: " --log-uid');
    expect(rule('-j LOG --log-level 8').errors).not.toEqual([]);
  });

  it('MARK stores the kernel value/mask and prints --set-xmark', () => {
    const cases: [string, number, number, string][] = [
      ['--set-mark 0x10', 0x10, 0xffffffff, '--set-xmark 0x10/0xffffffff'],
      ['--set-mark 0x1/0x2', 0x1, 0x3, '--set-xmark 0x1/0x3'],
      ['--and-mark 0xf0', 0, 0xffffff0f, '--set-xmark 0x0/0xffffff0f'],
      ['--or-mark 0x4', 0x4, 0x4, '--set-xmark 0x4/0x4'],
      ['--xor-mark 0x4', 0x4, 0, '--set-xmark 0x4/0x0'],
    ];
    for (const [args, value, mask, saved] of cases) {
      const r = rule(`-j MARK ${args}`);
      expect(isMarkTarget(r.target) && r.target.options).toEqual({ value, mask });
      expect(r.saved).toBe(`-j MARK ${saved}`);
    }
    expect(applyXmark(0xff, { value: 0x1, mask: 0x3 })).toBe(0xfd);
    expect(rule('-j MARK --set-mark 1 --or-mark 2').errors).not.toEqual([]);
  });

  it('CONNMARK applies options in order, as iptables does', () => {
    const r = rule('-j CONNMARK --restore-mark --mask 0xff', { table: 'mangle' });
    expect(isConnmarkTarget(r.target) && r.target.options).toMatchObject({ mode: 'restore', ctmask: 0xff, nfmask: 0xff });
    expect(r.saved).toBe('-j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff');
    expect(rule('-j CONNMARK --save-mark --mask 1 --ctmask 2', { table: 'mangle' }).errors).not.toEqual([]);
  });

  it('CT and NOTRACK share options; CT only in raw', () => {
    const ct = rule('-j CT --zone-orig 5 --helper ftp', { table: 'raw', chain: 'PREROUTING' });
    expect(isCtTarget(ct.target) && ct.target.options).toMatchObject({ helper: 'ftp', zone: { id: 5, direction: 'orig' } });
    expect(ct.saved).toBe('-j CT --helper ftp --zone-orig 5');
    const nt = rule('-j NOTRACK', { table: 'raw', chain: 'OUTPUT' });
    expect(isCtTarget(nt.target) && nt.target.options.notrack).toBe(true);
    expect(rule('-j CT --notrack').errors).not.toEqual([]);
  });

  it('NFQUEUE balance is a first queue and a count', () => {
    const r = rule('-j NFQUEUE --queue-balance 2:5 --queue-bypass');
    expect(isNfqueueTarget(r.target) && r.target.options).toEqual({ queueNum: 2, queuesTotal: 4, bypass: true, cpuFanout: false });
  });
});

describe('protocol-bound targets', () => {
  it('TCPMSS needs -p tcp and clamps only in FORWARD/OUTPUT/POSTROUTING', () => {
    expect(rule('-j TCPMSS --set-mss 1400', { table: 'mangle', chain: 'FORWARD' }).errors).not.toEqual([]);
    expect(rule('-p tcp -j TCPMSS --clamp-mss-to-pmtu', { table: 'mangle', chain: 'INPUT' }).errors).not.toEqual([]);
    expect(rule('-p tcp -j TCPMSS --clamp-mss-to-pmtu', { table: 'mangle', chain: 'FORWARD' }).errors).toEqual([]);
  });

  it('TPROXY needs tcp or udp', () => {
    const args = '-j TPROXY --on-port 1 --tproxy-mark 1';
    expect(rule(args, { table: 'mangle', chain: 'PREROUTING' }).errors).not.toEqual([]);
    expect(rule(`-p udp ${args}`, { table: 'mangle', chain: 'PREROUTING' }).saved).toBe(
      '-p udp -j TPROXY --on-port 1 --on-ip 0.0.0.0 --tproxy-mark 0x1/0xffffffff',
    );
  });
});
