/**
 * Shrinking a disagreement: drop tables, user chains, rules and DROP policies one at a time
 * (never a builtin chain's declaration: iptables-nft creates only the builtin chains it is given),
 * keeping each removal after which the kernel still loads the ruleset and still disagrees with
 * netfate on the same packet. Greedy passes until nothing more can go.
 */
import type { GenRuleset } from './generate.js';
import { rulesetText } from './generate.js';

/** Whether `text` still shows the disagreement (false also when the kernel refuses it). */
export type StillDisagrees = (text: string) => Promise<boolean>;

function clone(rs: GenRuleset): GenRuleset {
  return rs.map((t) => ({ name: t.name, chains: t.chains.map((c) => ({ ...c, rules: [...c.rules] })) }));
}

const refersTo = (rule: string, chain: string): boolean => new RegExp(`-[jg] ${chain}(\\s|$)`).test(rule);

function candidates(rs: GenRuleset): GenRuleset[] {
  const out: GenRuleset[] = [];
  for (let t = 0; t < rs.length; t++) {
    out.push(rs.filter((_, i) => i !== t));
  }
  for (let t = 0; t < rs.length; t++) {
    for (const chain of rs[t].chains) {
      if (chain.policy !== '-') continue;
      const next = clone(rs);
      next[t].chains = next[t].chains.filter((c) => c.name !== chain.name);
      for (const c of next[t].chains) c.rules = c.rules.filter((r) => !refersTo(r, chain.name));
      out.push(next);
    }
  }
  for (let t = 0; t < rs.length; t++) {
    for (let c = 0; c < rs[t].chains.length; c++) {
      for (let r = 0; r < rs[t].chains[c].rules.length; r++) {
        const next = clone(rs);
        next[t].chains[c].rules.splice(r, 1);
        out.push(next);
      }
      if (rs[t].chains[c].policy === 'DROP') {
        const next = clone(rs);
        next[t].chains[c].policy = 'ACCEPT';
        out.push(next);
      }
    }
  }
  return out;
}

export async function shrink(start: GenRuleset, stillDisagrees: StillDisagrees, budget = 400): Promise<GenRuleset> {
  let best = clone(start);
  let tries = 0;
  let progress = true;
  while (progress && tries < budget) {
    progress = false;
    for (const next of candidates(best)) {
      if (++tries > budget) break;
      if (await stillDisagrees(rulesetText(next))) {
        best = next;
        progress = true;
        break;
      }
    }
  }
  return best;
}
