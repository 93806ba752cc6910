/**
 * The state / metadata matches: the typed options each produces (what the evaluator reads),
 * the text iptables-save prints for them, and values iptables (or the kernel) refuses.
 */
import { describe, expect, it } from 'vitest';
import { parseSingleRule } from '../../../src/ast/single-rule.js';
import type { Family, Match } from '../../../src/ast/types.js';
import { isConntrackMatch } from '../../../src/ast/modules/match/conntrack.js';
import { isStateMatch } from '../../../src/ast/modules/match/state.js';
import { isMarkMatch } from '../../../src/ast/modules/match/mark.js';
import { isConnmarkMatch } from '../../../src/ast/modules/match/connmark.js';
import { isConnlimitMatch } from '../../../src/ast/modules/match/connlimit.js';
import { isConnbytesMatch } from '../../../src/ast/modules/match/connbytes.js';
import { isConnlabelMatch } from '../../../src/ast/modules/match/connlabel.js';
import { isLimitMatch } from '../../../src/ast/modules/match/limit.js';
import { isHashlimitMatch } from '../../../src/ast/modules/match/hashlimit.js';
import { isRecentMatch } from '../../../src/ast/modules/match/recent.js';
import { isStatisticMatch } from '../../../src/ast/modules/match/statistic.js';
import { isQuotaMatch } from '../../../src/ast/modules/match/quota.js';
import { isTimeMatch } from '../../../src/ast/modules/match/time.js';
import { isCommentMatch } from '../../../src/ast/modules/match/comment.js';
import { isOwnerMatch } from '../../../src/ast/modules/match/owner.js';
import { isSetMatch } from '../../../src/ast/modules/match/set.js';
import { isRpfilterMatch } from '../../../src/ast/modules/match/rpfilter.js';
import { isSocketMatch } from '../../../src/ast/modules/match/socket.js';
import { isHelperMatch } from '../../../src/ast/modules/match/helper.js';
import { isIpvsMatch } from '../../../src/ast/modules/match/ipvs.js';
import { isClusterMatch } from '../../../src/ast/modules/match/cluster.js';
import { isNfacctMatch } from '../../../src/ast/modules/match/nfacct.js';
import { isRateestMatch } from '../../../src/ast/modules/match/rateest.js';

interface Where {
  family?: Family;
  table?: string;
  chain?: string;
}

function parse(rule: string, where: Where = {}) {
  return parseSingleRule(rule, { family: where.family ?? 4, table: where.table, chain: where.chain ?? 'INPUT' });
}

/** The first match of the rule, which must parse. */
function match(rule: string, where: Where = {}): Match {
  const r = parse(rule, where);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.rules[0].matches[0];
}

function saved(rule: string, where: Where = {}): string {
  const r = parse(rule, where);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.saved[0];
}

