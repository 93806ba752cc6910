/**
 * FAIL vectors that only the kernel (or a missing kernel module or helper) refuses: a parser
 * cannot know them. Keyed `file:line`, with the reason. Keep this list short and justified.
 */
export const KNOWN_KERNEL_ONLY: ReadonlyMap<string, string> = new Map<string, string>([]);
