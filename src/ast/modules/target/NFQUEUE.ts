/** NFQUEUE (libxt_NFQUEUE.c revision 3; kernel xt_NFQUEUE.c): hands the packet to a userspace queue. */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, optionUint, targetGuard, xtUintPrefix, UINT16_MAX, type TargetOption } from './target-util.js';

export interface NfqueueOptions {
  /** First queue number. */
  readonly queueNum: number;
  /** Number of queues balanced over (1 = just `queueNum`). */
  readonly queuesTotal: number;
  /** Accept the packet when no program listens, instead of dropping it. */
  readonly bypass: boolean;
  /** Pick the queue by CPU instead of by flow hash. */
  readonly cpuFanout: boolean;
}

const OPTIONS: readonly TargetOption[] = [
  { name: 'queue-num', args: 1, excl: ['queue-balance'] },
  { name: 'queue-balance', args: 1, excl: ['queue-num'] },
  { name: 'queue-bypass', args: 0 },
  { name: 'queue-cpu-fanout', args: 0, also: ['queue-balance'] },
];

/** XTTYPE_UINT16RC `FROM:TO` with 0..65534, empty ends taking the bounds (xtopt_parse_mint). */
function parseBalance(o: RawOption, ctx: ExtensionContext): [number, number] | null {
  const text = o.args[0];
  const max = UINT16_MAX - 1;
  const values: number[] = [];
  let rest = text;
  let min = 0;
  for (;;) {
    if (values.length === 2) {
      ctx.error(`NFQUEUE: Too many components for option "--queue-balance" (max: 2)`, o);
      return null;
    }
    let value: number;
    if (rest === '' || rest.startsWith(':')) {
      value = values.length === 1 ? max : min;
    } else {
      const n = xtUintPrefix(rest, min, max);
      if (!n) {
        ctx.error(`NFQUEUE: bad value for option "--queue-balance" near "${rest}", or out of range (${min}-${max}).`, o);
        return null;
      }
      if (n.rest !== '' && !n.rest.startsWith(':')) {
        ctx.error(`NFQUEUE: Argument to "--queue-balance" has unexpected characters near "${n.rest}".`, o);
        return null;
      }
      value = n.value;
      min = value;
      rest = n.rest;
    }
    values.push(value);
    if (rest === '') break;
    rest = rest.slice(1);
  }
  if (values.length !== 2) {
    ctx.error(`Bad range "${text}"`, o);
    return null;
  }
  if (values[0] >= values[1]) {
    ctx.error(`${values[0]} should be less than ${values[1]}`, o);
    return null;
  }
  return [values[0], values[1]];
}

export const NFQUEUE: ExtensionDef<NfqueueOptions> = {
  kind: 'target',
  name: 'NFQUEUE',
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): NfqueueOptions | null {
    if (!checkOptions('NFQUEUE', raw, OPTIONS, ctx)) return null;
    let queueNum = 0;
    let queuesTotal = 1;
    for (const o of raw) {
      if (o.name === 'queue-num') {
        const n = optionUint('NFQUEUE', o, 0, UINT16_MAX, ctx);
        if (n === null) return null;
        queueNum = n;
      } else if (o.name === 'queue-balance') {
        const range = parseBalance(o, ctx);
        if (!range) return null;
        queueNum = range[0];
        queuesTotal = range[1] - range[0] + 1;
      }
    }
    return {
      queueNum,
      queuesTotal,
      bypass: raw.some((o) => o.name === 'queue-bypass'),
      cpuFanout: raw.some((o) => o.name === 'queue-cpu-fanout'),
    };
  },
  save(o: NfqueueOptions): string {
    const parts = [
      o.queuesTotal > 1 ? `--queue-balance ${o.queueNum}:${o.queueNum + o.queuesTotal - 1}` : `--queue-num ${o.queueNum}`,
    ];
    if (o.bypass) parts.push('--queue-bypass');
    if (o.cpuFanout) parts.push('--queue-cpu-fanout');
    return parts.join(' ');
  },
};

export const isNfqueueTarget = targetGuard<NfqueueOptions>('NFQUEUE');
