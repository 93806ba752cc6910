/**
 * SET (libxt_SET.c revision 3; kernel xt_set.c): adds the packet's addresses/ports to an ipset,
 * deletes them, or maps set data onto the packet. Whether the set exists is only known to the
 * kernel.
 */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { targetGuard, xtUint, UINT32_MAX, type TargetOption } from './target-util.js';

export interface SetRef {
  readonly name: string;
  /** Per dimension of the set: match the packet's source or destination. */
  readonly dirs: readonly ('src' | 'dst')[];
}

export interface SetTargetOptions {
  readonly addSet?: SetRef;
  readonly delSet?: SetRef;
  readonly mapSet?: SetRef;
  /** `--exist`: re-adding refreshes the timeout. */
  readonly exist: boolean;
  /** Seconds; absent = the set's default. */
  readonly timeout?: number;
  readonly mapMark: boolean;
  readonly mapPrio: boolean;
  readonly mapQueue: boolean;
}

/** IPSET_DIM_MAX */
const DIM_MAX = 6;
/** IPSET_MAXNAMELEN - 1 */
const MAX_NAME = 31;

const OPTIONS: readonly TargetOption[] = [
  { name: 'add-set', args: 2 },
  { name: 'del-set', args: 2 },
  { name: 'exist', args: 0, multi: true },
  { name: 'timeout', args: 1, multi: true },
  { name: 'map-set', args: 2 },
  { name: 'map-mark', args: 0, multi: true },
  { name: 'map-prio', args: 0, multi: true },
  { name: 'map-queue', args: 0, multi: true },
];

function parseRef(o: RawOption, ctx: ExtensionContext): SetRef | null {
  const [name, flags] = o.args;
  if (!flags || flags.startsWith('-') || flags.startsWith('!')) {
    ctx.error(`--${o.name} requires two args.`, o);
    return null;
  }
  if (name.length > MAX_NAME) {
    ctx.error(`setname \`${name}' too long, max ${MAX_NAME} characters.`, o);
    return null;
  }
  const words = flags.split(',');
  if (words.length > DIM_MAX) {
    ctx.error(`Can't be more src/dst options than ${DIM_MAX}.`, o);
    return null;
  }
  const dirs: ('src' | 'dst')[] = [];
  for (const w of words) {
    // Only the first three letters count, as in iptables.
    if (w.startsWith('src')) dirs.push('src');
    else if (w.startsWith('dst')) dirs.push('dst');
    else {
      ctx.error("You must specify (the comma separated list of) 'src' or 'dst'.", o);
      return null;
    }
  }
  return { name, dirs };
}

export const SET: ExtensionDef<SetTargetOptions> = {
  kind: 'target',
  name: 'SET',
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): SetTargetOptions | null {
    const refs: { addSet?: SetRef; delSet?: SetRef; mapSet?: SetRef } = {};
    let timeout: number | undefined;
    for (const o of raw) {
      if (o.name === 'add-set' || o.name === 'del-set' || o.name === 'map-set') {
        const key = o.name === 'add-set' ? 'addSet' : o.name === 'del-set' ? 'delSet' : 'mapSet';
        if (refs[key]) {
          ctx.error(`--${o.name} can be specified only once`, o);
          return null;
        }
        const ref = parseRef(o, ctx);
        if (!ref) return null;
        refs[key] = ref;
      } else if (o.name === 'timeout') {
        const n = xtUint(o.args[0], 0, UINT32_MAX - 1);
        if (n === null) {
          ctx.error(`Invalid value for option --timeout or out of range 0-${UINT32_MAX - 1}`, o);
          return null;
        }
        timeout = n;
      }
    }
    const has = (name: string): boolean => raw.some((o) => o.name === name);
    const fail = (message: string): null => {
      ctx.error(message);
      return null;
    };
    if (!refs.addSet && !refs.delSet && !refs.mapSet) return fail("You must specify either `--add-set' or `--del-set' or `--map-set'");
    if (!refs.addSet && has('exist')) return fail("Flag `--exist' can be used with `--add-set' only");
    if (!refs.addSet && timeout !== undefined) return fail("Option `--timeout' can be used with `--add-set' only");
    if (!refs.mapSet) {
      for (const flag of ['map-mark', 'map-prio', 'map-queue']) {
        if (has(flag)) return fail(`Flag \`--${flag}' can be used with \`--map-set' only`);
      }
    } else if (!has('map-mark') && !has('map-prio') && !has('map-queue')) {
      return fail("You must specify flags `--map-mark' or '--map-prio` or `--map-queue'");
    }
    return {
      ...refs,
      exist: has('exist'),
      ...(timeout !== undefined ? { timeout } : {}),
      mapMark: has('map-mark'),
      mapPrio: has('map-prio'),
      mapQueue: has('map-queue'),
    };
  },
  save(o: SetTargetOptions): string {
    const ref = (flag: string, r: SetRef | undefined): string[] => (r ? [`--${flag} ${r.name} ${r.dirs.join(',')}`] : []);
    return [
      ...ref('add-set', o.addSet),
      ...(o.exist ? ['--exist'] : []),
      ...(o.timeout !== undefined ? [`--timeout ${o.timeout}`] : []),
      ...ref('del-set', o.delSet),
      ...ref('map-set', o.mapSet),
      ...(o.mapMark ? ['--map-mark'] : []),
      ...(o.mapPrio ? ['--map-prio'] : []),
      ...(o.mapQueue ? ['--map-queue'] : []),
    ].join(' ');
  },
};

export const isSetTarget = targetGuard<SetTargetOptions>('SET');
