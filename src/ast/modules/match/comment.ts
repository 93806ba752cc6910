/** `-m comment`: matches everything; carries a note (at most 255 bytes) that iptables-save prints back. */
import type { Match } from '../../types.js';
import { saveString, type ExtensionDef } from '../extension.js';
import { checkOptionTable, fitCString, isKnownMatch, lastOption, type XtOption } from './state-util.js';

export interface CommentOptions {
  readonly text: string;
}

export function isCommentMatch(m: Match): m is Match<CommentOptions> {
  return isKnownMatch(m, 'comment');
}

/** XT_MAX_COMMENT_LEN */
const COMMENT_SIZE = 256;
const OPTIONS: readonly XtOption[] = [{ name: 'comment', args: 1, mandatory: true }];

export const commentMatch: ExtensionDef<CommentOptions> = {
  kind: 'match',
  name: 'comment',
  options: OPTIONS,
  parse(raw, ctx) {
    if (!checkOptionTable('comment', raw, OPTIONS, ctx)) return null;
    const opt = lastOption(raw, 'comment')!;
    return { text: fitCString(opt.args[0], COMMENT_SIZE, ctx, opt, 'comment') };
  },
  save(o) {
    return `--comment ${saveString(o.text)}`;
  },
};
