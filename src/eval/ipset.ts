/**
 * ipset contents for `-m set` (`trace --ipset NAME=FILE`): the sets' members as `ipset save` or
 * `ipset list` print them, or one member per line. Members are addresses or networks, optionally
 * with a port (`hash:ip,port` as `10.0.0.1,tcp:80`); that is what `-m set` compares with the
 * packet's addresses and ports, dimension by dimension, in the order of `--match-set`'s flags.
 */
import { addressBytes, inPrefix, parseCidr, type AddressBytes } from '../net/ip.js';
import { protocolNumber } from '../net/protocols.js';

export interface IpSetMember {
  /** One entry per dimension: an address/network, or a port with its protocol. */
  readonly parts: readonly ({ readonly kind: 'net'; readonly bytes: AddressBytes; readonly prefix: number } | { readonly kind: 'port'; readonly proto: number | null; readonly port: number })[];
  /** `nomatch` members exclude instead of include (hash:net). */
  readonly nomatch: boolean;
}

export interface IpSet {
  readonly name: string;
  readonly members: readonly IpSetMember[];
}

function parsePart(text: string): IpSetMember['parts'][number] | null {
  const cidr = parseCidr(text);
  if (cidr) return { kind: 'net', bytes: cidr.bytes, prefix: cidr.prefix };
  const m = /^(?:([a-z0-9-]+):)?(\d+)$/i.exec(text);
  if (m) {
    const port = Number(m[2]);
    if (port > 65535) return null;
    return { kind: 'port', proto: m[1] ? protocolNumber(m[1]) : null, port };
  }
  return null;
}

/** Reads one set's members; returns the problems with their line numbers. */
export function parseIpSet(name: string, text: string): { set: IpSet; problems: string[] } {
  const members: IpSetMember[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    let line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('create ') || /^(Name|Type|Revision|Header|Size in memory|References|Number of entries|Members):/.test(line)) return;
    if (line.startsWith('add ')) {
      const [, setName, ...rest] = line.split(/\s+/);
      if (setName !== name) return;
      line = rest.join(' ');
    }
    const [entry, ...flags] = line.split(/\s+/);
    const parts = entry.split(',').map(parsePart);
    if (parts.some((p) => p === null)) {
      problems.push(`line ${i + 1}: cannot read set member "${entry}"`);
      return;
    }
    members.push({ parts: parts as IpSetMember['parts'], nomatch: flags.includes('nomatch') });
  });
  return { set: { name, members }, problems };
}

/** Whether the packet's (address|port) values, one per dimension, are in the set. */
export function ipSetContains(set: IpSet, values: readonly ({ addr: string } | { port: number | undefined; proto: number })[]): boolean | null {
  let found = false;
  for (const member of set.members) {
    if (member.parts.length !== values.length) continue;
    let hit = true;
    for (let d = 0; d < values.length && hit; d++) {
      const part = member.parts[d];
      const value = values[d];
      if (part.kind === 'net' && 'addr' in value) {
        const bytes = addressBytes(value.addr);
        hit = bytes !== null && inPrefix(bytes, part.bytes, part.prefix);
      } else if (part.kind === 'port' && 'port' in value) {
        if (value.port === undefined) return null;
        hit = value.port === part.port && (part.proto === null || part.proto === value.proto);
      } else {
        hit = false;
      }
    }
    if (hit) {
      // A more specific nomatch entry wins in hash:net; netfate treats any nomatch hit as exclusion.
      if (member.nomatch) return false;
      found = true;
    }
  }
  return found;
}
