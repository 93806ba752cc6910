/**
 * `-m set` (revision 4): the packet's addresses/ports are (not) in an ipset. The set must exist
 * in the kernel when the rule is loaded, which a parser cannot check.
 */
import type { Match } from '../../types.js';
import type { ExtensionDef } from '../extension.js';
import { isKnownMatch, parseXtUInt64 } from './state-util.js';

export type SetCounterOp = 'eq' | 'ne' | 'lt' | 'gt';

export interface SetCounterTest {
  readonly op: SetCounterOp;
  /** Decimal text (unsigned 64-bit). */
  readonly value: string;
}

export interface SetOptions {
  readonly name: string;
  /** Which address/port of the packet each dimension of the set is compared with. */
  readonly flags: readonly ('src' | 'dst')[];
  readonly negated: boolean;
  /** `--return-nomatch`: an element flagged nomatch makes the match succeed instead. */
  readonly returnNomatch: boolean;
  /** False after `! --update-counters`. */
  readonly updateCounters: boolean;
  /** False after `! --update-subcounters`. */
  readonly updateSubcounters: boolean;
  readonly packets?: SetCounterTest;
  readonly bytes?: SetCounterTest;
}

export function isSetMatch(m: Match): m is Match<SetOptions> {
  return isKnownMatch(m, 'set');
}

/** IPSET_MAXNAMELEN - 1 */
const MAX_NAME = 31;
/** IPSET_DIM_MAX */
const MAX_DIM = 6;

export const setMatch: ExtensionDef<SetOptions> = {
  kind: 'match',
  name: 'set',
  options: [
    { name: 'match-set', aliases: ['set'], args: 2, invertible: true },
    { name: 'return-nomatch', args: 0 },
    { name: 'update-counters', args: 0, invertible: true },
    { name: 'update-subcounters', args: 0, invertible: true },
    { name: 'packets-eq', args: 1, invertible: true },
    { name: 'packets-lt', args: 1 },
    { name: 'packets-gt', args: 1 },
    { name: 'bytes-eq', args: 1, invertible: true },
    { name: 'bytes-lt', args: 1 },
    { name: 'bytes-gt', args: 1 },
  ],
  parse(raw, ctx) {
    let match: { name: string; flags: ('src' | 'dst')[]; negated: boolean } | null = null;
    let returnNomatch = false;
    let updateCounters = true;
    let updateSubcounters = true;
    const counters: { packets?: SetCounterTest; bytes?: SetCounterTest } = {};
    for (const opt of raw) {
      switch (opt.name) {
        case 'match-set': {
          if (opt.spelling === '--set') ctx.warn('--set option deprecated, please use --match-set', opt);
          if (match) {
            ctx.error('--match-set can be specified only once', opt);
            return null;
          }
          const [name, dirs] = opt.args;
          if (dirs.startsWith('-') || dirs.startsWith('!')) {
            ctx.error('--match-set requires two args.', opt);
            return null;
          }
          if (name.length > MAX_NAME) {
            ctx.error(`setname \`${name}' too long, max ${MAX_NAME} characters.`, opt);
            return null;
          }
          const items = dirs.split(',');
          if (items.length > MAX_DIM) {
            ctx.error(`Can't be more src/dst options than ${MAX_DIM}.`, opt);
            return null;
          }
          const flags: ('src' | 'dst')[] = [];
          for (const item of items) {
            // libxt_set compares the first three letters only.
            if (item.startsWith('src')) flags.push('src');
            else if (item.startsWith('dst')) flags.push('dst');
            else {
              ctx.error("You must specify (the comma separated list of) 'src' or 'dst'.", opt);
              return null;
            }
          }
          match = { name, flags, negated: opt.negated };
          break;
        }
        case 'return-nomatch':
          returnNomatch = true;
          break;
        case 'update-counters':
          if (opt.negated) updateCounters = false;
          break;
        case 'update-subcounters':
          if (opt.negated) updateSubcounters = false;
          break;
        default: {
          const [kind, op] = opt.name.split('-') as ['packets' | 'bytes', 'eq' | 'lt' | 'gt'];
          if (counters[kind]) {
            ctx.error(`only one of the --${kind}-[eq|lt|gt] is allowed`, opt);
            return null;
          }
          const value = parseXtUInt64(opt.args[0]);
          if (value === null) {
            ctx.error(`Cannot parse ${opt.args[0]} as a counter value`, opt);
            return null;
          }
          counters[kind] = { op: op === 'eq' && opt.negated ? 'ne' : op, value: String(value) };
        }
      }
    }
    if (!match) {
      ctx.error("You must specify `--match-set' with proper arguments");
      return null;
    }
    return { ...match, returnNomatch, updateCounters, updateSubcounters, ...counters };
  },
  save(o) {
    const parts = [`${o.negated ? '! ' : ''}--match-set ${o.name} ${o.flags.join(',')}`];
    if (o.returnNomatch) parts.push('--return-nomatch');
    if (!o.updateCounters) parts.push('! --update-counters');
    if (!o.updateSubcounters) parts.push('! --update-subcounters');
    for (const kind of ['packets', 'bytes'] as const) {
      const c = o[kind];
      if (c) parts.push(c.op === 'ne' ? `! --${kind}-eq ${c.value}` : `--${kind}-${c.op} ${c.value}`);
    }
    return parts.join(' ');
  },
};
