// The chat's conversations as the extension keeps them (docs/security.md, item 10): ids, the truncation
// that Regenerate and Edit-and-resend do, and the history in memory. Pure: no vscode, no DOM.

import type { ConversationView, ErrorAction, MessageStatus, MessageView, Passage } from '../protocol/chatProtocol';
import { newId } from '../ids';
import { alternativeView } from './replyAlternatives';

/** One answer of a reply: Regenerate adds another to the same reply (replyAlternatives.ts). */
export interface ReplyAlternative {
  text: string;
  status: MessageStatus;
  error?: string;
  errorActions?: ErrorAction[];
  model?: string;
  foldedSystemPrompt?: boolean;
  createdAt: number;
}

/** A message as the extension keeps it: what the webview sees, plus when it was written. */
export interface ChatTurn extends Omit<MessageView, 'alternative'> {
  createdAt: number;
  /**
   * A reply's alternatives in the order they were written, when it has more than one. The turn's own
   * text, status, error, model and folding are a copy of `alternatives[shown]`'s, kept in step by
   * replyAlternatives.ts, so whatever reads a turn (the model's messages, Copy, Insert) reads the one shown.
   */
  alternatives?: ReplyAlternative[];
  shown?: number;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** The conversation's own system prompt; undefined means the inkwell.chat.systemPrompt setting. */
  systemPrompt?: string;
  /** The sampling preset chosen for this conversation. */
  presetId?: string;
  messages: ChatTurn[];
}

export interface ChatStoreData {
  currentId: string;
  /** Most recent first; the current conversation is always among them. */
  conversations: Conversation[];
}

const TITLE_CHARS = 60;

export function emptyConversation(now = Date.now()): Conversation {
  return { id: newId('c'), title: 'New chat', createdAt: now, updatedAt: now, messages: [] };
}

export function titleFrom(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (!line) return 'New chat';
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}

/** What the model is sent for a user turn: the attached passage as a quotation, then the words. */
export function userContent(turn: Pick<ChatTurn, 'text' | 'passage'>): string {
  if (!turn.passage) return turn.text;
  const quoted = turn.passage.text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
  return turn.text.trim() ? `${quoted}\n\n${turn.text}` : quoted;
}

/**
 * The messages for the model: system prompt, then every user turn and every finished or partly
 * finished reply before `uptoExclusive` (failed replies with no text are left out).
 */
export function modelMessages(
  conversation: Conversation,
  systemPrompt: string,
  uptoExclusive = conversation.messages.length,
): { role: 'system' | 'user' | 'assistant'; content: string }[] {
  const out: { role: 'system' | 'user' | 'assistant'; content: string }[] = [];
  if (systemPrompt.trim()) out.push({ role: 'system', content: systemPrompt });
  for (const turn of conversation.messages.slice(0, uptoExclusive)) {
    if (turn.role === 'user') out.push({ role: 'user', content: userContent(turn) });
    else if (turn.text.trim()) out.push({ role: 'assistant', content: turn.text });
  }
  return out;
}

export function toView(conversation: Conversation): ConversationView {
  return { id: conversation.id, title: conversation.title, messages: conversation.messages.map(turnView) };
}

export function turnView(turn: ChatTurn): MessageView {
  const view: MessageView = { id: turn.id, role: turn.role, text: turn.text, status: turn.status };
  if (turn.passage) view.passage = turn.passage;
  if (turn.error !== undefined) view.error = turn.error;
  if (turn.errorActions?.length) view.errorActions = turn.errorActions;
  if (turn.model) view.model = turn.model;
  if (turn.foldedSystemPrompt) view.foldedSystemPrompt = true;
  const alternative = alternativeView(turn);
  if (alternative) view.alternative = alternative;
  return view;
}

/** Appends a user turn and an empty reply to stream into; returns the reply. */
export function addExchange(conversation: Conversation, text: string, passage: Passage | undefined, model: string, now = Date.now()): ChatTurn {
  const user: ChatTurn = { id: newId('m'), role: 'user', text, status: 'done', createdAt: now };
  if (passage) user.passage = passage;
  conversation.messages.push(user);
  if (conversation.messages.length === 1 || conversation.title === 'New chat') conversation.title = titleFrom(text || passage?.text || '');
  return addReply(conversation, model, now);
}

function addReply(conversation: Conversation, model: string, now: number): ChatTurn {
  const reply: ChatTurn = { id: newId('m'), role: 'assistant', text: '', status: 'streaming', model, createdAt: now };
  conversation.messages.push(reply);
  conversation.updatedAt = now;
  return reply;
}

/**
 * Edit and resend: the user turn gets the new text, everything after it goes, and a fresh reply
 * follows. Undefined when the id is not a user turn.
 */
export function editAndResend(conversation: Conversation, userId: string, text: string, model: string, now = Date.now()): ChatTurn | undefined {
  const index = conversation.messages.findIndex((m) => m.id === userId);
  if (index === -1 || conversation.messages[index].role !== 'user') return undefined;
  const user = conversation.messages[index];
  user.text = text;
  conversation.messages.splice(index + 1);
  if (index === 0) conversation.title = titleFrom(text || user.passage?.text || '');
  return addReply(conversation, model, now);
}

export function findTurn(conversation: Conversation, id: string): ChatTurn | undefined {
  return conversation.messages.find((m) => m.id === id);
}

// ---------------------------------------------------------------------------------------------
// The store: current conversation and history (how much of it workspace storage keeps is
// chatHistory.ts's concern)

export class ChatStore {
  private data: ChatStoreData;

  constructor(data?: ChatStoreData) {
    this.data = data && data.conversations.length > 0 ? data : freshData();
  }

  get current(): Conversation {
    return this.data.conversations.find((c) => c.id === this.data.currentId) ?? this.data.conversations[0];
  }

  /** Every conversation, most recent first, the current one included. */
  get conversations(): readonly Conversation[] {
    return this.data.conversations;
  }

  /** Earlier conversations that have messages, most recent first (the current one excluded). */
  history(): Conversation[] {
    return this.data.conversations.filter((c) => c.id !== this.current.id && c.messages.length > 0);
  }

  /** Starts a new conversation (reusing the current one if it is still empty). */
  newConversation(now = Date.now()): Conversation {
    if (this.current.messages.length === 0) return this.current;
    const fresh = emptyConversation(now);
    this.data.conversations.unshift(fresh);
    this.data.currentId = fresh.id;
    return fresh;
  }

  open(id: string): Conversation | undefined {
    const found = this.data.conversations.find((c) => c.id === id);
    if (!found) return undefined;
    // An empty current conversation is not worth a history slot.
    const previous = this.current;
    this.data.currentId = id;
    this.data.conversations = [found, ...this.data.conversations.filter((c) => c !== found && (c !== previous || c.messages.length > 0))];
    return found;
  }

  /** Marks the current conversation as just used (moves it to the front of the history). */
  touch(now = Date.now()): void {
    const current = this.current;
    current.updatedAt = now;
    this.data.conversations = [current, ...this.data.conversations.filter((c) => c !== current)];
  }

  /** Takes an earlier conversation out (once it is archived); the current one stays. */
  remove(id: string): boolean {
    if (id === this.current.id) return false;
    const before = this.data.conversations.length;
    this.data.conversations = this.data.conversations.filter((c) => c.id !== id);
    return this.data.conversations.length < before;
  }
}

function freshData(): ChatStoreData {
  const first = emptyConversation();
  return { currentId: first.id, conversations: [first] };
}
