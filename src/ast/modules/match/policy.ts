/**
 * `-m policy` (libxt_policy): the IPsec policy the packet was (`--dir in`) or will be
 * (`--dir out`) processed by, as up to four policy elements separated by `--next`.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable, RawOption } from '../../types.js';
import { formatHostMaskSuffix, matchGuard, parseHostMask, parseIntOption, ruleHook, U32, type HostMask } from './packet-util.js';
import { etcProtocolName, protocolNumber } from '../../../net/protocols.js';

export interface PolicyElement {
  readonly reqid?: Negatable<number>;
  readonly spi?: Negatable<number>;
  /** 50 (esp), 51 (ah) or 108 (ipcomp). */
  readonly proto?: Negatable<number>;
  readonly mode?: Negatable<'transport' | 'tunnel'>;
  readonly tunnelSrc?: Negatable<HostMask>;
  readonly tunnelDst?: Negatable<HostMask>;
}

export interface PolicyOptions {
  readonly direction: 'in' | 'out';
  /** `none`: the packet is not subject to IPsec; `ipsec`: it is. */
  readonly policy: 'none' | 'ipsec';
  /** Elements must match the whole policy, in order (else: any one element). */
  readonly strict: boolean;
  readonly elements: readonly PolicyElement[];
}

export const isPolicyMatch = matchGuard<PolicyOptions>('policy');

/** XT_POLICY_MAX_ELEM */
const MAX_ELEMENTS = 4;

type MutableElement = { -readonly [K in keyof PolicyElement]: PolicyElement[K] };

