/**
 * `-m cluster`: spreads connections over the nodes of a cluster by a hash of the source
 * address; a node matches the packets whose hash falls in its node mask.
 */
import type { Match } from '../../types.js';
import type { ExtensionDef } from '../extension.js';
import { checkOptionTable, isKnownMatch, parseXtUInt, type XtOption } from './state-util.js';

export interface ClusterOptions {
  readonly totalNodes: number;
  /** Bit N-1 set for node N. */
  readonly nodeMask: number;
  readonly hashSeed: number;
  readonly negated: boolean;
}

export function isClusterMatch(m: Match): m is Match<ClusterOptions> {
  return isKnownMatch(m, 'cluster');
}

/** XT_CLUSTER_NODES_MAX */
const NODES_MAX = 32;

const OPTIONS: readonly XtOption[] = [
  { name: 'cluster-total-nodes', args: 1, mandatory: true },
  { name: 'cluster-local-node', args: 1, invertible: true, excl: ['cluster-local-nodemask'] },
  { name: 'cluster-local-nodemask', args: 1, invertible: true, excl: ['cluster-local-node'] },
  { name: 'cluster-hash-seed', args: 1, mandatory: true },
];

const hex8 = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

export const clusterMatch: ExtensionDef<ClusterOptions> = {
  kind: 'match',
  name: 'cluster',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('cluster', raw, OPTIONS, ctx)) return null;
    let totalNodes = 0;
    let nodeMask: number | null = null;
    let hashSeed = 0;
    let negated = false;
    for (const opt of raw) {
      const seed = opt.name === 'cluster-hash-seed';
      const v = parseXtUInt(opt.args[0], seed ? 0 : 1, seed ? 0xffffffff : NODES_MAX);
      if (v === null) {
        ctx.error(`cluster: bad value for option "--${opt.name}", or out of range (${seed ? '0-4294967295' : `1-${NODES_MAX}`}).`, opt);
        return null;
      }
      if (opt.name === 'cluster-total-nodes') totalNodes = v;
      else if (seed) hashSeed = v;
      else {
        nodeMask = opt.name === 'cluster-local-node' ? (1 << (v - 1)) >>> 0 : v;
        negated = opt.negated;
      }
    }
    if (nodeMask === null) {
      ctx.error('cluster match: Unknown local node mask');
      return null;
    }
    if (BigInt(nodeMask) >= 1n << BigInt(totalNodes)) {
      ctx.error('cluster match: node mask cannot be higher than node mask of the total number of nodes');
      return null;
    }
    return { totalNodes, nodeMask, hashSeed, negated };
  },
  save(o) {
    return `${o.negated ? '! ' : ''}--cluster-local-nodemask ${hex8(o.nodeMask)} --cluster-total-nodes ${o.totalNodes} --cluster-hash-seed ${hex8(o.hashSeed)}`;
  },
};
