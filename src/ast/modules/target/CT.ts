/**
 * CT (libxt_CT.c revision 2; kernel xt_CT.c): attaches a conntrack template (helper, timeout
 * policy, event mask, zone) or disables tracking. NOTRACK is CT --notrack under its old name.
 */
import type { RawOption } from '../../types.js';
import type { ExtensionContext, ExtensionDef } from '../extension.js';
import { checkOptions, fitBuffer, targetGuard, xtUint, UINT16_MAX, type TargetOption } from './target-util.js';

export type CtEvent =
  | 'new'
  | 'related'
  | 'destroy'
  | 'reply'
  | 'assured'
  | 'protoinfo'
  | 'helper'
  | 'mark'
  | 'natseqinfo'
  | 'secmark';

export interface CtZone {
  /** Zone id; with `fromMark` the id is taken from the packet mark instead. */
  readonly id: number;
  readonly fromMark: boolean;
  readonly direction: 'both' | 'orig' | 'reply';
}

export interface CtOptions {
  readonly notrack: boolean;
  readonly helper?: string;
  readonly timeout?: string;
  /** Connection events to report, in the kernel's bit order. */
  readonly ctEvents: readonly CtEvent[];
  readonly expEvents: readonly 'new'[];
  readonly zone?: CtZone;
}

const CT_EVENTS: readonly CtEvent[] = [
  'new', 'related', 'destroy', 'reply', 'assured', 'protoinfo', 'helper', 'mark', 'natseqinfo', 'secmark',
];

const OPTIONS: readonly TargetOption[] = [
  { name: 'notrack', args: 0 },
  { name: 'helper', args: 1 },
  { name: 'timeout', args: 1 },
  { name: 'ctevents', args: 1 },
  { name: 'expevents', args: 1 },
  { name: 'zone-orig', args: 1 },
  { name: 'zone-reply', args: 1 },
  { name: 'zone', args: 1 },
];

function parseEvents<E extends string>(table: readonly E[], o: RawOption, ctx: ExtensionContext): E[] | null {
  const chosen = new Set<E>();
  for (const word of o.args[0].split(',')) {
    const hit = table.find((e) => e === word);
    if (!hit) {
      ctx.error(`Unknown event type "${word}"`, o);
      return null;
    }
    chosen.add(hit);
  }
  return table.filter((e) => chosen.has(e));
}

export const CT: ExtensionDef<CtOptions> = {
  kind: 'target',
  name: 'CT',
  tables: ['raw'],
  options: OPTIONS,
  parse(raw: readonly RawOption[], ctx: ExtensionContext): CtOptions | null {
    if (!checkOptions('CT', raw, OPTIONS, ctx)) return null;
    let helper: string | undefined;
    let timeout: string | undefined;
    let ctEvents: CtEvent[] = [];
    let expEvents: 'new'[] = [];
    let zone: { id: number; fromMark: boolean; orig: boolean; reply: boolean } | undefined;
    for (const o of raw) {
      switch (o.name) {
        case 'helper':
          helper = fitBuffer('CT', o, 16, ctx);
          break;
        case 'timeout':
          timeout = fitBuffer('CT', o, 32, ctx);
          break;
        case 'ctevents': {
          const events = parseEvents(CT_EVENTS, o, ctx);
          if (!events) return null;
          ctEvents = events;
          break;
        }
        case 'expevents': {
          const events = parseEvents(['new'] as const, o, ctx);
          if (!events) return null;
          expEvents = events;
          break;
        }
        case 'zone':
        case 'zone-orig':
        case 'zone-reply': {
          // The direction and mark flags of several zone options accumulate, as in the kernel struct.
          const z = zone ?? { id: 0, fromMark: false, orig: false, reply: false };
          const arg = o.args[0];
          if (arg.toLowerCase() === 'mark') {
            z.fromMark = true;
            z.id = 0;
          } else {
            const id = xtUint(arg, 0, UINT16_MAX);
            if (id === null) {
              ctx.error(`Cannot parse ${arg} as a zone ID`, o);
              return null;
            }
            z.id = id;
          }
          if (o.name === 'zone-orig') z.orig = true;
          if (o.name === 'zone-reply') z.reply = true;
          zone = z;
          break;
        }
      }
    }
    return {
      notrack: raw.some((o) => o.name === 'notrack'),
      ...(helper ? { helper } : {}),
      ...(timeout ? { timeout } : {}),
      ctEvents,
      expEvents,
      ...(zone
        ? {
            zone: {
              id: zone.id,
              fromMark: zone.fromMark,
              direction: zone.orig === zone.reply ? 'both' : zone.orig ? 'orig' : 'reply',
            } as CtZone,
          }
        : {}),
    };
  },
  save(o: CtOptions): string {
    const parts: string[] = [];
    if (o.notrack) parts.push('--notrack');
    if (o.helper) parts.push(`--helper ${o.helper}`);
    if (o.timeout) parts.push(`--timeout ${o.timeout}`);
    if (o.ctEvents.length) parts.push(`--ctevents ${o.ctEvents.join(',')}`);
    if (o.expEvents.length) parts.push(`--expevents ${o.expEvents.join(',')}`);
    // Zone 0 without `mark` is the default zone: iptables-save leaves it out.
    if (o.zone && (o.zone.fromMark || o.zone.id !== 0)) {
      const suffix = o.zone.direction === 'both' ? '' : `-${o.zone.direction}`;
      parts.push(`--zone${suffix} ${o.zone.fromMark ? 'mark' : o.zone.id}`);
    }
    return parts.join(' ');
  },
};

/** `-j NOTRACK`: the kernel's CT with notrack set, printed back under its own name. */
export const NOTRACK: ExtensionDef<CtOptions> = {
  kind: 'target',
  name: 'NOTRACK',
  tables: ['raw'],
  options: [],
  parse(): CtOptions {
    return { notrack: true, ctEvents: [], expEvents: [] };
  },
  save(): string {
    return '';
  },
};

export const isCtTarget = targetGuard<CtOptions>('CT', 'NOTRACK');
