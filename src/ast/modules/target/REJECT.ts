/**
 * REJECT (libipt_REJECT.c / libip6t_REJECT.c; kernel ipt_REJECT.c / ip6t_REJECT.c): drops the
 * packet and answers with an ICMP error or a TCP RST.
 */
import type { Family, RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, positiveProtocol, targetGuard, type TargetOption } from './target-util.js';

export type RejectWith4 =
  | 'icmp-net-unreachable'
  | 'icmp-host-unreachable'
  | 'icmp-proto-unreachable'
  | 'icmp-port-unreachable'
  | 'icmp-net-prohibited'
  | 'icmp-host-prohibited'
  | 'tcp-reset'
  | 'icmp-admin-prohibited';

export type RejectWith6 =
  | 'icmp6-no-route'
  | 'icmp6-adm-prohibited'
  | 'icmp6-addr-unreachable'
  | 'icmp6-port-unreachable'
  | 'tcp-reset'
  | 'icmp6-policy-fail'
  | 'icmp6-reject-route';

export interface RejectOptions {
  /** The reply; the default (no `--reject-with`) is the port unreachable of the family. */
  readonly with: RejectWith4 | RejectWith6;
}

/** Name and alias, in the order iptables tries them (the kernel's enum order). */
const TYPES4: readonly (readonly [RejectWith4, string])[] = [
  ['icmp-net-unreachable', 'net-unreach'],
  ['icmp-host-unreachable', 'host-unreach'],
  ['icmp-proto-unreachable', 'proto-unreach'],
  ['icmp-port-unreachable', 'port-unreach'],
  ['icmp-net-prohibited', 'net-prohib'],
  ['icmp-host-prohibited', 'host-prohib'],
  ['tcp-reset', 'tcp-rst'],
  ['icmp-admin-prohibited', 'admin-prohib'],
];

const TYPES6: readonly (readonly [RejectWith6, string])[] = [
  ['icmp6-no-route', 'no-route'],
  ['icmp6-adm-prohibited', 'adm-prohibited'],
  ['icmp6-addr-unreachable', 'addr-unreach'],
  ['icmp6-port-unreachable', 'port-unreach'],
  ['tcp-reset', 'tcp-reset'],
  ['icmp6-policy-fail', 'policy-fail'],
  ['icmp6-reject-route', 'reject-route'],
];

const OPTIONS: readonly TargetOption[] = [{ name: 'reject-with', args: 1 }];

function rejectDef(family: Family): ExtensionDef<RejectOptions> {
  const types = family === 4 ? TYPES4 : TYPES6;
  return {
    kind: 'target',
    name: 'REJECT',
    family,
    tables: ['filter'],
    hooks: ['INPUT', 'FORWARD', 'OUTPUT'],
    options: OPTIONS,
    parse(raw: readonly RawOption[], ctx: ExtensionContext): RejectOptions | null {
      if (!checkOptions('REJECT', raw, OPTIONS, ctx)) return null;
      let chosen: RejectWith4 | RejectWith6 = family === 4 ? 'icmp-port-unreachable' : 'icmp6-port-unreachable';
      const o = raw.find((r) => r.name === 'reject-with');
      if (o) {
        // iptables takes any case-insensitive prefix of a name or alias, the first in table order.
        const arg = o.args[0].toLowerCase();
        const hit = types.find(([name, alias]) => name.startsWith(arg) || alias.startsWith(arg));
        if (!hit) {
          if (family === 4 && ('echo-reply'.startsWith(arg) || 'echoreply'.startsWith(arg))) {
            ctx.error('--reject-with echo-reply no longer supported', o);
          }
          ctx.error(`unknown reject type "${o.args[0]}"`, o);
          return null;
        }
        chosen = hit[0];
      }
      if (chosen === 'tcp-reset' && positiveProtocol(ctx.core) !== 6) {
        ctx.error('REJECT: TCP_RESET invalid for non-tcp (needs -p tcp)', o);
        return null;
      }
      return { with: chosen };
    },
    save(o: RejectOptions): string {
      return `--reject-with ${o.with}`;
    },
  };
}

export const REJECT4 = rejectDef(4);
export const REJECT6 = rejectDef(6);
export const isRejectTarget = targetGuard<RejectOptions>('REJECT');
