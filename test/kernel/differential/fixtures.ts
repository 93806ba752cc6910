/**
 * Regression fixtures: a ruleset, the lab's host model, a packet and what the kernel did with it.
 * The kernel suite writes them (a shrunk disagreement, or a named surprising behaviour); the
 * root-free replay test (test/eval/kernel-fixtures.test.ts) checks netfate against each.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostModel, Packet } from '../../../src/eval/types.js';
import { hostModel } from './lab.js';
import { netfatePacket, type Answer, type LabCase } from './model.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface KernelFixture {
  readonly name: string;
  /** What the fixture shows about the kernel, in a sentence. */
  readonly description: string;
  readonly ruleset: string;
  readonly host: HostModel;
  /** The packet as netfate takes it, and as the lab injected it. */
  readonly packet: Packet;
  readonly case: LabCase;
  readonly kernel: Answer;
  /**
   * Set while netfate disagrees with the kernel here (a known evaluator bug): how it differed
   * when recorded. The replay expects the disagreement until the bug is fixed, then fails so
   * that whoever fixed it removes this field.
   */
  readonly netfateDisagreed?: readonly string[];
}

export function makeFixture(name: string, description: string, ruleset: string, c: LabCase, kernel: Answer, disagreed: readonly string[]): KernelFixture {
  const { verdict, path, egress, final, steps } = kernel;
  return {
    name,
    description,
    ruleset,
    host: hostModel(),
    packet: netfatePacket(c),
    case: c,
    kernel: { verdict, path, egress, final, steps },
    ...(disagreed.length ? { netfateDisagreed: disagreed } : {}),
  };
}

export function writeFixture(f: KernelFixture): string {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const file = join(FIXTURE_DIR, `${f.name}.json`);
  writeFileSync(file, JSON.stringify(f, null, 2) + '\n');
  return file;
}

export function readFixtures(): KernelFixture[] {
  let names: string[];
  try {
    names = readdirSync(FIXTURE_DIR).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(join(FIXTURE_DIR, n), 'utf8')) as KernelFixture);
}
