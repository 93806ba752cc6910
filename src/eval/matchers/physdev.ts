/**
 * `-m physdev` as xt_physdev decides it, from the bridge ports the packet came in by and leaves
 * by (br_netfilter's record of them).
 *
 * A packet without that record (not received on a bridge port, and not bridged) matches only
 * when every option given is negated. With the record: `--physdev-is-bridged` asks whether an
 * output port is known (only in FORWARD and POSTROUTING for bridged traffic); `--physdev-is-in`
 * / `--physdev-is-out` whether the in / out port exists; `--physdev-in` is skipped when there is
 * no in port; `--physdev-out` fails when there is no out port, negated or not. `!` per option.
 */
import { isPhysdevMatch, type PhysdevOptions } from '../../ast/modules/match/physdev.js';
import type { InterfaceName, Negatable } from '../../ast/types.js';
import type { Tristate } from '../types.js';
import type { MatchEnv } from '../state.js';
import { interfaceMatches } from '../match-core.js';
import { all, hitUnless, may, NO, registerTyped, YES } from './common.js';
import type { MatchResult } from './index.js';

interface Port {
  readonly present: Tristate;
  /** The port's name when known. */
  readonly name?: string;
}

function flagTest(present: Tristate, sel: Negatable<true> | undefined, what: string): MatchResult {
  if (!sel) return YES;
  if (present === 'may') return may(`whether the packet has ${what} is not known`);
  return hitUnless(present === 'yes', sel.negated);
}

function nameTest(port: Port, sel: Negatable<InterfaceName>, what: string): MatchResult {
  if (port.name === undefined) return may(`the ${what} bridge port is not known`);
  return hitUnless(interfaceMatches(sel.value, port.name), sel.negated);
}

export function evaluatePhysdev(o: PhysdevOptions, env: MatchEnv): MatchResult {
  const p = env.packet;
  const recorded = p.physdevIn !== undefined || p.physdevOut !== undefined || p.bridged;
  if (!recorded) {
    const given = [o.physdevIn, o.physdevOut, o.isIn, o.isOut, o.isBridged].filter((s) => s !== undefined);
    return given.every((s) => s.negated) ? YES : NO;
  }
  const inPort: Port = p.physdevIn !== undefined ? { present: 'yes', name: p.physdevIn } : { present: p.bridged ? 'yes' : 'no' };
  // The out port is chosen by the bridge's forwarding database, after PREROUTING and INPUT.
  const outChosen = p.bridged && (env.hook === 'FORWARD' || env.hook === 'POSTROUTING');
  const outPort: Port = p.physdevOut !== undefined ? { present: 'yes', name: p.physdevOut } : { present: outChosen ? 'yes' : 'no' };
  const results: MatchResult[] = [
    flagTest(outPort.present, o.isBridged, 'an output bridge port'),
    flagTest(inPort.present, o.isIn, 'an input bridge port'),
    flagTest(outPort.present, o.isOut, 'an output bridge port'),
  ];
  if (o.physdevIn && inPort.present === 'yes') results.push(nameTest(inPort, o.physdevIn, 'input'));
  if (o.physdevOut) results.push(outPort.present === 'no' ? NO : nameTest(outPort, o.physdevOut, 'output'));
  return all(results);
}

registerTyped('physdev', isPhysdevMatch, evaluatePhysdev);
