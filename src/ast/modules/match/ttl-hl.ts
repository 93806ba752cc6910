/**
 * What `-m ttl` (IPv4 TTL) and `-m hl` (IPv6 hop limit) share: one comparison of an 8-bit
 * field, given by exactly one of `--X-eq` (invertible), `--X-lt`, `--X-gt`.
 */
import type { ExtensionDef } from '../extension.js';
import type { Family } from '../../types.js';
import { checkOptionUse, parseIntOption, U8 } from './packet-util.js';

/** `ne` is `! --X-eq`. */
export type ByteComparisonOp = 'eq' | 'ne' | 'lt' | 'gt';

export interface ByteComparison {
  readonly op: ByteComparisonOp;
  readonly value: number;
}

export function byteComparisonExtension(name: 'ttl' | 'hl', family: Family, label: string): ExtensionDef<ByteComparison> {
  const names = [`${name}-eq`, `${name}-lt`, `${name}-gt`];
  return {
    kind: 'match',
    name,
    family,
    options: [
      { name: `${name}-lt`, args: 1 },
      { name: `${name}-gt`, args: 1 },
      // `--X` is the old spelling of --X-eq; getopt maps both to one entry, so it is invertible too.
      { name: `${name}-eq`, aliases: [name], args: 1, invertible: true },
    ],
    parse(options, ctx) {
      if (!checkOptionUse(name, options, ctx, { exclusive: [names] })) return null;
      const o = options[0];
      if (!o) {
        ctx.error(`${label} match: You must specify one of \`--${name}-eq', \`--${name}-lt', \`--${name}-gt'`);
        return null;
      }
      const value = parseIntOption(o, name, 0, U8, ctx);
      if (value === null) return null;
      const op = o.name.slice(name.length + 1) as 'eq' | 'lt' | 'gt';
      return { op: op === 'eq' && o.negated ? 'ne' : op, value };
    },
    save(o) {
      return `${o.op === 'ne' ? `! --${name}-eq` : `--${name}-${o.op}`} ${o.value}`;
    },
  };
}
