/**
 * FAIL vectors that only the kernel (or a missing kernel module or helper) refuses: a parser
 * cannot know them. Keyed `file:line`, with the reason. Keep this list short and justified.
 */
export const KNOWN_KERNEL_ONLY: ReadonlyMap<string, string> = new Map<string, string>([
  ['libxt_set.t:4', 'ipset "foo" does not exist: only the kernel (ipset) knows which sets exist'],
  ['libxt_SET.t:3', 'ipset "foo" does not exist: only the kernel (ipset) knows which sets exist'],
  ['libxt_nfacct.t:8', 'nfacct object "wrong" does not exist: only the kernel (nfnetlink_acct) knows'],
]);
