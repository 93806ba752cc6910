/**
 * `-m ipcomp` (libxt_ipcomp): the CPI ("SPI") of an IPComp header; xt_ipcomp needs `-p ipcomp`.
 * The extension has no defaults: without `--ipcompspi` the range is 0:0, which iptables-save
 * prints as `--ipcompspi 0`.
 */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, formatRange, isFullRange, matchGuard, parseMintRange, requireProtocol, U32, type NumRange } from './packet-util.js';

export interface IpcompOptions {
  readonly spi: Negatable<NumRange>;
  /** `--compres`: the reserved field must be zero. */
  readonly reservedZero: boolean;
}

export const isIpcompMatch = matchGuard<IpcompOptions>('ipcomp');

export const ipcompMatch: ExtensionDef<IpcompOptions> = {
  kind: 'match',
  name: 'ipcomp',
  options: [
    { name: 'ipcompspi', args: 1, invertible: true },
    { name: 'compres', args: 0 },
  ],
  parse(options, ctx) {
    if (!checkOptionUse('ipcomp', options, ctx)) return null;
    let spi: Negatable<NumRange> = { value: { from: 0, to: 0 }, negated: false };
    let reservedZero = false;
    for (const o of options) {
      if (o.name === 'compres') {
        reservedZero = true;
        continue;
      }
      const r = parseMintRange(o.args[0], 0, U32, 'ipcomp', o.name);
      if (typeof r === 'string') {
        ctx.error(r, o);
        return null;
      }
      spi = { value: r, negated: o.negated };
    }
    if (!requireProtocol(ctx, 'IPCOMP', 108)) return null;
    return { spi, reservedZero };
  },
  save(o) {
    const parts: string[] = [];
    if (!isFullRange(o.spi, U32)) parts.push(`${bang(o.spi.negated)}--ipcompspi ${formatRange(o.spi.value)}`);
    if (o.reservedZero) parts.push('--compres');
    return parts.join(' ');
  },
};
