/**
 * Line arithmetic for the step UI. Every component gets a fixed number of single-line rows, so the
 * screen never grows past the terminal (Ink then redraws in place instead of scrolling) and an
 * 80x24 terminal keeps the step counter, the chain and the rule under test in view.
 */

/** Shortens one line to `width` columns, marking the cut with an ellipsis. */
export function clip(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  return chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

/** Keeps the end of a line (a call stack's innermost chain matters most). */
export function clipStart(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  return '…' + chars.slice(chars.length - Math.max(0, width - 1)).join('');
}

/**
 * Breaks text into at most `maxLines` lines of `width` columns, at spaces where it can; the last
 * line ends in an ellipsis when text is left over.
 */
export function wrapLines(text: string, width: number, maxLines: number): string[] {
  if (width <= 0 || maxLines <= 0) return [];
  const lines: string[] = [];
  let rest = [...text];
  while (rest.length > 0 && lines.length < maxLines) {
    if (rest.length <= width) {
      lines.push(rest.join(''));
      rest = [];
      break;
    }
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= 0) cut = width;
    lines.push(rest.slice(0, cut).join('').trimEnd());
    rest = rest.slice(cut);
    while (rest[0] === ' ') rest.shift();
  }
  if (rest.length > 0 && lines.length > 0) lines[lines.length - 1] = clip(lines[lines.length - 1] + ' ' + rest.join(''), width);
  return lines.length ? lines : [''];
}

/**
 * The rows of a list to render so that `current` is in view: a window of `height` rows around it,
 * never past either end. Only these rows are built, whatever the length of the chain.
 */
export function windowAround(total: number, current: number, height: number): { start: number; end: number } {
  if (total <= 0 || height <= 0) return { start: 0, end: 0 };
  const size = Math.min(height, total);
  const wanted = current - Math.floor((size - 1) / 2);
  const start = Math.max(0, Math.min(wanted, total - size));
  return { start, end: start + size };
}
