/** CHECKSUM (libxt_CHECKSUM.c; kernel xt_CHECKSUM.c): fills in the checksum of packets that lack one. */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, targetGuard, type TargetOption } from './target-util.js';

export interface ChecksumOptions {
  readonly fill: true;
}

const OPTIONS: readonly TargetOption[] = [{ name: 'checksum-fill', args: 0, mandatory: true }];

export const CHECKSUM: ExtensionDef<ChecksumOptions> = {
  kind: 'target',
  name: 'CHECKSUM',
  tables: ['mangle'],
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): ChecksumOptions | null {
    return checkOptions('CHECKSUM', raw, OPTIONS, ctx) ? { fill: true } : null;
  },
  save(): string {
    return '--checksum-fill';
  },
};

export const isChecksumTarget = targetGuard<ChecksumOptions>('CHECKSUM');
