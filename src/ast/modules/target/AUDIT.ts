/** AUDIT (libxt_AUDIT.c; kernel xt_AUDIT.c): records the packet in the audit log as accepted, dropped or rejected. */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, targetGuard, type TargetOption } from './target-util.js';

export interface AuditOptions {
  readonly type: 'accept' | 'drop' | 'reject';
}

const TYPES = ['accept', 'drop', 'reject'] as const;
const OPTIONS: readonly TargetOption[] = [{ name: 'type', args: 1, mandatory: true }];

export const AUDIT: ExtensionDef<AuditOptions> = {
  kind: 'target',
  name: 'AUDIT',
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): AuditOptions | null {
    if (!checkOptions('AUDIT', raw, OPTIONS, ctx)) return null;
    const o = raw.find((r) => r.name === 'type')!;
    const type = TYPES.find((t) => t === o.args[0].toLowerCase());
    if (!type) {
      ctx.error(`Bad action type value "${o.args[0]}"`, o);
      return null;
    }
    return { type };
  },
  save(o: AuditOptions): string {
    return `--type ${o.type}`;
  },
};

export const isAuditTarget = targetGuard<AuditOptions>('AUDIT');
