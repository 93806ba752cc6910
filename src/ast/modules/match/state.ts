/**
 * `-m state`: kept for compatibility, the kernel runs it as conntrack with a "state alias"
 * flag, and iptables-save prints it back as `-m state --state …`. It knows fewer states than
 * `--ctstate` (no SNAT/DNAT).
 */
import type { Match, Negatable } from '../../types.js';
import { bang, type ExtensionDef } from '../extension.js';
import { parseNameList, sortStates, type CtState } from './conntrack.js';
import { checkOptionTable, isKnownMatch, lastOption, type XtOption } from './state-util.js';

export type StateName = Exclude<CtState, 'SNAT' | 'DNAT'>;

export interface StateOptions {
  readonly states: Negatable<readonly StateName[]>;
}

export function isStateMatch(m: Match): m is Match<StateOptions> {
  return isKnownMatch(m, 'state');
}

const LOOKUP: readonly StateName[] = ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED'];

const OPTIONS: readonly XtOption[] = [{ name: 'state', args: 1, invertible: true, mandatory: true }];

export const stateMatch: ExtensionDef<StateOptions> = {
  kind: 'match',
  name: 'state',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('state', raw, OPTIONS, ctx)) return null;
    const opt = lastOption(raw, 'state')!;
    const arg = opt.args[0];
    if (arg.endsWith(',') || arg === '') {
      ctx.error('"--state" requires a list of states with no spaces, e.g. ESTABLISHED,RELATED', opt);
      return null;
    }
    const states = parseNameList(arg, LOOKUP);
    if (!states) {
      ctx.error(`Bad state "${arg}"`, opt);
      return null;
    }
    return { states: { value: sortStates(states) as StateName[], negated: opt.negated } };
  },
  save(o) {
    return `${bang(o.states.negated)}--state ${o.states.value.join(',')}`;
  },
};