function refused(rule: string, where: Where = {}): string[] {
  const r = parse(rule, where);
  expect(r.saved).toEqual([]);
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

describe('conntrack', () => {
  it('reads states (abbreviated, any case) in kernel order, protocol and addresses unmasked', () => {
    const m = match('-m conntrack --ctstate e,n ! --ctproto udp --ctorigsrc 10.1.2.3/8 --ctdir reply');
    expect(isConntrackMatch(m)).toBe(true);
    if (!isConntrackMatch(m)) return;
    expect(m.options.state).toEqual({ value: ['NEW', 'ESTABLISHED'], negated: false });
    expect(m.options.proto).toEqual({ value: 17, negated: true });
    expect(m.options.origSrc?.value).toMatchObject({ address: '10.1.2.3', prefix: 8 });
    expect(m.options.direction).toBe('REPLY');
  });
  it('prints options in iptables-save order', () => {
    expect(saved('-m conntrack --ctexpire 5:5 --ctorigsrcport 4: --ctstatus none --ctstate RELATED,NEW')).toBe(
      '-m conntrack --ctstate NEW,RELATED --ctorigsrcport 4:65535 --ctstatus NONE --ctexpire 5',
    );
  });
  it('refuses unknown states, protocol 0 and descending ranges', () => {
    expect(refused('-m conntrack --ctstate NEW,BOGUS')[0]).toMatch(/Bad ctstate/);
    expect(refused('-m conntrack --ctproto all')[0]).toMatch(/never match protocol/);
    refused('-m conntrack --ctexpire 9:3');
    refused('-m conntrack');
  });
});

describe('state', () => {
  it('prints states in kernel order', () => {
    const m = match('-m state ! --state ESTABLISHED,RELATED');
    expect(isStateMatch(m) && m.options.states).toEqual({ value: ['RELATED', 'ESTABLISHED'], negated: true });
    expect(saved('-m state --state ESTABLISHED,RELATED')).toBe('-m state --state RELATED,ESTABLISHED');
  });
  it('knows no NAT states and needs --state', () => {
    expect(refused('-m state --state SNAT')[0]).toMatch(/Bad state/);
    refused('-m state');
  });
});

describe('mark / connmark', () => {
  it('reads value and mask', () => {
    const m = match('-m mark ! --mark 0x10/0xf0');
    expect(isMarkMatch(m) && m.options).toEqual({ value: 0x10, mask: 0xf0, negated: true });
    expect(saved('-m mark --mark 017')).toBe('-m mark --mark 0xf');
    expect(saved('-m connmark --mark 5/0xffffffff', { table: 'mangle', chain: 'PREROUTING' })).toBe('-m connmark --mark 0x5');
    expect(isConnmarkMatch(match('-m connmark --mark 1'))).toBe(true);
  });
  it('refuses values beyond 32 bits', () => {
    refused('-m mark --mark 0x100000000');
    refused('-m connmark --mark 1/2/3');
  });
});

describe('connlimit', () => {
  it('defaults the mask to the address width of the family', () => {
    expect(saved('-m connlimit --connlimit-above 2')).toBe('-m connlimit --connlimit-above 2 --connlimit-mask 32 --connlimit-saddr');
    expect(saved('-m connlimit --connlimit-above 2', { family: 6 })).toBe(
      '-m connlimit --connlimit-above 2 --connlimit-mask 128 --connlimit-saddr',
    );
  });
  it('turns ! --connlimit-upto into above', () => {
    const m = match('-m connlimit ! --connlimit-upto 3 --connlimit-mask 24 --connlimit-daddr');
    expect(isConnlimitMatch(m) && m.options).toMatchObject({ limit: 3, above: true, maskBits: 24, direction: 'destination' });
  });
  it('refuses both directions and a missing limit', () => {
    refused('-m connlimit --connlimit-above 1 --connlimit-saddr --connlimit-daddr');
    refused('-m connlimit --connlimit-mask 24');
  });
});

describe('connbytes', () => {
  it('keeps 64-bit bounds as text and prints an open range without its end', () => {
    const m = match('-m connbytes ! --connbytes 10: --connbytes-mode bytes --connbytes-dir both');
    expect(isConnbytesMatch(m) && m.options).toEqual({
      from: '10', to: '18446744073709551615', negated: true, mode: 'bytes', direction: 'both',
    });
    expect(saved('-m connbytes --connbytes 10: --connbytes-mode bytes --connbytes-dir both')).toBe(
      '-m connbytes --connbytes 10 --connbytes-mode bytes --connbytes-dir both',
    );
  });
  it('needs mode and direction', () => {
    refused('-m connbytes --connbytes 1:2 --connbytes-mode packets');
    refused('-m connbytes --connbytes 1:2 --connbytes-mode pkts --connbytes-dir both');
  });
});

describe('connlabel', () => {
  it('prints the bit quoted', () => {
    const m = match('-m connlabel ! --label 0x10 --set');
    expect(isConnlabelMatch(m) && m.options).toEqual({ bit: 16, negated: true, set: true });
    expect(saved('-m connlabel --label 7')).toBe('-m connlabel --label "7"');
  });
  it('refuses names (no connlabel.conf) and bits the kernel does not have', () => {
    refused('-m connlabel --label foo');
    refused('-m connlabel --label 128');
  });
});

describe('limit', () => {
  it('keeps the nftables rate and prints the unit iptables-save picks', () => {
    const m = match('-m limit --limit 3600/hour --limit-burst 7');
    expect(isLimitMatch(m) && m.options).toEqual({ rate: { count: 1, per: 'second' }, burst: 7 });
    expect(saved('-m limit --limit 100/s')).toBe('-m limit --limit 100/sec');
    expect(saved('-m limit')).toBe('-m limit --limit 3/hour');
    expect(saved('-m limit --limit 5/min --limit-burst 0')).toBe('-m limit --limit 5/min');
  });
  it('refuses bad and too fast rates', () => {
    expect(refused('-m limit --limit 5/fortnight')[0]).toMatch(/bad rate/);
    expect(refused('-m limit --limit 10001/sec')[0]).toMatch(/too fast/);
    refused('-m limit --limit-burst 10001');
  });
});

describe('hashlimit', () => {
  it('prints the burst always and the expiry only when it differs from the rate unit', () => {
    expect(saved('-m hashlimit --hashlimit-upto 60/min --hashlimit-name x')).toBe(
      '-m hashlimit --hashlimit-upto 1/sec --hashlimit-burst 5 --hashlimit-name x --hashlimit-htable-expire 60000',
    );
    expect(saved('-m hashlimit --hashlimit-upto 4kb/s --hashlimit-burst 400kb --hashlimit-name b')).toBe(
      '-m hashlimit --hashlimit-upto 4kb/s --hashlimit-burst 400kb --hashlimit-name b',
    );
  });
  it('reads mode keys, direction and masks', () => {
    const m = match('-m hashlimit ! --hashlimit-upto 5/sec --hashlimit-mode dstport,srcip --hashlimit-name n --hashlimit-srcmask 24');
    expect(isHashlimitMatch(m) && m.options).toMatchObject({ above: true, unit: 'packets', keys: ['srcip', 'dstport'], srcMask: 24, dstMask: 32 });
  });
  it('needs a rate and a name', () => {
    refused('-m hashlimit --hashlimit-name x');
    refused('-m hashlimit --hashlimit-upto 1/sec');
    refused('-m hashlimit --hashlimit-upto 1/sec --hashlimit-name x --hashlimit-burst 2000000');
  });
});

describe('recent', () => {
  it('fills in the defaults iptables-save prints', () => {
    const m = match('-m recent ! --update --seconds 60 --hitcount 3 --name SSH');
    expect(isRecentMatch(m) && m.options).toMatchObject({ command: 'update', negated: true, seconds: 60, hitcount: 3, side: 'source' });
    expect(saved('-m recent --set', { family: 6 })).toBe(
      '-m recent --set --name DEFAULT --mask ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff --rsource',
    );
  });
  it('refuses what iptables or the kernel refuse', () => {
    refused('-m recent --set --rttl');
    refused('-m recent --set --seconds 5');
    refused('-m recent --rcheck --hitcount 65536');
    refused('-m recent --seconds 5');
  });
});

describe('statistic', () => {
  it('prints the probability the kernel keeps', () => {
    const m = match('-m statistic --mode random --probability 0.1');
    expect(isStatisticMatch(m) && m.options).toMatchObject({ mode: 'random', threshold: 214748365, negated: false });
    expect(saved('-m statistic --mode random --probability 0.1')).toBe('-m statistic --mode random --probability 0.10000000009');
    expect(saved('-m statistic --mode nth --packet 1 --every 3')).toBe('-m statistic --mode nth --every 3 --packet 1');
  });
  it('refuses out-of-range values and a missing mode', () => {
    refused('-m statistic --mode random --probability 1.5');
    refused('-m statistic --mode nth --every 3 --packet 3');
    refused('-m statistic --probability 0.5');
  });
});

describe('quota', () => {
  it('keeps 64-bit quotas exactly', () => {
    const m = match('-m quota ! --quota 18446744073709551615');
    expect(isQuotaMatch(m) && m.options).toEqual({ bytes: '18446744073709551615', negated: true });
    refused('-m quota --quota 18446744073709551616');
  });
});

describe('time', () => {
  it('reads days and times, and prints the default stop date', () => {
    const m = match('-m time --timestart 22:00 --timestop 02:00 --weekdays Sa,Su --monthdays 31,1');
    expect(isTimeMatch(m) && m.options).toMatchObject({ dayTimeStart: 79200, dayTimeStop: 7200, weekDays: [6, 7], monthDays: [1, 31] });
    expect(saved('-m time --weekdays Sa,Su --monthdays 31,1')).toBe(
      '-m time --monthdays 1,31 --weekdays Sat,Sun --datestop 2038-01-19T03:14:07',
    );
    expect(saved('-m time --datestart 2001-02-30T10:00')).toBe('-m time --datestart 2001-03-02T10:00:00 --datestop 2038-01-19T03:14:07');
  });
  it('refuses bad times and contiguous without wrap-around', () => {
    refused('-m time --timestart 24:00');
    refused('-m time --weekdays 0');
    refused('-m time --timestart 10:00 --timestop 11:00 --contiguous');
  });
});

describe('comment, helper, nfacct', () => {
  it('quote as xtables_save_string does', () => {
    const m = match('-m comment --comment "it\'s here"');
    expect(isCommentMatch(m) && m.options).toEqual({ text: "it's here" });
    expect(saved('-m comment --comment "it\'s here"')).toBe('-m comment --comment "it\\\'s here"');
    expect(isHelperMatch(match('-m helper ! --helper ftp'))).toBe(true);
    expect(saved('-m helper --helper "ftp 2"')).toBe('-m helper --helper "ftp 2"');
    expect(isNfacctMatch(match('-m nfacct --nfacct-name acct1'))).toBe(true);
  });
  it('need their option', () => {
    refused('-m comment');
    refused('-m helper');
    refused('-m nfacct');
  });
});

describe('owner', () => {
  it('resolves Debian system names and keeps ranges', () => {
    const m = match('-m owner ! --uid-owner root --gid-owner 10-20 --suppl-groups', { table: 'mangle', chain: 'OUTPUT' });
    expect(isOwnerMatch(m) && m.options).toEqual({
      uid: { value: { min: 0, max: 0 }, negated: true },
      gid: { value: { min: 10, max: 20 }, negated: false },
      supplGroups: true,
    });
    expect(saved('-m owner --uid-owner root', { chain: 'OUTPUT' })).toBe('-m owner --uid-owner 0');
  });
  it('only works for local traffic, and --suppl-groups needs --gid-owner first', () => {
    refused('-m owner --uid-owner 0', { chain: 'INPUT' });
    refused('-m owner --suppl-groups --gid-owner 1', { chain: 'OUTPUT' });
  });
});

describe('set', () => {
  it('takes a name and a direction list', () => {
    const m = match('-m set ! --match-set blocked src,dst --packets-gt 5 ! --update-counters');
    expect(isSetMatch(m) && m.options).toMatchObject({
      name: 'blocked', flags: ['src', 'dst'], negated: true, updateCounters: false, packets: { op: 'gt', value: '5' },
    });
    expect(saved('-m set --match-set blocked src ! --bytes-eq 7')).toBe('-m set --match-set blocked src ! --bytes-eq 7');
  });
  it('refuses a missing direction list or a bad flag', () => {
    refused('-m set --match-set foo');
    refused('-m set --match-set foo up');
  });
});

describe('rpfilter, socket', () => {
  it('are restricted to their hooks', () => {
    const m = match('-m rpfilter --loose --invert', { table: 'raw', chain: 'PREROUTING' });
    expect(isRpfilterMatch(m) && m.options).toEqual({ loose: true, validMark: false, acceptLocal: false, invert: true });
    refused('-m rpfilter', { table: 'filter', chain: 'INPUT' });
    expect(isSocketMatch(match('-m socket --nowildcard', { table: 'mangle', chain: 'PREROUTING' }))).toBe(true);
    refused('-m socket', { table: 'mangle', chain: 'OUTPUT' });
  });
});

describe('ipvs', () => {
  it('implies --ipvs with other options and prints ports numerically', () => {
    const m = match('-m ipvs ! --vport http --vaddr 1.2.3.4/255.255.255.0');
    expect(isIpvsMatch(m) && m.options).toMatchObject({ ipvs: { value: true, negated: false }, vport: { value: 80, negated: true } });
    expect(saved('-m ipvs --ipvs --vproto tcp')).toBe('-m ipvs --vproto 6');
    refused('-m ipvs ! --ipvs --vproto 6');
  });
});

describe('cluster', () => {
  it('prints the node as a mask', () => {
    const m = match('-m cluster --cluster-total-nodes 2 --cluster-local-node 2 --cluster-hash-seed 0xfeedcafe', { table: 'mangle', chain: 'PREROUTING' });
    expect(isClusterMatch(m) && m.options).toEqual({ totalNodes: 2, nodeMask: 2, hashSeed: 0xfeedcafe, negated: false });
    refused('-m cluster --cluster-total-nodes 2 --cluster-local-nodemask 4 --cluster-hash-seed 1');
  });
});

describe('rateest', () => {
  it('reads absolute and relative comparisons', () => {
    const m = match('-m rateest --rateest RE1 --rateest-gt --rateest-bps 5kbit');
    expect(isRateestMatch(m) && m.options).toMatchObject({ name1: 'RE1', bps: true, bps2: 625, mode: 'gt' });
    expect(saved('-m rateest --rateest RE1 --rateest-gt --rateest-bps 5kbit')).toBe('-m rateest --rateest RE1 --rateest-gt --rateest-bps 5000bit');
    expect(saved('-m rateest --rateest1 A --rateest-lt --rateest-pps --rateest2 B')).toBe('-m rateest --rateest1 A --rateest-lt --rateest-pps --rateest2 B');
  });
  it('needs a comparison', () => {
    refused('-m rateest --rateest A --rateest-bps 5');
  });
});
