// What the page holds between messages from the extension. One object, made in main.ts and handed
// to each part that reads or changes it, so every reader sees the same conversation and run.
import type { ConversationView, MessageView, PageToken, PanelConfig, Passage, TokenInfo } from '../core/protocol/chatProtocol';

/** The reply being written: its request (to stop it) and its message (to stream into). */
export interface Running {
  requestId: string;
  messageId: string;
}

export interface PageState {
  conversation: ConversationView | undefined;
  running: Running | undefined;
  config: PanelConfig | undefined;
  tokens: TokenInfo | undefined;
  /** Attached to the next message the writer sends; kept in the draft. */
  passage: Passage | undefined;
  /** The user message open for editing, if any. */
  editing: string | undefined;
  /** Replies' tokens with their probabilities, for the reply whose text is `text`. */
  probabilities: Map<string, { text: string; tokens: PageToken[] }>;
  /** Replies shown as their tokens rather than formatted. */
  tokenView: Set<string>;
}

/** A reply's tokens, when the reply shown is the one they are for. */
export function tokensOf(state: PageState, message: MessageView): PageToken[] | undefined {
  const kept = state.probabilities.get(message.id);
  return kept && kept.text === message.text && !isStreaming(state, message.id) ? kept.tokens : undefined;
}

export function createPageState(): PageState {
  return { conversation: undefined, running: undefined, config: undefined, tokens: undefined, passage: undefined, editing: undefined, probabilities: new Map(), tokenView: new Set() };
}

export function findMessage(state: PageState, messageId: string | undefined): MessageView | undefined {
  return state.conversation?.messages.find((m) => m.id === messageId);
}

/**
 * True while the message's text is being written: its reply is running and the alternative shown is
 * the one streaming (another alternative of a running reply is shown finished, with its buttons).
 */
export function isStreaming(state: PageState, messageId: string): boolean {
  return state.running?.messageId === messageId && findMessage(state, messageId)?.status === 'streaming';
}
