import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The steering repo's shared data, beside this checkout (never copied into it: licences). */
export const SHARED = process.env.NETFATE_SHARED ?? resolve(REPO_ROOT, '../shared');

/** In CI a suite that cannot run fails instead of skipping. */
export function requireShared(): boolean {
  if (existsSync(SHARED)) return true;
  if (process.env.CI) throw new Error(`../shared not found at ${SHARED}; CI must run with it`);
  return false;
}