export const policyMatch: ExtensionDef<PolicyOptions> = {
  kind: 'match',
  name: 'policy',
  options: [
    { name: 'dir', args: 1 },
    { name: 'pol', args: 1 },
    { name: 'strict', args: 0 },
    { name: 'reqid', args: 1, invertible: true },
    { name: 'spi', args: 1, invertible: true },
    { name: 'tunnel-src', args: 1, invertible: true },
    { name: 'tunnel-dst', args: 1, invertible: true },
    { name: 'proto', args: 1, invertible: true },
    { name: 'mode', args: 1, invertible: true },
    { name: 'next', args: 0 },
  ],
  parse(options, ctx) {
    let direction: 'in' | 'out' | undefined;
    let policy: 'none' | 'ipsec' = 'ipsec';
    let strict = false;
    const elements: MutableElement[] = [{}];
    const seen = new Set<string>();
    const fail = (message: string, at?: RawOption): null => {
      ctx.error(message, at);
      return null;
    };
    for (const o of options) {
      if (['dir', 'pol', 'strict'].includes(o.name)) {
        if (seen.has(o.name)) return fail(`policy: option "--${o.name}" can only be used once.`, o);
        seen.add(o.name);
      }
      const e = elements[elements.length - 1];
      const double = (present: unknown): boolean => {
        if (present) ctx.error(`policy match: double --${o.name} option`, o);
        return Boolean(present);
      };
      switch (o.name) {
        case 'dir':
          if (o.args[0] !== 'in' && o.args[0] !== 'out') return fail(`policy_match: invalid dir "${o.args[0]}"`, o);
          direction = o.args[0];
          break;
        case 'pol':
          if (o.args[0] !== 'none' && o.args[0] !== 'ipsec') return fail(`policy match: invalid policy "${o.args[0]}"`, o);
          policy = o.args[0];
          break;
        case 'strict':
          strict = true;
          break;
        case 'reqid':
        case 'spi': {
          if (double(e[o.name])) return null;
          const n = parseIntOption(o, 'policy', 0, U32, ctx);
          if (n === null) return null;
          e[o.name] = { value: n, negated: o.negated };
          break;
        }
        case 'tunnel-src':
        case 'tunnel-dst': {
          const key = o.name === 'tunnel-src' ? 'tunnelSrc' : 'tunnelDst';
          if (double(e[key])) return null;
          const h = parseHostMask(o.args[0], ctx.family);
          if (typeof h === 'string') return fail(h, o);
          e[key] = { value: h, negated: o.negated };
          break;
        }
        case 'proto': {
          if (double(e.proto)) return null;
          const p = protocolNumber(o.args[0]);
          if (p === null) return fail(`unknown protocol "${o.args[0]}" specified`, o);
          if (p !== 50 && p !== 51 && p !== 108) return fail('policy match: protocol must be ah/esp/ipcomp', o);
          e.proto = { value: p, negated: o.negated };
          break;
        }
        case 'mode':
          if (double(e.mode)) return null;
          if (o.args[0] !== 'transport' && o.args[0] !== 'tunnel') return fail(`policy match: invalid mode "${o.args[0]}"`, o);
          e.mode = { value: o.args[0], negated: o.negated };
          break;
        case 'next':
          if (elements.length === MAX_ELEMENTS) return fail('policy match: maximum policy depth reached', o);
          elements.push({});
          break;
      }
    }
    if (elements.length > 1 && !strict) return fail('policy: option "--next" also requires "--strict".');
    if (!direction) return fail('policy match: neither --dir in nor --dir out specified');
    if (policy === 'none') {
      if (strict) return fail('policy match: policy none but --strict given');
      if (elements.length > 1) return fail('policy match: policy none but policy given');
    }
    // With `--pol none` the element options given (without --next) are ignored, as in iptables.
    const kept = policy === 'none' ? [] : elements;
    if (!strict && kept.length > 1) return fail('policy match: multiple elements but no --strict');
    for (const [i, e] of kept.entries()) {
      if (strict && Object.keys(e).length === 0) {
        return fail(
          `policy match: empty policy element ${i}. --strict is in effect, but at least one of reqid, spi, tunnel-src, tunnel-dst, proto or mode is required.`,
        );
      }
      // Without --mode the element's mode is transport, which has no tunnel addresses.
      const mode = e.mode ?? { value: 'transport', negated: false };
      const tunnelOnly = (mode.value === 'tunnel' && mode.negated) || (mode.value === 'transport' && !mode.negated);
      if ((e.tunnelSrc || e.tunnelDst) && tunnelOnly) {
        return fail('policy match: --tunnel-src/--tunnel-dst is only valid in tunnel mode');
      }
    }
    const hook = ruleHook(ctx);
    if (direction === 'out' && (hook === 'PREROUTING' || hook === 'INPUT')) {
      return fail('policy match: output policy not valid in PREROUTING and INPUT');
    }
    if (direction === 'in' && (hook === 'POSTROUTING' || hook === 'OUTPUT')) {
      return fail('policy match: input policy not valid in POSTROUTING and OUTPUT');
    }
    return { direction, policy, strict, elements: kept };
  },
  save(o) {
    const parts = [`--dir ${o.direction}`, `--pol ${o.policy}`];
    if (o.strict) parts.push('--strict');
    o.elements.forEach((e, i) => {
      if (e.reqid) parts.push(`${bang(e.reqid.negated)}--reqid ${e.reqid.value}`);
      if (e.spi) parts.push(`${bang(e.spi.negated)}--spi 0x${e.spi.value.toString(16)}`);
      if (e.proto) parts.push(`${bang(e.proto.negated)}--proto ${etcProtocolName(e.proto.value) ?? e.proto.value}`);
      if (e.mode) parts.push(`${bang(e.mode.negated)}--mode ${e.mode.value}`);
      if (e.tunnelDst) parts.push(`${bang(e.tunnelDst.negated)}--tunnel-dst ${e.tunnelDst.value.address}${formatHostMaskSuffix(e.tunnelDst.value)}`);
      if (e.tunnelSrc) parts.push(`${bang(e.tunnelSrc.negated)}--tunnel-src ${e.tunnelSrc.value.address}${formatHostMaskSuffix(e.tunnelSrc.value)}`);
      if (i + 1 < o.elements.length) parts.push('--next');
    });
    return parts.join(' ');
  },
};
