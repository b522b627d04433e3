// How much chat history workspace storage keeps. VS Code reads a workspace's whole storage into
// memory when the window opens, and holds it there, so the history must not grow without end; what
// goes over the bound is archived (chatHistory.ts), oldest first, never dropped.

import type { Conversation } from './transcript';

export interface HistoryLimits {
  conversations: number;
  /** Characters of text over all kept conversations: messages (every alternative of a reply), passages and system prompts. */
  chars: number;
}

/**
 * A hundred conversations, three million characters: several novels' worth of talk, a few
 * megabytes on disk, well above what a writer scrolls back through in one workspace.
 */
export const HISTORY_LIMITS: HistoryLimits = { conversations: 100, chars: 3_000_000 };

export function conversationChars(conversation: Conversation): number {
  let chars = conversation.title.length + (conversation.systemPrompt?.length ?? 0);
  for (const turn of conversation.messages) {
    chars += turn.passage?.text.length ?? 0;
    // A reply's alternatives are all kept (the turn's own text is the shown one's, counted once).
    if (turn.alternatives) for (const alternative of turn.alternatives) chars += alternative.text.length;
    else chars += turn.text.length;
  }
  return chars;
}

/**
 * The conversations to archive so that the rest fit the limits: the oldest first (the list is
 * most recent first), never the current one, which stays however long it grows.
 */
export function overBound(conversations: readonly Conversation[], currentId: string, limits: HistoryLimits): Conversation[] {
  let count = conversations.length;
  let chars = conversations.reduce((sum, c) => sum + conversationChars(c), 0);
  const out: Conversation[] = [];
  for (let i = conversations.length - 1; i >= 0 && (count > limits.conversations || chars > limits.chars); i--) {
    const conversation = conversations[i];
    if (conversation.id === currentId) continue;
    out.push(conversation);
    count--;
    chars -= conversationChars(conversation);
  }
  return out;
}
