// The chat panel's token probabilities: a reply's tokens as the page shows them (the same rows as the
// editor's hover), and the last replies' kept in memory so that a page drawn again gets them again.
// Not stored with the conversation: they are many times the reply's size. Pure: no vscode.
import type { GeneratedToken } from '../logprobs/choiceLogprobs';
import { bandOf, probability } from '../logprobs/probabilityBands';
import { hoverModel } from '../logprobs/tokenHover';
import type { ExtensionToWebview, PageToken } from '../protocol/chatProtocol';

/** Tokens of one reply the page gets; a longer reply's later tokens are shown as plain text. */
export const MAX_PAGE_TOKENS = 4000;
/** Replies whose probabilities are kept. */
const KEPT_REPLIES = 50;

type ProbabilitiesMessage = Extract<ExtensionToWebview, { type: 'probabilities' }>;

export function pageTokens(tokens: readonly GeneratedToken[]): PageToken[] {
  return tokens.slice(0, MAX_PAGE_TOKENS).map((token) => {
    const { rows, others } = hoverModel(token);
    const p = probability(token.logprob);
    return {
      text: token.text,
      p,
      band: bandOf(token.logprob),
      rows: rows.map((r) => ({ shown: r.shown, p: r.probability, chosen: r.chosen })),
      ...(others !== undefined ? { others } : {}),
    };
  });
}

export class ReplyProbabilities {
  private readonly kept = new Map<string, ProbabilitiesMessage>();

  /** The message for a reply that ended with `text` and these tokens; kept for later pages. */
  remember(messageId: string, text: string, tokens: readonly GeneratedToken[]): ProbabilitiesMessage {
    const message: ProbabilitiesMessage = { type: 'probabilities', messageId, text, tokens: pageTokens(tokens) };
    this.kept.delete(messageId);
    this.kept.set(messageId, message);
    if (this.kept.size > KEPT_REPLIES) this.kept.delete(this.kept.keys().next().value!);
    return message;
  }

  /** The kept messages for replies among `messageIds` (the conversation the page shows). */
  for(messageIds: readonly string[]): ProbabilitiesMessage[] {
    return messageIds.flatMap((id) => {
      const m = this.kept.get(id);
      return m ? [m] : [];
    });
  }
}
