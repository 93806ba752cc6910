/**
 * Chevrotain custom patterns that match only at the start of a line. iptables-restore treats
 * `#`, `*` and `:` specially only in column 1; elsewhere they are ordinary characters of a word.
 */
import type { CustomPatternMatcherFunc } from 'chevrotain';

export function atLineStart(re: RegExp): CustomPatternMatcherFunc {
  const sticky = new RegExp(re.source, 'y');
  return (text, offset) => {
    if (offset > 0) {
      const prev = text.charCodeAt(offset - 1);
      if (prev !== 10 && prev !== 13) return null;
    }
    sticky.lastIndex = offset;
    return sticky.exec(text);
  };
}
