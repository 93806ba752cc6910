/**
 * The address/port range of the NAT targets (SNAT, DNAT, MASQUERADE, REDIRECT), read and printed
 * as libxt_NAT does: `[ADDR[-ADDR]][:PORT[-PORT[/BASE]]]`, IPv6 addresses in brackets when a port
 * follows.
 */
import type { Family, RawOption } from '../../types.js';
import type { ExtensionContext } from '../extension.js';
import { servicePort } from '../../../net/services.js';
import { formatHost, parseNumericHost, xtUintPrefix, UINT16_MAX } from './target-util.js';

/** One NAT range, as the kernel's nf_nat_range2 holds it. Absent fields are not mapped. */
export interface NatRange {
  /** First address of the range (canonical text); absent when only ports are mapped. */
  readonly minAddr?: string;
  readonly maxAddr?: string;
  readonly minPort?: number;
  readonly maxPort?: number;
  /** `/BASE` of a shifted port map (DNAT only): port minPort maps to basePort, and so on. */
  readonly basePort?: number;
}

export interface NatFlags {
  readonly random: boolean;
  readonly randomFully: boolean;
  readonly persistent: boolean;
}

/** Protocols whose ports NAT can map (the rule's `-p`, negated or not, as iptables reads it). */
const PORT_PROTOCOLS = new Set([6, 17, 132, 33, 1]);

export function natPortsAllowed(ctx: ExtensionContext): boolean {
  const proto = ctx.core.protocol?.value.number;
  return proto !== undefined && PORT_PROTOCOLS.has(proto);
}

export interface PortsPart {
  readonly minPort: number;
  readonly maxPort: number;
  readonly basePort?: number;
}

/** `PORT[-PORT[/BASE]]` (libxt_NAT parse_ports). A service name is only taken for a single port or the base. */
export function parseNatPorts(text: string, o: RawOption, ctx: ExtensionContext): PortsPart | null {
  if (!natPortsAllowed(ctx)) {
    ctx.error('Need TCP, UDP, SCTP or DCCP with port specification', o);
    return null;
  }
  const fail = (message: string): null => {
    ctx.error(message, o);
    return null;
  };
  let min: number;
  let rest: string;
  const first = xtUintPrefix(text, 0, UINT16_MAX);
  if (first) {
    min = first.value;
    rest = first.rest;
  } else {
    const service = servicePort(text);
    if (service === null) return fail(`Port \`${text}' not valid`);
    min = service;
    rest = '';
  }
  if (rest === '') return { minPort: min, maxPort: min };
  if (rest.startsWith(':')) return fail('Invalid port:port syntax - use dash');
  if (!rest.startsWith('-')) return fail(`Garbage after port value: \`${rest}'`);
  const maxText = rest.slice(1);
  const second = xtUintPrefix(maxText, 0, UINT16_MAX);
  if (!second) return fail(`Port \`${maxText}' not valid`);
  if (second.value < min) return fail(`Port range \`${maxText}' funky`);
  if (second.rest === '') return { minPort: min, maxPort: second.value };
  if (!second.rest.startsWith('/')) return fail(`Garbage after port range: \`${second.rest}'`);
  const baseText = second.rest.slice(1);
  // As in iptables, text after a numeric base is ignored, and a base that is no number may be a service.
  const base = xtUintPrefix(baseText, 1, UINT16_MAX)?.value ?? servicePort(baseText);
  if (base === null || base === undefined) return fail(`Port \`${baseText}' not valid`);
  return { minPort: min, maxPort: second.value, basePort: base };
}

/** `--to-source` / `--to-destination` text (libxt_NAT parse_to). */
export function parseNatTo(text: string, family: Family, o: RawOption, ctx: ExtensionContext): NatRange | null {
  let addrPart: string;
  let portText: string | null = null;
  let noAddress = false;
  const open = text.indexOf('[');
  if (open < 0) {
    // One colon is a port; more than one is an IPv6 address without port.
    const colon = text.indexOf(':');
    const single = colon >= 0 && text.indexOf(':', colon + 1) < 0;
    if (single) {
      portText = text.slice(colon + 1);
      noAddress = colon === 0 || colon === 2;
      addrPart = text.slice(0, colon);
    } else {
      addrPart = text;
    }
  } else {
    const close = text.indexOf(']', open + 1);
    if (close < 0 || family === 4) {
      ctx.error('Invalid address format', o);
      return null;
    }
    addrPart = text.slice(open + 1, close);
    const colon = text.indexOf(':', close + 1);
    if (colon >= 0) {
      portText = text.slice(colon + 1);
      noAddress = colon === 2;
    }
  }
  let ports: PortsPart | null = null;
  if (portText !== null) {
    ports = parseNatPorts(portText, o, ctx);
    if (!ports) return null;
    if (noAddress) return { ...ports };
  }
  const dash = addrPart.indexOf('-');
  const minText = dash < 0 ? addrPart : addrPart.slice(0, dash);
  const min = parseNumericHost(minText, family);
  if (!min) {
    ctx.error(`Bad IP address "${minText}"`, o);
    return null;
  }
  let max = min;
  if (dash >= 0) {
    const maxText = addrPart.slice(dash + 1);
    const parsed = parseNumericHost(maxText, family);
    if (!parsed) {
      ctx.error(`Bad IP address "${maxText}"`, o);
      return null;
    }
    max = parsed;
  }
  return { minAddr: formatHost(min), maxAddr: formatHost(max), ...(ports ?? {}) };
}

/** What libxt_NAT sprint_range prints: `ADDR[-ADDR][:PORT[-PORT][/BASE]]`. */
export function formatNatRange(r: NatRange, family: Family): string {
  const hasPorts = r.minPort !== undefined;
  const brackets = family === 6 && hasPorts;
  let text = '';
  if (r.minAddr !== undefined) {
    text += brackets ? '[' : '';
    text += r.minAddr;
    if (r.maxAddr !== undefined && r.maxAddr !== r.minAddr) text += '-' + r.maxAddr;
    text += brackets ? ']' : '';
  }
  if (hasPorts) {
    text += ':' + r.minPort;
    if (r.maxPort !== undefined && r.maxPort !== r.minPort) text += '-' + r.maxPort;
    if (r.basePort !== undefined) text += '/' + r.basePort;
  }
  return text;
}

/** ` --random --random-fully --persistent`, in iptables' order. */
export function formatNatFlags(flags: Partial<NatFlags>): string[] {
  const out: string[] = [];
  if (flags.random) out.push('--random');
  if (flags.randomFully) out.push('--random-fully');
  if (flags.persistent) out.push('--persistent');
  return out;
}
