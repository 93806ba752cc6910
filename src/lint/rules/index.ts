/**
 * Every lint rule, listed explicitly (hadolint's Process.hs, ESLint's lib/rules/index.js): a rule
 * file that is not imported here does not run, and test/lint/meta.test.ts fails.
 */
import type { LintRule } from '../rule.js';
import { rule as undefinedTarget } from './ipt/undefined-target.js';
import { rule as chainLoop } from './ipt/chain-loop.js';
import { rule as unreachableChain } from './ipt/unreachable-chain.js';
import { rule as jumpToEmptyChain } from './ipt/jump-to-empty-chain.js';
import { rule as ruleAfterTerminal } from './ipt/rule-after-terminal.js';
import { rule as returnInBuiltin } from './ipt/return-in-builtin.js';
import { rule as portWithoutProtocol } from './ipt/port-without-protocol.js';
import { rule as targetNotAllowedHere } from './ipt/target-not-allowed-here.js';
import { rule as openForwardPolicy } from './ipt/open-forward-policy.js';
import { rule as zeroHits } from './ipt/zero-hits.js';
import { rule as shadowedRule } from './ipt/shadowed-rule.js';
import { rule as redundantRule } from './ipt/redundant-rule.js';
import { rule as emptyUserChain } from './ipt/empty-user-chain.js';
import { rule as logWithoutLimit } from './ipt/log-without-limit.js';
import { rule as stateInsteadOfConntrack } from './ipt/state-instead-of-conntrack.js';
import { rule as acceptPolicyNothingDenied } from './ipt/accept-policy-nothing-denied.js';
import { rule as negatedAnyMatch } from './ipt/negated-any-match.js';
import { rule as interfaceDirection } from './ipt/interface-direction.js';
import { rule as filterOnDnatPort } from './ipt/filter-on-dnat-port.js';
import { rule as publishedPortBypassesInput } from './docker/published-port-bypasses-input.js';
import { rule as publishedOnAllAddresses } from './docker/published-on-all-addresses.js';
import { rule as dockerUserNotFirst } from './docker/docker-user-not-first.js';
import { rule as orphanedChain } from './docker/orphaned-chain.js';
import { rule as mixedBackends } from './docker/mixed-backends.js';
import { rule as forwardRuleAfterDocker } from './docker/forward-rule-after-docker.js';
import { rule as dockerUserMatchesPreDnat } from './docker/docker-user-matches-pre-dnat.js';
import { rule as missingMasquerade } from './docker/missing-masquerade.js';
import { rule as ipv6Unfiltered } from './docker/ipv6-unfiltered.js';
import { rule as staleRule } from './docker/stale-rule.js';
import { rule as dockerUserDropsReplies } from './docker/docker-user-drops-replies.js';
import { rule as loopbackPublishReachable } from './docker/loopback-publish-reachable.js';

export const RULES: readonly LintRule[] = [
  undefinedTarget,
  chainLoop,
  unreachableChain,
  jumpToEmptyChain,
  ruleAfterTerminal,
  returnInBuiltin,
  portWithoutProtocol,
  targetNotAllowedHere,
  openForwardPolicy,
  zeroHits,
  shadowedRule,
  redundantRule,
  emptyUserChain,
  logWithoutLimit,
  stateInsteadOfConntrack,
  acceptPolicyNothingDenied,
  negatedAnyMatch,
  interfaceDirection,
  filterOnDnatPort,
  publishedPortBypassesInput,
  publishedOnAllAddresses,
  dockerUserNotFirst,
  orphanedChain,
  mixedBackends,
  forwardRuleAfterDocker,
  dockerUserMatchesPreDnat,
  missingMasquerade,
  ipv6Unfiltered,
  staleRule,
  dockerUserDropsReplies,
  loopbackPublishReachable,
];
