/** SECMARK (libxt_SECMARK.c revision 1; kernel xt_SECMARK.c): sets the packet's security mark from an SELinux context. */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, fitBuffer, targetGuard, type TargetOption } from './target-util.js';

export interface SecmarkOptions {
  readonly selctx: string;
}

const OPTIONS: readonly TargetOption[] = [{ name: 'selctx', args: 1, mandatory: true }];

export const SECMARK: ExtensionDef<SecmarkOptions> = {
  kind: 'target',
  name: 'SECMARK',
  // The kernel's checkentry allows exactly these two tables.
  tables: ['mangle', 'security'],
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): SecmarkOptions | null {
    if (!checkOptions('SECMARK', raw, OPTIONS, ctx)) return null;
    return { selctx: fitBuffer('SECMARK', raw.find((r) => r.name === 'selctx')!, 256, ctx) };
  },
  save(o: SecmarkOptions): string {
    return `--selctx ${o.selctx}`;
  },
};

export const isSecmarkTarget = targetGuard<SecmarkOptions>('SECMARK');
