/**
 * Splits a command line into words the way iptables-restore does (add_param_to_argv): blanks
 * separate words; "…" groups may hold blanks and may sit inside a word (`a"b c"d` is `ab cd`);
 * inside quotes a backslash escapes the next character. Single quotes are ordinary characters.
 * A leading `[packets:bytes]` word is returned separately.
 */

export interface RestoreWord {
  /** The word with quoting removed. */
  readonly text: string;
  /** Offset of the word's first character in the line. */
  readonly start: number;
  /** Length of the word as written (quotes included). */
  readonly length: number;
}

export function splitRestoreWords(line: string): RestoreWord[] {
  const words: RestoreWord[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    const start = i;
    let text = '';
    let plainFrom = i;
    let quoted = false;
    for (; i < n; i++) {
      c = line.charCodeAt(i);
      if (quoted) {
        if (c === 92 /* \ */ && i + 1 < n) {
          text += line.slice(plainFrom, i);
          i++;
          plainFrom = i;
        } else if (c === 34 /* " */) {
          text += line.slice(plainFrom, i);
          quoted = false;
          plainFrom = i + 1;
        }
      } else if (c === 34) {
        text += line.slice(plainFrom, i);
        quoted = true;
        plainFrom = i + 1;
      } else if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
        break;
      }
    }
    text += line.slice(plainFrom, i);
    words.push({ text, start, length: i - start });
  }
  return words;
}

const COUNTERS = /^\[(\d+):(\d+)\]$/;

/** `[12:345]` as numbers, or null. */
export function parseCounterWord(word: string): { packets: number; bytes: number } | null {
  const m = COUNTERS.exec(word);
  return m ? { packets: Number(m[1]), bytes: Number(m[2]) } : null;
}
