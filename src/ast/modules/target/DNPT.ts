/**
 * DNPT and SNPT (libip6t_DNPT.c / libip6t_SNPT.c; kernel ip6t_NPT.c): stateless IPv6 network
 * prefix translation (RFC 6296) of the destination or source address.
 */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, formatHost, parseNumericHost, targetGuard, xtUint, type TargetOption } from './target-util.js';

export interface NptPrefix {
  readonly address: string;
  /** -1 when written with a mask that is no prefix (the kernel refuses it). */
  readonly length: number;
}

export interface NptOptions {
  readonly srcPfx: NptPrefix;
  readonly dstPfx: NptPrefix;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'src-pfx', args: 1, mandatory: true },
  { name: 'dst-pfx', args: 1, mandatory: true },
];

/** ADDR[/LEN]; the kernel wants LEN <= 64 and no bits set after it. */
function parsePrefix(ext: string, o: RawOption, ctx: ExtensionContext): NptPrefix | null {
  const [addrText, lenText] = o.args[0].split('/', 2);
  const bytes = parseNumericHost(addrText, 6);
  if (!bytes) {
    ctx.error(`${ext}: bad address "${addrText}"`, o);
    return null;
  }
  const length = lenText === undefined ? 128 : xtUint(lenText, 0, 128);
  if (length === null) {
    ctx.error(`${ext}: bad value for option "--${o.name}", neither a valid network mask nor valid CIDR (0-128).`, o);
    return null;
  }
  if (length > 64) {
    ctx.error(`${ext}: prefix length of "--${o.name}" must be at most 64`, o);
    return null;
  }
  const hostBitsSet = bytes.some((b, i) => {
    const keep = Math.max(0, Math.min(8, length - i * 8));
    return (b & (0xff >> keep)) !== 0;
  });
  if (hostBitsSet) {
    ctx.error(`${ext}: "--${o.name}" has bits set after the prefix length`, o);
    return null;
  }
  return { address: formatHost(bytes), length };
}

function nptDef(name: 'DNPT' | 'SNPT'): ExtensionDef<NptOptions> {
  return {
    kind: 'target',
    name,
    family: 6,
    tables: ['mangle'],
    hooks: name === 'DNPT' ? ['PREROUTING', 'OUTPUT'] : ['INPUT', 'POSTROUTING'],
    options: OPTIONS,
    parse(raw: readonly RawOption[], ctx: ExtensionContext): NptOptions | null {
      if (!checkOptions(name, raw, OPTIONS, ctx)) return null;
      const src = parsePrefix(name, raw.find((r) => r.name === 'src-pfx')!, ctx);
      const dst = src && parsePrefix(name, raw.find((r) => r.name === 'dst-pfx')!, ctx);
      return src && dst ? { srcPfx: src, dstPfx: dst } : null;
    },
    save(o: NptOptions): string {
      return `--src-pfx ${o.srcPfx.address}/${o.srcPfx.length} --dst-pfx ${o.dstPfx.address}/${o.dstPfx.length}`;
    },
  };
}

export const DNPT = nptDef('DNPT');
export const SNPT = nptDef('SNPT');
export const isNptTarget = targetGuard<NptOptions>('DNPT', 'SNPT');
