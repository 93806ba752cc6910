/** `-m cpu` (libxt_cpu): the CPU handling the packet. */
import type { ExtensionDef } from '../extension.js';
import { bang } from '../extension.js';
import type { Negatable } from '../../types.js';
import { checkOptionUse, matchGuard, parseIntOption, U32 } from './packet-util.js';

export interface CpuOptions {
  readonly cpu: Negatable<number>;
}

export const isCpuMatch = matchGuard<CpuOptions>('cpu');

export const cpuMatch: ExtensionDef<CpuOptions> = {
  kind: 'match',
  name: 'cpu',
  options: [{ name: 'cpu', args: 1, invertible: true }],
  parse(options, ctx) {
    if (!checkOptionUse('cpu', options, ctx, { mandatory: ['cpu'] })) return null;
    const o = options[0];
    const n = parseIntOption(o, 'cpu', 0, U32, ctx);
    if (n === null) return null;
    return { cpu: { value: n, negated: o.negated } };
  },
  save(o) {
    return `${bang(o.cpu.negated)}--cpu ${o.cpu.value}`;
  },
};
