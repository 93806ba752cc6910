/**
 * `-m nfacct`: always matches, and counts the packet in the named nfacct object (which must
 * exist in the kernel: a parser cannot know that).
 */
import type { Match } from '../../types.js';
import { saveString, type ExtensionDef } from '../extension.js';
import { checkOptionTable, fitCString, isKnownMatch, lastOption, type XtOption } from './state-util.js';

export interface NfacctOptions {
  readonly name: string;
}

export function isNfacctMatch(m: Match): m is Match<NfacctOptions> {
  return isKnownMatch(m, 'nfacct');
}

/** NFACCT_NAME_MAX */
const NAME_SIZE = 32;
const OPTIONS: readonly XtOption[] = [{ name: 'nfacct-name', args: 1, mandatory: true }];

export const nfacctMatch: ExtensionDef<NfacctOptions> = {
  kind: 'match',
  name: 'nfacct',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('nfacct', raw, OPTIONS, ctx)) return null;
    const opt = lastOption(raw, 'nfacct-name')!;
    const name = opt.args[0];
    if (name === '') {
      ctx.error('Argument must have a minimum length of 1 characters', opt);
      return null;
    }
    if (name.includes('\n')) {
      ctx.error('Newlines not allowed in --nfacct-name', opt);
      return null;
    }
    return { name: fitCString(name, NAME_SIZE, ctx, opt, 'nfacct name') };
  },
  save(o) {
    return `--nfacct-name ${saveString(o.name)}`;
  },
};
