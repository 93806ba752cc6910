/**
 * What `-m hbh` and `-m dst` share (libip6t_hbh.c / libip6t_dst.c, struct ip6t_opts): the
 * header length and a list of up to 16 option TYPE[:LENGTH] entries.
 */
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, parseIntOption, strtoulPrefix, U32 } from './packet-util.js';

export interface Ipv6OptionTest {
  readonly type: number;
  /** Option data length; null: any length. */
  readonly length: number | null;
}

export interface Ipv6OptsOptions {
  readonly length?: Negatable<number>;
  readonly options?: readonly Ipv6OptionTest[];
}

/** IP6T_OPTS_OPTSNR */
const MAX_OPTS = 16;

/** strtoul(…, 0) that must consume everything; the kernel keeps the low byte. */
function optNumber(text: string, ext: string, what: string): number | string {
  const r = strtoulPrefix(text);
  if (!r) return `${ext}: no valid digits in ${what} \`${text}'`;
  if (r.rest !== '') return `${ext}: error parsing ${what} \`${text}'`;
  return r.value & 0xff;
}

function parseOptionList(text: string, ext: string): Ipv6OptionTest[] | string {
  const out: Ipv6OptionTest[] = [];
  const items = text.split(',');
  for (const [i, item] of items.entries()) {
    if (i >= MAX_OPTS) return 'too many addresses specified';
    const colon = item.indexOf(':');
    if (colon >= 0 && i === MAX_OPTS - 1) return 'too many ports specified';
    const type = optNumber(colon < 0 ? item : item.slice(0, colon), ext, 'opt');
    if (typeof type === 'string') return type;
    if (colon < 0) {
      out.push({ type, length: null });
      continue;
    }
    if (type === 0) return ext === 'hbh' ? 'PAD0 has not got length' : "PAD0 hasn't got length";
    const length = optNumber(item.slice(colon + 1), ext, 'length');
    if (typeof length === 'string') return length;
    // 255 is the kernel's "any length" marker.
    out.push({ type, length: length === 0xff ? null : length });
  }
  return out;
}

export function ipv6OptsExtension(name: 'hbh' | 'dst'): ExtensionDef<Ipv6OptsOptions> {
  const lenOpt = `${name}-len`;
  const optsOpt = `${name}-opts`;
  return {
    kind: 'match',
    name,
    family: 6,
    options: [
      { name: lenOpt, args: 1, invertible: true },
      { name: optsOpt, args: 1 },
    ],
    parse(options, ctx: ExtensionContext) {
      if (!checkOptionUse(name, options, ctx)) return null;
      const out: { length?: Negatable<number>; options?: readonly Ipv6OptionTest[] } = {};
      for (const o of options) {
        if (o.name === lenOpt) {
          const n = parseIntOption(o, name, 0, U32, ctx);
          if (n === null) return null;
          out.length = { value: n, negated: o.negated };
        } else {
          const list = parseOptionList(o.args[0], name);
          if (typeof list === 'string') {
            ctx.error(list, o);
            return null;
          }
          out.options = list;
        }
      }
      return out;
    },
    save(o) {
      const parts: string[] = [];
      if (o.length) parts.push(`${bang(o.length.negated)}--${lenOpt} ${o.length.value}`);
      if (o.options) {
        const list = o.options.map((t) => (t.length === null ? `${t.type}` : `${t.type}:${t.length}`)).join(',');
        parts.push(`--${optsOpt}${list ? ' ' + list : ''}`);
      }
      return parts.join(' ');
    },
  };
}
