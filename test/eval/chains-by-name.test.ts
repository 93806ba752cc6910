/**
 * chainsByName looks a table's first chains up by name and maps the rest only when asked for
 * one of them; either way the first chain of a name is the one found.
 */
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/ast/parse.js';
import { chainsByName } from '../../src/eval/chains-by-name.js';
import type { Table } from '../../src/ast/types.js';

const USER_CHAINS = Array.from({ length: 20 }, (_, i) => `C${i}`);
const SAVE = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...USER_CHAINS.map((c) => `:${c} - [0:0]`), 'COMMIT', ''].join('\n');

describe('chainsByName', () => {
  const filter = parseRuleset(SAVE, { file: 'chains.save' }).ruleset.tables[0];

  it('finds builtin and user chains, near the start of the table or far from it', () => {
    const named = chainsByName(filter);
    for (const name of ['INPUT', 'OUTPUT', 'C0', 'C4', 'C5', 'C19']) expect(named(name)?.name).toBe(name);
    expect(named('C20')).toBeUndefined();
    // Still right once the map is made.
    expect(named('INPUT')).toBe(filter.chains[0]);
  });

  it('finds the first chain of a name, before and after the map is made', () => {
    const first = filter.chains[1];
    const twice: Table = { ...filter, chains: [...filter.chains, { ...first, policy: 'DROP' }] };
    const named = chainsByName(twice);
    expect(named('FORWARD')).toBe(first);
    expect(named('C19')).toBe(twice.chains[22]);
    expect(named('FORWARD')).toBe(first);
    const duplicateFar = { ...filter.chains[22] };
    const far: Table = { ...filter, chains: [...filter.chains, duplicateFar] };
    expect(chainsByName(far)('C19')).toBe(far.chains[22]);
  });
});
