/** `-m length` (libxt_length): the layer-3 packet length, as a range. */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, formatRange, matchGuard, parseMintRange, U16, type NumRange } from './packet-util.js';

export interface LengthOptions {
  readonly length: Negatable<NumRange>;
}

export const isLengthMatch = matchGuard<LengthOptions>('length');

export const lengthMatch: ExtensionDef<LengthOptions> = {
  kind: 'match',
  name: 'length',
  options: [{ name: 'length', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('length', options, ctx, { mandatory: ['length'] })) return null;
    const o = options[0];
    const r = parseMintRange(o.args[0], 0, U16, 'length', 'length');
    if (typeof r === 'string') {
      ctx.error(r, o);
      return null;
    }
    return { length: { value: r, negated: o.negated } };
  },
  save(o) {
    return `${bang(o.length.negated)}--length ${formatRange(o.length.value)}`;
  },
};
