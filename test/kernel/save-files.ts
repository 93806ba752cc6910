/**
 * The iptables-save inputs that the corpus suite parses and the kernel suite loads: the real-world
 * corpus, upstream's save-format dumps, and the project's own rulesets. Listing files (`.list`)
 * belong to the listing suite; `derived/` holds analysis outputs, of which only `.save` files are
 * rulesets (today there are none: the fffuu golden files embed `*filter` lines in tool output).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, SHARED } from '../helpers/shared.js';

export type SaveFileGroup = 'real-world' | 'save-format' | 'project';

export interface SaveFile {
  readonly group: SaveFileGroup;
  /** Path relative to its group's root, used as the test name and in diagnostics. */
  readonly name: string;
  readonly path: string;
}

function filesIn(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => keep(f) && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => join(dir, f));
}

function walk(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path, keep));
    else if (entry.isFile() && keep(entry.name)) out.push(path);
  }
  return out.sort();
}

const isSave = (name: string): boolean => name.endsWith('.save');

export function realWorldSaveFiles(): SaveFile[] {
  const root = join(SHARED, 'corpus/real-world');
  return [...filesIn(root, isSave), ...filesIn(join(root, 'derived'), isSave)].map((path) => ({
    group: 'real-world',
    name: relative(root, path),
    path,
  }));
}

/** Upstream's dumps: every file in the directory is iptables-save text. */
export function saveFormatFiles(): SaveFile[] {
  const root = join(SHARED, 'conformance/save-format');
  return filesIn(root, (f) => !f.endsWith('.md')).map((path) => ({ group: 'save-format', name: relative(root, path), path }));
}

/** `rulesets/**\/*.save` of this repository (the generator's output is not checked in). */
export function projectSaveFiles(): SaveFile[] {
  const root = join(REPO_ROOT, 'rulesets');
  return walk(root, isSave).map((path) => ({ group: 'project', name: relative(REPO_ROOT, path), path }));
}
