/**
 * Reading back what each extension's `print` function writes into a listing row, as the words
 * iptables-save would have written (`tcp dpt:80` -> `-m tcp --dport 80`). The words are then run
 * through the same interpreter as save input, so both formats give identical match and target
 * nodes. Formats follow iptables' extensions/lib*.c print functions (1.4 to 1.8); where versions
 * differ (LOG prefix quoting, `dpt:22flags:`), both spellings are read.
 */
import type { Family } from '../types.js';
import { servicePort } from '../../net/services.js';
import { Scanner } from './scanner.js';

export interface ReadContext {
  readonly family: Family;
  /** `-n`: numbers instead of names. */
  readonly numeric: boolean;
  /** Protocol name of the row (`tcp`, `udp`, …) for service names; null for `all`. */
  readonly protocol: string | null;
}

/** Reads one extension's text at the cursor; returns save words, or null (cursor unchanged by the caller). */
export type ListingReader = (s: Scanner, ctx: ReadContext) => string[] | null;

// ---- shared value readers ----

const PORT_END = String.raw`(?=flags:|option=|[\s:,]|$)`;
/** A port as print_port writes it: a number or a service name (which may start with a digit). */
const PORT = String.raw`(?:\d+${PORT_END}|[A-Za-z0-9][\w.+-]*?${PORT_END})`;

/** A service name back to its number, for the protocol of the row; unknown names stay as they are. */
function portNumber(text: string, ctx: ReadContext): string {
  if (/^\d+$/.test(text)) return text;
  const port = servicePort(text, ctx.protocol ?? undefined);
  return port === null ? text : String(port);
}

/** `anywhere` or `ADDR[/MASK]` as conntrack and others print addresses. */
function address(text: string, ctx: ReadContext): string {
  if (text === 'anywhere') return ctx.family === 6 ? '::/0' : '0.0.0.0/0';
  return text;
}

const TCP_FLAG_BITS: readonly (readonly [string, number])[] = [
  ['FIN', 0x01], ['SYN', 0x02], ['RST', 0x04], ['PSH', 0x08], ['ACK', 0x10], ['URG', 0x20], ['ECE', 0x40], ['CWR', 0x80],
];

/** `0x17` (the -n form of tcp flags) to `FIN,SYN,RST,ACK`. */
function tcpFlagNames(text: string): string {
  if (!/^0x[0-9a-fA-F]+$/.test(text)) return text;
  const value = parseInt(text.slice(2), 16);
  const names = TCP_FLAG_BITS.filter(([, bit]) => value & bit).map(([name]) => name);
  return names.length ? names.join(',') : 'NONE';
}

/** `[!] --name value` */
function opt(name: string, negated: boolean, ...args: string[]): string[] {
  return [...(negated ? ['!'] : []), `--${name}`, ...args];
}

// ---- matches ----

/** tcp, udp, sctp: ` tcp spt:X spts:A:B dpt:[!]X option=[!]N flags:[!]MASK/COMP` */
function portMatch(name: 'tcp' | 'udp' | 'sctp' | 'dccp'): ListingReader {
  return (s, ctx) => {
    // iptables 1.4 printed tcp flags without a blank before them: ` tcpflags: 0x17/0x02`.
    if (!s.kw(name) && !(name === 'tcp' && s.re(/tcp(?=flags:)/))) return null;
    const out = ['-m', name];
    const c: ReadContext = { ...ctx, protocol: name };
    for (;;) {
      const ports = s.re(new RegExp(String.raw`(spt|dpt)(s?):(!?)(${PORT})(?::(${PORT}))?`), true) ?? s.re(new RegExp(String.raw`(spt|dpt)(s?):(!?)(${PORT})(?::(${PORT}))?`));
      if (ports) {
        const range = ports[2] === 's' && ports[5] !== undefined;
        const value = range ? `${portNumber(ports[4], c)}:${portNumber(ports[5], c)}` : portNumber(ports[4], c);
        out.push(...opt(ports[1] === 'spt' ? 'sport' : 'dport', ports[3] === '!', value));
        continue;
      }
      if (name === 'tcp') {
        const option = s.re(/option=(!?)(\d+)/, true) ?? s.re(/option=(!?)(\d+)/);
        if (option) {
          out.push(...opt('tcp-option', option[1] === '!', option[2]));
          continue;
        }
        const flags = s.re(/flags:\s?(!?)([\w,]+)\/([\w,]+)/, true) ?? s.re(/flags:\s?(!?)([\w,]+)\/([\w,]+)/);
        if (flags) {
          out.push(...opt('tcp-flags', flags[1] === '!', tcpFlagNames(flags[2]), tcpFlagNames(flags[3])));
          continue;
        }
      }
      break;
    }
    return out;
  };
}

