/** `-m esp` (libxt_esp): an SPI range. xt_esp needs `-p esp`. */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, formatRange, isFullRange, matchGuard, parseMintRange, requireProtocol, U32, type NumRange } from './packet-util.js';

export interface EspOptions {
  /** Absent: any SPI. */
  readonly spi?: Negatable<NumRange>;
}

export const isEspMatch = matchGuard<EspOptions>('esp');

export const espMatch: ExtensionDef<EspOptions> = {
  kind: 'match',
  name: 'esp',
  options: [{ name: 'espspi', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('esp', options, ctx)) return null;
    const out: { spi?: Negatable<NumRange> } = {};
    for (const o of options) {
      const r = parseMintRange(o.args[0], 0, U32, 'esp', o.name);
      if (typeof r === 'string') {
        ctx.error(r, o);
        return null;
      }
      out.spi = { value: r, negated: o.negated };
    }
    if (!requireProtocol(ctx, 'ESP', 50)) return null;
    return out;
  },
  save(o) {
    return o.spi && !isFullRange(o.spi, U32) ? `${bang(o.spi.negated)}--espspi ${formatRange(o.spi.value)}` : '';
  },
};
