/** CONNSECMARK (libxt_CONNSECMARK.c; kernel xt_CONNSECMARK.c): copies the security mark between packet and connection. */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, targetGuard, type TargetOption } from './target-util.js';

export interface ConnsecmarkOptions {
  readonly mode: 'save' | 'restore';
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'save', args: 0, excl: ['restore'] },
  { name: 'restore', args: 0, excl: ['save'] },
];

export const CONNSECMARK: ExtensionDef<ConnsecmarkOptions> = {
  kind: 'target',
  name: 'CONNSECMARK',
  // The kernel's checkentry allows exactly these two tables.
  tables: ['mangle', 'security'],
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): ConnsecmarkOptions | null {
    if (!checkOptions('CONNSECMARK', raw, OPTIONS, ctx)) return null;
    const o = raw[0];
    if (!o) {
      ctx.error('CONNSECMARK target: parameter required');
      return null;
    }
    return { mode: o.name === 'save' ? 'save' : 'restore' };
  },
  save(o: ConnsecmarkOptions): string {
    return `--${o.mode}`;
  },
};

export const isConnsecmarkTarget = targetGuard<ConnsecmarkOptions>('CONNSECMARK');
