/**
 * The host guess (no --host) reads MASQUERADE rules only in chains nat POSTROUTING reaches,
 * because the kernel takes MASQUERADE nowhere else: checked here against iptables-restore.
 * Needs root, iproute2 and iptables (nft backend): skipped without them, failed without them in CI.
 */
import { describe, expect, it } from 'vitest';
import { kernelUnavailableReason, withNetns } from '../../bench/netns.js';
import { parseRuleset } from '../../src/ast/parse.js';
import { evaluatePacket } from '../../src/eval/evaluate.js';

const unavailable = kernelUnavailableReason();

const nat = (rules: string): string =>
  `*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:X - [0:0]\n${rules}COMMIT\n`;

const reachedFromPostrouting = nat('-A POSTROUTING -j X\n-A X -o wan0 -j MASQUERADE\n');
const reachedFromPrerouting = nat('-A PREROUTING -j X\n-A X -o wan0 -j MASQUERADE\n');
const reachedFromNowhere = nat('-A X -o wan0 -j MASQUERADE\n');

/** The uplink the guessed host routes by default, as the trace's assumptions say. */
function guessedUplink(text: string): string | undefined {
  const trace = evaluatePacket(parseRuleset(text, { file: 'x.save' }).ruleset, {
    family: 4, in: 'eth9', src: '198.51.100.7', dst: '203.0.113.9', proto: 6, sport: 40000, dport: 80,
    tcpFlags: ['SYN'], state: 'NEW', ctDir: 'ORIGINAL', mark: 0, length: 60, ttl: 64,
  });
  return /the default route goes out of (\S+)/.exec(trace.assumptions.join('\n'))?.[1];
}

describe('MASQUERADE and the hooks that reach it', () => {
  it.runIf(unavailable !== null && Boolean(process.env.CI))('has a kernel to ask (required in CI)', () => {
    expect(unavailable).toBeNull();
  });

  describe.skipIf(unavailable !== null)('iptables-restore', () => {
    it('takes MASQUERADE in a chain POSTROUTING reaches, or none reaches, and refuses it from PREROUTING', () => {
      withNetns('masq-hooks', (ns) => {
        expect(ns.restore(4, reachedFromPostrouting).status).toBe(0);
        expect(ns.restore(4, reachedFromNowhere).status).toBe(0);
        const refused = ns.restore(4, reachedFromPrerouting);
        expect(refused.status).not.toBe(0);
        expect(refused.stderr).toMatch(/line 8/);
      });
    });
  });

  it('guesses the uplink from the MASQUERADE rule POSTROUTING reaches, not from one no packet meets', () => {
    expect(guessedUplink(reachedFromPostrouting)).toBe('wan0');
    // Loaded by the kernel, but no hook reaches it: the uplink is then the packet's own interface.
    expect(guessedUplink(reachedFromNowhere)).toBe('eth9');
  });
});