/**
 * icmp / ipv6-icmp: ` icmp echo-request`, ` icmp !echo-request`, and for types without a name (or
 * with -n) ` icmptype 3 code 4` — print_icmptype writes `type` with no blank before it — or
 * ` icmp !type 3`. `--icmp-type` takes the same names, so they are passed on as written.
 */
function icmpMatch(printName: string, module: string, option: string): ListingReader {
  return (s) => {
    let negated = false;
    let type: string | null = null;
    const glued = s.re(new RegExp(printName + String.raw`type (\d+)`));
    if (glued) type = glued[1];
    else {
      if (!s.kw(printName)) return null;
      const m = s.re(/(!?)type (\d+)/) ?? s.re(/(!?)([a-z][\w-]*)(?=\s|$)/);
      if (m) {
        negated = m[1] === '!';
        type = m[2];
      }
    }
    if (type === null) return ['-m', module];
    let value = type;
    const code = s.re(/code (\d+)/);
    if (code) value += '/' + code[1];
    else if (s.re(/codes (\d+)-(\d+)/)) return null;
    return ['-m', module, ...opt(option, negated, value)];
  };
}

function multiport(s: Scanner, ctx: ReadContext): string[] | null {
  const m = s.re(/multiport (sports|dports|ports) {1,2}(!?)\s*([^\s]+)/);
  if (!m) return null;
  const list = m[3].split(',').map((p) => p.split(':').map((q) => portNumber(q, ctx)).join(':')).join(',');
  return ['-m', 'multiport', ...opt(m[1], m[2] === '!', list)];
}

const CT_STATES = /(?:INVALID|NEW|RELATED|ESTABLISHED|UNTRACKED|SNAT|DNAT)(?:,(?:INVALID|NEW|RELATED|ESTABLISHED|UNTRACKED|SNAT|DNAT))*/;

function state(s: Scanner): string[] | null {
  const negated = s.bang();
  if (!s.kw('state')) return null;
  const m = s.re(CT_STATES);
  if (!m) return null;
  return ['-m', 'state', ...opt('state', negated, m[0])];
}

/** conntrack: a run of ` [!] ctNAME VALUE` items. */
function conntrack(s: Scanner, ctx: ReadContext): string[] | null {
  const out = ['-m', 'conntrack'];
  const seen = new Set<string>();
  for (;;) {
    const item = s.attempt(() => {
      const negated = s.bang();
      const m = s.re(/(ctstate|ctproto|ctorigsrcport|ctorigdstport|ctreplsrcport|ctrepldstport|ctorigsrc|ctorigdst|ctreplsrc|ctrepldst|ctstatus|ctexpire|ctdir)(?=\s|$)/);
      if (!m || seen.has(m[1])) return null;
      const name = m[1];
      let value: string | null;
      if (name === 'ctdir') value = s.re(/REPLY|ORIGINAL/)?.[0] ?? null;
      else if (name === 'ctstate') value = s.re(CT_STATES)?.[0] ?? null;
      else if (name === 'ctstatus') value = s.re(/[A-Z_]+(?:,[A-Z_]+)*/)?.[0] ?? null;
      else if (/^ct(orig|repl)(src|dst)$/.test(name)) {
        const w = s.word();
        value = w === null ? null : address(w, ctx);
      } else value = s.re(/\d+(?::\d+)?/)?.[0] ?? null;
      if (value === null) return null;
      seen.add(name);
      // `ctdir` has no value in the save form: `--ctdir REPLY` is its value.
      return opt(name, negated, value);
    });
    if (!item) break;
    out.push(...item);
  }
  return seen.size ? out : null;
}

