/**
 * Terminal transcripts: a shell prompt line such as `user@host:~$ sudo iptables -t nat -L -n -v`
 * names the table (and family) of the output that follows it.
 */
import type { Family } from './types.js';

/** A prompt, then an iptables/ip6tables command (optionally through sudo or a full path). */
const PROMPT_COMMAND =
  /^(?:.*?[$#%>]\s*|\s*)(?:sudo\s+(?:-\S+\s+)*)?(?:\S*\/)?(ip6?tables(?:-legacy|-nft)?(?:-save)?)(?:\s+(.*))?$/;

export interface PromptCommand {
  readonly program: string;
  readonly family: Family;
  /** Table named by `-t`/`--table`; `filter` when the command names none (iptables' default). */
  readonly table: string;
  /** The command lists (`-L`, `-S`) or saves (`iptables-save`). */
  readonly kind: 'list' | 'spec' | 'save' | 'other';
}

export function parsePromptCommand(line: string): PromptCommand | null {
  const m = PROMPT_COMMAND.exec(line.trimEnd());
  if (!m) return null;
  const program = m[1];
  const args = (m[2] ?? '').split(/\s+/).filter(Boolean);
  let table = 'filter';
  let kind: PromptCommand['kind'] = program.endsWith('-save') ? 'save' : 'other';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-t' || a === '--table') table = args[i + 1] ?? table;
    else if (a.startsWith('--table=')) table = a.slice('--table='.length);
    else if (/^-t\w+$/.test(a)) table = a.slice(2);
    else if (/^-[a-zA-Z]*L/.test(a) || a === '--list') kind = 'list';
    else if (/^-[a-zA-Z]*S/.test(a) || a === '--list-rules') kind = 'spec';
  }
  return { program, family: program.startsWith('ip6') ? 6 : 4, table, kind };
}

export function looksLikePrompt(line: string): boolean {
  return parsePromptCommand(line) !== null;
}

export function promptTable(line: string): string | null {
  return parsePromptCommand(line)?.table ?? null;
}
