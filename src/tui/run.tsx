/**
 * Starts the step UI on the terminal and resolves when the user quits. The ruleset may have come
 * from stdin (`netfate step -`), so keys are read from the controlling terminal when stdin is not one.
 */
import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import type { Ruleset } from '../ast/types.js';
import type { Packet, Trace } from '../eval/types.js';

export interface StepUiArgs {
  readonly ruleset: Ruleset;
  readonly trace: Trace;
  readonly packet: Packet;
  readonly texts: ReadonlyMap<string, string>;
}

/** A terminal to read keys from: stdin when it is one, else /dev/tty; null when there is none. */
function keyboard(): NodeJS.ReadStream | null {
  if (process.stdin.isTTY) return process.stdin;
  try {
    return new ReadStream(openSync('/dev/tty', 'r')) as unknown as NodeJS.ReadStream;
  } catch {
    return null;
  }
}

/** Why the step UI cannot run here (no terminal to draw on or to read keys from), or null. */
export function stepUiUnavailable(): string | null {
  if (!process.stdout.isTTY) return 'standard output is not a terminal';
  if (!process.stdin.isTTY) {
    const tty = keyboard();
    if (!tty) return 'there is no terminal to read keys from';
    tty.destroy();
  }
  return null;
}

// The alternate screen keeps the user's scrollback as it was; the UI disappears on quit.
const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

/**
 * Ink decides once, when first loaded, whether it runs in CI (CI or CONTINUOUS_INTEGRATION set)
 * and there draws nothing until exit. The step UI only starts with a terminal and a keyboard, so
 * it is interactive whatever those say: they are hidden while Ink loads, and put back.
 */
async function loadInteractiveInk() {
  const saved = CI_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const [name] of saved) delete process.env[name];
  try {
    const [{ render }, { App }] = await Promise.all([import('ink'), import('./App.js')]);
    return { render, App };
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

export async function runStepUi(args: StepUiArgs): Promise<void> {
  const { render, App } = await loadInteractiveInk();
  const stdin = keyboard();
  if (!stdin) throw new Error('netfate step needs a terminal to read keys from');
  process.stdout.write(ENTER_ALT_SCREEN);
  try {
    const instance = render(<App ruleset={args.ruleset} trace={args.trace} packet={args.packet} texts={args.texts} />, {
      stdin,
      stdout: process.stdout,
      exitOnCtrlC: true,
      patchConsole: false,
    });
    await instance.waitUntilExit();
  } finally {
    process.stdout.write(LEAVE_ALT_SCREEN);
    if (stdin !== process.stdin) stdin.destroy();
  }
}