const RTN_TYPES = /!?(?:UNSPEC|UNICAST|LOCAL|BROADCAST|ANYCAST|MULTICAST|BLACKHOLE|UNREACHABLE|PROHIBIT|THROW|NAT|XRESOLVE)(?:,(?:UNSPEC|UNICAST|LOCAL|BROADCAST|ANYCAST|MULTICAST|BLACKHOLE|UNREACHABLE|PROHIBIT|THROW|NAT|XRESOLVE))*/;

function addrtype(s: Scanner): string[] | null {
  if (!s.lit('ADDRTYPE match')) return null;
  const out = ['-m', 'addrtype'];
  for (const [label, option] of [['src-type', 'src-type'], ['dst-type', 'dst-type']] as const) {
    if (s.lit(label)) {
      const m = s.re(RTN_TYPES);
      if (!m) return null;
      const negated = m[0].startsWith('!');
      out.push(...opt(option, negated, negated ? m[0].slice(1) : m[0]));
    }
  }
  if (s.kw('limit-in')) out.push('--limit-iface-in');
  if (s.kw('limit-out')) out.push('--limit-iface-out');
  return out.length > 2 ? out : null;
}

function limit(s: Scanner): string[] | null {
  const m = s.re(/limit: avg (\d+\/(?:sec|second|min|minute|hour|day)) burst (\d+)/);
  if (!m) return null;
  return ['-m', 'limit', '--limit', m[1], '--limit-burst', m[2]];
}

function comment(s: Scanner): string[] | null {
  if (!s.lit('/* ')) return null;
  const end = s.text.indexOf(' */', s.pos);
  if (end < 0) return null;
  const text = s.text.slice(s.pos, end);
  s.pos = end + 3;
  return ['-m', 'comment', '--comment', text];
}

function recent(s: Scanner): string[] | null {
  const negated = s.bang();
  if (!s.lit('recent:')) return null;
  const out = ['-m', 'recent'];
  const command = s.re(/SET|CHECK|UPDATE|REMOVE/);
  if (command) out.push(...opt(command[0] === 'CHECK' ? 'rcheck' : command[0].toLowerCase(), negated));
  const seconds = s.re(/seconds: (\d+)/);
  if (seconds) out.push('--seconds', seconds[1]);
  if (s.kw('reap')) out.push('--reap');
  const hits = s.re(/hit_count: (\d+)/);
  if (hits) out.push('--hitcount', hits[1]);
  if (s.kw('TTL-Match')) out.push('--rttl');
  const name = s.re(/name: ([^\s]+)/);
  if (!name) return null;
  out.push('--name', name[1]);
  const side = s.re(/side: (source|dest)/);
  if (side) out.push(side[1] === 'source' ? '--rsource' : '--rdest');
  const mask = s.re(/mask: ([0-9a-fA-F.:]+)/);
  if (mask) out.push('--mask', mask[1]);
  return out;
}

function mac(s: Scanner): string[] | null {
  const m = s.re(/MAC (! )?([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})/);
  if (!m) return null;
  return ['-m', 'mac', ...opt('mac-source', m[1] !== undefined, m[2])];
}

function owner(s: Scanner): string[] | null {
  const out = ['-m', 'owner'];
  for (;;) {
    const item = s.attempt(() => {
      const negated = s.bang();
      if (s.lit('owner socket exists')) return opt('socket-exists', negated);
      if (s.lit('incl. suppl. groups')) return opt('suppl-groups', negated);
      const m = s.re(/owner (UID|GID|PID|SID|CMD) match ([^\s]+)/);
      if (!m) return null;
      const option = { UID: 'uid-owner', GID: 'gid-owner', PID: 'pid-owner', SID: 'sid-owner', CMD: 'cmd-owner' }[m[1]]!;
      return opt(option, negated, m[2]);
    });
    if (!item) break;
    out.push(...item);
  }
  return out.length > 2 ? out : null;
}

function statistic(s: Scanner): string[] | null {
  if (!s.kw('statistic')) return null;
  const random = s.re(/mode random( !)? probability ([\d.]+)/);
  if (random) return ['-m', 'statistic', '--mode', 'random', ...opt('probability', random[1] !== undefined, random[2])];
  const nth = s.re(/mode nth( !)? every (\d+)(?: packet (\d+))?/);
  if (!nth) return null;
  return ['-m', 'statistic', '--mode', 'nth', ...opt('every', nth[1] !== undefined, nth[2]), ...(nth[3] ? ['--packet', nth[3]] : [])];
}

