/** `-m helper`: the connection was set up by the named conntrack helper (`ftp`, `sip`, …; `ftp-2121` for a port). */
import type { Match } from '../../types.js';
import { bang, saveString, type ExtensionDef } from '../extension.js';
import { checkOptionTable, fitCString, isKnownMatch, lastOption, type XtOption } from './state-util.js';

export interface HelperOptions {
  readonly name: string;
  readonly negated: boolean;
}

export function isHelperMatch(m: Match): m is Match<HelperOptions> {
  return isKnownMatch(m, 'helper');
}

/** xt_helper_info.name */
const NAME_SIZE = 30;
const OPTIONS: readonly XtOption[] = [{ name: 'helper', args: 1, invertible: true, mandatory: true }];

export const helperMatch: ExtensionDef<HelperOptions> = {
  kind: 'match',
  name: 'helper',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('helper', raw, OPTIONS, ctx)) return null;
    const opt = lastOption(raw, 'helper')!;
    return { name: fitCString(opt.args[0], NAME_SIZE, ctx, opt, 'helper name'), negated: opt.negated };
  },
  save(o) {
    return `${bang(o.negated)}--helper ${saveString(o.name)}`;
  },
};
