/** `-m comment`: xt_comment matches every packet; the text is only carried for people. */
import { isCommentMatch } from '../../ast/modules/match/comment.js';
import { registerTyped, YES } from './common.js';
import { registerEveryPacketMatch } from './index.js';

registerTyped('comment', isCommentMatch, () => YES);
// Its options are only text: whatever they hold, the packet matches.
registerEveryPacketMatch('comment');