/** xtables_print_mark_mask: ` 0x1` or ` 0x1/0xff`. */
function markMatch(label: RegExp, module: string, option: string): ListingReader {
  return (s) => {
    const m = s.re(new RegExp(label.source + String.raw` (!\s?)?(0x[0-9a-fA-F]+(?:\/0x[0-9a-fA-F]+)?)`));
    if (!m) return null;
    return ['-m', module, ...opt(option, m[1] !== undefined, m[2])];
  };
}

/** physdev prints its save form after `PHYSDEV match`. */
function physdev(s: Scanner): string[] | null {
  if (!s.lit('PHYSDEV match')) return null;
  const out = ['-m', 'physdev'];
  for (;;) {
    const item = s.attempt(() => {
      const negated = s.bang();
      const m = s.re(/--(physdev-is-in|physdev-is-out|physdev-is-bridged|physdev-in|physdev-out)(?=\s|$)/);
      if (!m) return null;
      if (m[1] === 'physdev-in' || m[1] === 'physdev-out') {
        const w = s.word();
        return w === null ? null : opt(m[1], negated, w);
      }
      return opt(m[1], negated);
    });
    if (!item) break;
    out.push(...item);
  }
  return out.length > 2 ? out : null;
}

function set(s: Scanner): string[] | null {
  const negated = s.bang();
  const m = s.re(/match-set ([^\s]+) ((?:src|dst)(?:,(?:src|dst))*)/);
  if (!m) return null;
  const out = ['-m', 'set', ...opt('match-set', negated, m[1], m[2])];
  if (s.kw('return-nomatch')) out.push('--return-nomatch');
  return out;
}

function iprange(s: Scanner): string[] | null {
  const out = ['-m', 'iprange'];
  for (;;) {
    const item = s.attempt(() => {
      const m = s.re(/(source|destination) IP range( !)? ([0-9a-fA-F.:]+-[0-9a-fA-F.:]+)/);
      return m ? opt(m[1] === 'source' ? 'src-range' : 'dst-range', m[2] !== undefined, m[3]) : null;
    });
    if (!item) break;
    out.push(...item);
  }
  return out.length > 2 ? out : null;
}

function pkttype(s: Scanner): string[] | null {
  const m = s.re(/PKTTYPE (!?)= ([\w]+)/);
  return m ? ['-m', 'pkttype', ...opt('pkt-type', m[1] === '!', m[2])] : null;
}

function length(s: Scanner): string[] | null {
  const m = s.re(/length (!?)(\d+(?::\d+)?)/);
  return m ? ['-m', 'length', ...opt('length', m[1] === '!', m[2])] : null;
}

function ttl(s: Scanner): string[] | null {
  const m = s.re(/TTL match TTL (==|!=|<|>) (\d+)/);
  if (!m) return null;
  const option = { '==': 'ttl-eq', '!=': 'ttl-eq', '<': 'ttl-lt', '>': 'ttl-gt' }[m[1]]!;
  return ['-m', 'ttl', ...opt(option, m[1] === '!=', m[2])];
}

function helper(s: Scanner): string[] | null {
  const m = s.re(/helper match (! )?"([^"]*)"/);
  return m ? ['-m', 'helper', ...opt('helper', m[1] !== undefined, m[2])] : null;
}

function dscp(s: Scanner): string[] | null {
  const m = s.re(/DSCP match (!?)(0x[0-9a-fA-F]+)/);
  return m ? ['-m', 'dscp', ...opt('dscp', m[1] === '!', m[2])] : null;
}

function tos(s: Scanner): string[] | null {
  const m = s.re(/tos match ?(!?)([\w-]+(?:\/0x[0-9a-fA-F]+)?)/);
  return m ? ['-m', 'tos', ...opt('tos', m[1] === '!', m[2])] : null;
}

