/** `-m tcpmss` (libxt_tcpmss): the MSS option of TCP SYN packets, as a range; needs `-p tcp`. */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, formatRange, matchGuard, parseMintRange, requireProtocol, U16, type NumRange } from './packet-util.js';

export interface TcpmssOptions {
  readonly mss: Negatable<NumRange>;
}

export const isTcpmssMatch = matchGuard<TcpmssOptions>('tcpmss');

export const tcpmssMatch: ExtensionDef<TcpmssOptions> = {
  kind: 'match',
  name: 'tcpmss',
  options: [{ name: 'mss', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('tcpmss', options, ctx, { mandatory: ['mss'] })) return null;
    const o = options[0];
    const r = parseMintRange(o.args[0], 0, U16, 'tcpmss', 'mss');
    if (typeof r === 'string') {
      ctx.error(r, o);
      return null;
    }
    if (!requireProtocol(ctx, 'tcpmss', 6)) return null;
    return { mss: { value: r, negated: o.negated } };
  },
  save(o) {
    return `${bang(o.mss.negated)}--mss ${formatRange(o.mss.value)}`;
  },
};
