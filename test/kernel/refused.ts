/**
 * The corpus files that `iptables-restore` refuses, as found by the kernel suite with iptables
 * v1.8.9 (nf_tables), and what netfate must do with each:
 *  - `error`: the text is wrong (bad option, bad MAC, obsolete syntax): netfate reports an error
 *    diagnostic on the line iptables-restore names;
 *  - `tolerated`: netfate reads it on purpose (CRLF line ends, blanks after COMMIT or on an empty
 *    line, shell prompts and prose around a dump, which CONTRACT.md asks us to accept);
 *  - `host`: the refusal depends on the host, not the text (a DNS name, an ipset that does not
 *    exist there), so netfate cannot refuse it.
 * The corpus suite holds netfate to this without a kernel; the kernel suite checks that the
 * kernel still refuses exactly these files, at these lines.
 */
export type RefusalHandling = 'error' | 'tolerated' | 'host';

export interface KernelRefusal {
  /** The line iptables-restore names. */
  readonly line: number;
  /** What it said (the start of it). */
  readonly kernel: string;
  readonly netfate: RefusalHandling;
  /**
   * Where netfate reports its first error, when it reads on past what the kernel refused first
   * (a tolerated transcript line) and finds text that is broken as well.
   */
  readonly netfateLine?: number;
}

const tum = (line: number): KernelRefusal => ({ line, kernel: 'Invalid MAC address specified.', netfate: 'error' });
const crlf = (table: string): KernelRefusal => ({ line: 2, kernel: `table name '${table}' invalid`, netfate: 'tolerated' });
const transcript: KernelRefusal = { line: 1, kernel: 'line 1 failed', netfate: 'tolerated' };

export const KERNEL_REFUSED: ReadonlyMap<string, KernelRefusal> = new Map([
  ['real-world/iptsem_IPPartEval_linux.gda.pl__firewallp.save', { line: 6, kernel: 'unknown option "--days"', netfate: 'error' }],
  ['real-world/online_linux.gda.pl__firewallp.save', { line: 6, kernel: 'unknown option "--days"', netfate: 'error' }],
  ['real-world/iptsem_Parser_Test_data__iptables-save.save', { line: 12, kernel: 'unknown option "--something-else"', netfate: 'error' }],
  ['real-world/private_root__iptables-save.save', { line: 23, kernel: "host/network `<private_ip>' not found", netfate: 'error' }],
  // `-d ! ADDR`: negation after the option, removed from iptables long ago.
  ['real-world/ugent__iptables-save.save', { line: 71, kernel: "Bad argument `192.168.122.0/255.255.255.0'", netfate: 'error' }],
  ['real-world/ugent__iptables-save.v1.4.21.save', { line: 71, kernel: "Bad argument `192.168.122.0/24'", netfate: 'error' }],
  ['real-world/iptsem_TUM_Net_Firewall__iptables-save-2015-05-13_10-53-20_cheating.save', tum(1695)],
  ['real-world/iptsem_TUM_Net_Firewall__iptables-save-2015-05-15_14-14-46_cheating.save', tum(1683)],
  ['real-world/iptsem_TUM_Net_Firewall__iptables-save-2015-05-15_15-23-41_cheating.save', tum(1683)],
  ['real-world/iptsem_TUM_Net_Firewall__iptables_20.11.2013_cheating.save', tum(1153)],
  ['real-world/tum_chair_net__ip6tables-save-2016-03-16_13-53-28.save', tum(2487)],
  ['real-world/tum_chair_net__ip6tables-save-2016-06-27_16-29-01.save', tum(2486)],
  ['real-world/tum_chair_net__iptables-save-2015-05-13_10-53-20.save', tum(1696)],
  ['real-world/tum_chair_net__iptables-save-2015-05-15_14-14-46.save', tum(1684)],
  ['real-world/tum_chair_net__iptables-save-2015-05-15_14-35-03.save', tum(1684)],
  ['real-world/tum_chair_net__iptables-save-2015-05-15_15-11-14.save', tum(1684)],
  ['real-world/tum_chair_net__iptables-save-2015-05-15_15-23-41.save', tum(1684)],
  ['real-world/tum_chair_net__iptables-save-2015-09-03_15-56-50.save', tum(1794)],
  ['real-world/tum_chair_net__iptables-save-2016-03-16_13-53-28.save', tum(1808)],
  ['real-world/tum_chair_net__iptables-save-2016-06-27_16-29-01.save', tum(1826)],
  ['real-world/tum_chair_net__iptables_20.10.2013.save', tum(1154)],
  ['real-world/tum_chair_net__iptables_25.07.2014.save', tum(1443)],
  ['real-world/online_lafibre.info__iptable-save.save', crlf('mangle')],
  ['real-world/online_pastebin.com_2hux32dS__iptables-save.save', crlf('nat')],
  ['real-world/vsrv__iptables-save.save', crlf('nat')],
  // A transcript (tolerated), whose rules were also broken by a terminal wrapping them at column 80.
  ['real-world/online_openwrt.org__iptables-save-AA.save', { ...transcript, netfateLine: 24 }],
  ['real-world/online_pastebin.com_FNwfaEED__iptables-save.save', transcript],
  ['real-world/qubesos_blog__iptables-save.save', transcript],
  // The last line holds a single blank.
  ['real-world/ipv6_server__webserver.save', { line: 46, kernel: 'line 46 failed', netfate: 'tolerated' }],
  // `COMMIT ` with a trailing blank.
  ['real-world/veroneau.net__iptables-save.save', { line: 269, kernel: "Bad argument `COMMIT'", netfate: 'tolerated' }],
  ['real-world/online_jvehent__firewall.save', { line: 61, kernel: "host/network `ntp.example.net' not found", netfate: 'host' }],
  ['real-world/serverfault__759927.save', { line: 20, kernel: "Set whitelist doesn't exist.", netfate: 'host' }],
]);

/** The line a refusal message names: `Error occurred at line: N` or `line N failed`. */
export function refusedLine(message: string): number | null {
  const m = /Error occurred at line: (\d+)|line (\d+) failed/.exec(message);
  return m ? Number(m[1] ?? m[2]) : null;
}