/** ` #conn src/32 > 10` (connlimit-above) or ` <= 10` (connlimit-upto). */
function connlimit(s: Scanner): string[] | null {
  const m = s.re(/#conn (src|dst)\/(\d+) (>|<=) (\d+)/);
  if (!m) return null;
  return ['-m', 'connlimit', m[3] === '>' ? '--connlimit-above' : '--connlimit-upto', m[4], '--connlimit-mask', m[2], m[1] === 'src' ? '--connlimit-saddr' : '--connlimit-daddr'];
}

/** Matches in the order they are tried; the first that reads something wins. */
export const MATCH_READERS: readonly ListingReader[] = [
  portMatch('tcp'),
  portMatch('udp'),
  portMatch('sctp'),
  portMatch('dccp'),
  icmpMatch('icmp', 'icmp', 'icmp-type'),
  icmpMatch('ipv6-icmp', 'icmp6', 'icmpv6-type'),
  multiport,
  state,
  conntrack,
  addrtype,
  limit,
  comment,
  recent,
  mac,
  owner,
  statistic,
  markMatch(/(?:mark|MARK) match/, 'mark', 'mark'),
  markMatch(/(?:connmark|CONNMARK) match/, 'connmark', 'mark'),
  physdev,
  set,
  iprange,
  pkttype,
  length,
  ttl,
  helper,
  dscp,
  tos,
  connlimit,
];

// ---- targets ----

const LOG_FLAG_BITS: readonly (readonly [number, string])[] = [
  [0x01, '--log-tcp-sequence'], [0x02, '--log-tcp-options'], [0x04, '--log-ip-options'], [0x08, '--log-uid'], [0x20, '--log-macdecode'],
];
const LOG_WORD_FLAGS: Readonly<Record<string, string>> = {
  'tcp-sequence': '--log-tcp-sequence', 'tcp-options': '--log-tcp-options', 'ip-options': '--log-ip-options', uid: '--log-uid', macdecode: '--log-macdecode',
};

/** syslog priority names as LOG prints them (priority2name). */
const SYSLOG_LEVELS: readonly string[] = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
/** LOG's default level (LOG_WARNING), which iptables-save leaves out. */
const LOG_DEFAULT_LEVEL = 4;

function logLevel(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  const alias: Readonly<Record<string, string>> = { warn: 'warning', error: 'err', panic: 'emerg' };
  const index = SYSLOG_LEVELS.indexOf(alias[text] ?? text);
  return index < 0 ? null : index;
}

/** LOG prints level, flags, prefix; the words come out in LOG_save's order: prefix, level, flags. */
function log(s: Scanner): string[] | null {
  if (!s.kw('LOG')) return null;
  let level: number | null;
  const flagOptions: string[] = [];
  const numeric = s.re(/flags (\d+) level (\d+)/);
  if (numeric) {
    const flags = Number(numeric[1]);
    level = Number(numeric[2]);
    for (const [bit, option] of LOG_FLAG_BITS) if (flags & bit) flagOptions.push(option);
  } else {
    const named = s.re(/(?:UNKNOWN )?level ([a-z]+|\d+)/);
    level = named ? logLevel(named[1]) : null;
    if (level === null) return null;
    for (;;) {
      const flag = s.re(/tcp-sequence|tcp-options|ip-options|uid|macdecode/);
      if (!flag) break;
      flagOptions.push(LOG_WORD_FLAGS[flag[0]]);
    }
  }
  const out: string[] = [];
  // 1.8: prefix "TEXT"; 1.4: prefix `TEXT'. The prefix is the last thing LOG prints.
  const quoted = /^\s*prefix (?:"(.*)"|`(.*)')\s*$/.exec(s.text.slice(s.pos));
  if (quoted) {
    out.push('--log-prefix', quoted[1] ?? quoted[2]);
    s.pos = s.text.length;
  }
  if (level !== LOG_DEFAULT_LEVEL) out.push('--log-level', String(level));
  return [...out, ...flagOptions];
}

function reject(s: Scanner): string[] | null {
  const m = s.re(/reject-with ([\w-]+)/);
  return m ? ['--reject-with', m[1]] : null;
}

/** DNAT/SNAT ` to:RANGE [random] [random-fully] [persistent]` (several ranges in old kernels). */
function nat(option: string): ListingReader {
  return (s) => {
    const out: string[] = [];
    for (;;) {
      const m = s.re(/to:([^\s]+)/);
      if (!m) break;
      out.push(`--${option}`, m[1]);
    }
    for (;;) {
      const flag = s.re(/random-fully|random|persistent/);
      if (!flag) break;
      out.push('--' + flag[0]);
    }
    return out.length ? out : null;
  };
}

function portsTarget(label: RegExp): ListingReader {
  return (s) => {
    const out: string[] = [];
    const m = s.re(label);
    if (m) out.push('--to-ports', m[1]);
    for (;;) {
      const flag = s.re(/random-fully|random/);
      if (!flag) break;
      out.push('--' + flag[0]);
    }
    return out.length ? out : null;
  };
}

/**
 * MARK / CONNMARK print the operation (`set 0x2`, `and 0xff`, `xset 0x1/0xff`); iptables-save
 * writes every one as `--set-xmark VALUE/MASK` (bits in MASK are cleared, then VALUE is xored in).
 */
function markTarget(word: 'MARK' | 'CONNMARK'): ListingReader {
  return (s) => {
    if (!s.kw(word)) return null;
    const op = s.re(/(and|or|xor|set|xset) (0x[0-9a-fA-F]+)(?:\/(0x[0-9a-fA-F]+))?/);
    if (op) {
      const value = op[2];
      const xmark = {
        and: `0x0/${hexNot(value)}`,
        or: `${value}/${value}`,
        xor: `${value}/0x0`,
        set: `${value}/${op[3] ?? '0xffffffff'}`,
        xset: `${value}/${op[3] ?? '0xffffffff'}`,
      }[op[1]]!;
      return ['--set-xmark', xmark];
    }
    if (word === 'CONNMARK') {
      const m = s.re(/(save|restore)(?: mask (0x[0-9a-fA-F]+)| (nfmask|ctmask) (0x[0-9a-fA-F]+) (ctmask|nfmask) ~(0x[0-9a-fA-F]+))?/);
      if (!m) return null;
      const out = [`--${m[1]}-mark`];
      if (m[2]) out.push('--mask', m[2]);
      if (m[3]) out.push(`--${m[3]}`, m[4], `--${m[5]}`, hexNot(m[6]));
      return out;
    }
    return null;
  };
}

function hexNot(text: string): string {
  return '0x' + ((~parseInt(text.slice(2), 16)) >>> 0).toString(16);
}

function nfqueue(s: Scanner): string[] | null {
  const m = s.re(/NFQUEUE (num|balance) (\d+(?::\d+)?)/);
  if (!m) return null;
  const out = m[1] === 'num' ? ['--queue-num', m[2]] : ['--queue-balance', m[2]];
  if (s.kw('bypass')) out.push('--queue-bypass');
  if (s.kw('cpu-fanout')) out.push('--queue-cpu-fanout');
  return out;
}

function tcpmss(s: Scanner): string[] | null {
  if (s.lit('TCPMSS clamp to PMTU')) return ['--clamp-mss-to-pmtu'];
  const m = s.re(/TCPMSS set (\d+)/);
  return m ? ['--set-mss', m[1]] : null;
}

function nflog(s: Scanner): string[] | null {
  const out: string[] = [];
  for (;;) {
    const prefix = s.re(/nflog-prefix\s+"?([^"]*?)"?(?=\s+nflog-|\s*$)/);
    if (prefix) {
      out.push('--nflog-prefix', prefix[1]);
      continue;
    }
    const m = s.re(/nflog-(group|size|range|threshold) (\d+)/);
    if (!m) break;
    out.push(`--nflog-${m[1]}`, m[2]);
  }
  return out.length ? out : null;
}

/** Target readers by target name; targets that print nothing (ACCEPT, chains, …) have none. */
export const TARGET_READERS: Readonly<Record<string, ListingReader>> = {
  LOG: log,
  REJECT: reject,
  DNAT: nat('to-destination'),
  SNAT: nat('to-source'),
  MASQUERADE: portsTarget(/masq ports: ([^\s]+)/),
  REDIRECT: portsTarget(/redir ports ([^\s]+)/),
  MARK: markTarget('MARK'),
  CONNMARK: markTarget('CONNMARK'),
  NFQUEUE: nfqueue,
  TCPMSS: tcpmss,
  NFLOG: nflog,
};
