/**
 * `-m realm` (libipt_realm, IPv4): the routing realm, `VALUE[/MASK]` or a name from
 * /etc/iproute2/rt_realms. netfate carries Debian iproute2's default table (`0 cosmos`),
 * which is also what iptables-save prints for realm 0 on such a system.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, parseValueMaskOrName, formatValueMaskOrName } from './packet-util.js';

export interface RealmOptions {
  /** Matches when (realm & mask) == value. */
  readonly realm: Negatable<{ readonly value: number; readonly mask: number }>;
}

export const isRealmMatch = matchGuard<RealmOptions>('realm');

const REALM_NAMES: ReadonlyMap<number, string> = new Map([[0, 'cosmos']]);

export const realmMatch: ExtensionDef<RealmOptions> = {
  kind: 'match',
  name: 'realm',
  family: 4,
  options: [{ name: 'realm', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('realm', options, ctx, { mandatory: ['realm'] })) return null;
    const o = options[0];
    const r = parseValueMaskOrName(o.args[0], REALM_NAMES, 'realm', 'realm');
    if (typeof r === 'string') {
      ctx.error(r, o);
      return null;
    }
    return { realm: { value: r, negated: o.negated } };
  },
  save(o) {
    return `${bang(o.realm.negated)}--realm ${formatValueMaskOrName(o.realm.value, REALM_NAMES)}`;
  },
};
