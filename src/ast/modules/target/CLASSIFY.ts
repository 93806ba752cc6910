/** CLASSIFY (libxt_CLASSIFY.c; kernel xt_CLASSIFY.c): sets skb->priority to a tc class `MAJOR:MINOR`. */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, targetGuard, type TargetOption } from './target-util.js';

export interface ClassifyOptions {
  readonly major: number;
  readonly minor: number;
}

const OPTIONS: readonly TargetOption[] = [{ name: 'set-class', args: 1, mandatory: true }];

/** One sscanf `%x`: blanks, a sign, an optional 0x, hex digits; the value wraps to 32 bits. */
function scanHex(text: string): { value: number; rest: string } | null {
  const m = /^\s*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)/.exec(text);
  if (!m) return null;
  let value = Number(BigInt('0x' + m[2]) & 0xffffffffn);
  if (m[1] === '-') value = (-value) >>> 0;
  return { value, rest: text.slice(m[0].length) };
}

export const CLASSIFY: ExtensionDef<ClassifyOptions> = {
  kind: 'target',
  name: 'CLASSIFY',
  tables: ['mangle'],
  hooks: ['OUTPUT', 'FORWARD', 'POSTROUTING'],
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): ClassifyOptions | null {
    if (!checkOptions('CLASSIFY', raw, OPTIONS, ctx)) return null;
    const o = raw.find((r) => r.name === 'set-class')!;
    // sscanf("%x:%x"): text after the minor is ignored, and TC_H_MAKE keeps 16 bits of each.
    const major = scanHex(o.args[0]);
    const minor = major && major.rest.startsWith(':') ? scanHex(major.rest.slice(1)) : null;
    if (!major || !minor) {
      ctx.error(`Bad class value "${o.args[0]}"`, o);
      return null;
    }
    return { major: major.value & 0xffff, minor: minor.value & 0xffff };
  },
  save(o: ClassifyOptions): string {
    const h = (n: number): string => n.toString(16).padStart(4, '0');
    return `--set-class ${h(o.major)}:${h(o.minor)}`;
  },
};

export const isClassifyTarget = targetGuard<ClassifyOptions>('CLASSIFY');
