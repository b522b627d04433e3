// A chat reply's alternatives: Regenerate (or Retry) adds one to the reply instead of replacing it,
// the new one is shown, and the page's ◀ n/m ▶ shows any other. Each alternative is its own object,
// so one can stream in while another is shown; the turn's own fields are a copy of the shown one's.
import { KEPT_LIMITS } from '../alternatives/keptAlternatives';
import type { MessageView } from '../protocol/chatProtocol';
import type { ChatTurn, Conversation, ReplyAlternative } from './transcript';

/** The most alternatives a reply keeps: as many as Continue Writing keeps at one spot. */
export const MAX_REPLY_ALTERNATIVES = KEPT_LIMITS.alternatives;

/** Writes `from`'s fields onto `to` (a turn, or an alternative), leaving out what `from` lacks. */
function setFields(to: ReplyAlternative, from: ReplyAlternative): void {
  to.text = from.text;
  to.status = from.status;
  to.createdAt = from.createdAt;
  if (from.error !== undefined) to.error = from.error;
  else delete to.error;
  if (from.errorActions) to.errorActions = [...from.errorActions];
  else delete to.errorActions;
  if (from.model !== undefined) to.model = from.model;
  else delete to.model;
  if (from.foldedSystemPrompt) to.foldedSystemPrompt = true;
  else delete to.foldedSystemPrompt;
}

/** The answer's own fields (a turn's, for one), copied. */
export function alternativeOf(from: ReplyAlternative): ReplyAlternative {
  const copy: ReplyAlternative = { text: '', status: 'done', createdAt: 0 };
  setFields(copy, from);
  return copy;
}

/** The alternative shown: the turn itself when it has only one. */
export function shownAlternative(turn: ChatTurn): ReplyAlternative {
  return turn.alternatives?.[turn.shown ?? 0] ?? turn;
}

export function isShown(turn: ChatTurn, alternative: ReplyAlternative): boolean {
  return shownAlternative(turn) === alternative;
}

/** Copies the shown alternative's fields onto the turn, after it changed or another was shown. */
export function syncShown(turn: ChatTurn): void {
  const shown = shownAlternative(turn);
  if (shown !== turn) setFields(turn, shown);
}

/** What the page's ◀ n/m ▶ shows; undefined for a reply with one alternative. */
export function alternativeView(turn: ChatTurn): MessageView['alternative'] {
  const count = turn.alternatives?.length ?? 0;
  return count > 1 ? { index: turn.shown ?? 0, count } : undefined;
}

/** Shows alternative `index` of a reply; false when the reply has no such alternative. */
export function showAlternative(turn: ChatTurn, index: number): boolean {
  if (!turn.alternatives || !Number.isInteger(index) || index < 0 || index >= turn.alternatives.length) return false;
  turn.shown = index;
  syncShown(turn);
  return true;
}

/**
 * A fresh, empty alternative to stream into, added after the others and shown; returned. What the
 * reply had stays, except an alternative that ended with no text (it has nothing to show), and, past
 * the bound, the oldest one other than the one shown until now (the writer's pick stays).
 */
export function addAlternative(turn: ChatTurn, model: string, now = Date.now()): ReplyAlternative {
  const shownBefore = shownAlternative(turn);
  const kept = (turn.alternatives ?? [turn])
    .filter((a) => a.text.length > 0)
    .map((a) => ({ alternative: a === turn ? alternativeOf(turn) : a, pick: a === shownBefore }));
  while (kept.length >= MAX_REPLY_ALTERNATIVES) kept.splice(Math.max(0, kept.findIndex((k) => !k.pick)), 1);
  const fresh: ReplyAlternative = { text: '', status: 'streaming', model, createdAt: now };
  if (kept.length === 0) {
    delete turn.alternatives;
    delete turn.shown;
    setFields(turn, fresh);
    return turn;
  }
  turn.alternatives = [...kept.map((k) => k.alternative), fresh];
  turn.shown = kept.length;
  syncShown(turn);
  return fresh;
}

/**
 * Regenerate (or Retry) a reply: it must be the last message and follow a user turn. A new
 * alternative is added to it and shown. Undefined when the message is not a reply that can be regenerated.
 */
export function regenerateReply(conversation: Conversation, replyId: string, model: string, now = Date.now()): ChatTurn | undefined {
  const index = conversation.messages.findIndex((m) => m.id === replyId);
  if (index === -1 || index !== conversation.messages.length - 1) return undefined;
  const reply = conversation.messages[index];
  if (reply.role !== 'assistant' || index === 0 || conversation.messages[index - 1].role !== 'user') return undefined;
  addAlternative(reply, model, now);
  conversation.updatedAt = now;
  return reply;
}
