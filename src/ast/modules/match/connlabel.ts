/**
 * `-m connlabel`: tests (and with `--set`, sets) one of the 128 label bits of a connection.
 * Label names come from /etc/xtables/connlabel.conf, which Debian does not ship: netfate, like
 * iptables there, only knows numeric labels, and prints them as iptables-save does (`"N"`).
 */
import type { Match } from '../../types.js';
import { bang, type ExtensionDef } from '../extension.js';
import { checkOptionTable, isKnownMatch, lastOption, strtoulPrefix, type XtOption } from './state-util.js';

/** XT_CONNLABEL_MAXBIT: the kernel refuses higher bits. */
const MAX_BIT = 127;

export interface ConnlabelOptions {
  readonly bit: number;
  readonly negated: boolean;
  /** `--set`: the match sets the bit on the connection (and then matches). */
  readonly set: boolean;
}

export function isConnlabelMatch(m: Match): m is Match<ConnlabelOptions> {
  return isKnownMatch(m, 'connlabel');
}

const OPTIONS: readonly XtOption[] = [
  { name: 'label', args: 1, invertible: true, mandatory: true },
  { name: 'set', args: 0 },
];

export const connlabelMatch: ExtensionDef<ConnlabelOptions> = {
  kind: 'match',
  name: 'connlabel',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('connlabel', raw, OPTIONS, ctx)) return null;
    const opt = lastOption(raw, 'label')!;
    const text = opt.args[0];
    if (text === '') {
      ctx.error('Argument must have a minimum length of 1 characters', opt);
      return null;
    }
    const num = strtoulPrefix(text);
    // libxt_connlabel keeps the value in an int: anything from 2^31 up reads as negative.
    if (!num || num.rest !== '' || num.value >= 0x80000000n) {
      ctx.error(`label '${text}' not found or invalid value (no /etc/xtables/connlabel.conf names are known)`, opt);
      return null;
    }
    // The kernel struct keeps the bit in 16 bits.
    const bit = Number(num.value & 0xffffn);
    if (bit > MAX_BIT) {
      ctx.error(`connlabel: label bit ${bit} is out of range: the kernel accepts 0-${MAX_BIT}`, opt);
      return null;
    }
    return { bit, negated: opt.negated, set: raw.some((o) => o.name === 'set') };
  },
  save(o) {
    return `${bang(o.negated)}--label "${o.bit}"${o.set ? ' --set' : ''}`;
  },
};
