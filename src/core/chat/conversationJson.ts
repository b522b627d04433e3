// One conversation to and from the plain data workspace storage keeps. Reading never throws, and
// says what it could not read: a caller that loses anything keeps the stored value aside first.

import { ERROR_ACTIONS, type ErrorAction, type MessageStatus } from '../protocol/chatProtocol';
import { isRecord } from '../json';
import { MAX_REPLY_ALTERNATIVES, alternativeOf, syncShown } from './replyAlternatives';
import type { ChatTurn, Conversation, ReplyAlternative } from './transcript';

export interface ParsedConversation {
  /** Undefined when nothing of it could be read (no id, no message list). */
  conversation: Conversation | undefined;
  /** What was dropped or replaced, in words for the log; empty when all of it was read. */
  problems: string[];
}

const STATUSES: readonly MessageStatus[] = ['done', 'streaming', 'stopped', 'cut', 'error'];
const CUT_BY_RELOAD = 'The window was reloaded while the reply was streaming; the text so far is kept.';

/** A copy that shares nothing with the live conversation, which goes on changing while it streams. */
export function conversationData(conversation: Conversation): StoredConversation {
  const copy = structuredClone(conversation);
  return { ...copy, messages: copy.messages.map(storedTurn) };
}

/** Reads optional fields, noting each one that is present but of the wrong type. */
class FieldReader {
  constructor(
    private readonly record: Record<string, unknown>,
    private readonly problems: string[],
    private readonly where: string,
  ) {}

  string(name: string): string | undefined {
    const value = this.record[name];
    if (value === undefined || typeof value === 'string') return value;
    this.problems.push(`${this.where}: ${name} is not text`);
    return undefined;
  }

  time(name: string): number {
    const value = this.record[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (value !== undefined) this.problems.push(`${this.where}: ${name} is not a time`);
    return 0;
  }
}

/** The fields of one answer (a turn's own, or one alternative's); `text` must already be known to be text. */
function parseAnswer(r: Record<string, unknown> & { text: string }, where: string, problems: string[], isReply: boolean): ReplyAlternative {
  const fields = new FieldReader(r, problems, where);
  let status: MessageStatus = 'done';
  if (STATUSES.includes(r.status as MessageStatus)) status = r.status as MessageStatus;
  else problems.push(`${where}: unknown status ${JSON.stringify(r.status)?.slice(0, 40)}`);
  let error = fields.string('error');
  // A reply still streaming when the window closed was cut by the reload; its text stays.
  if (status === 'streaming') {
    status = 'cut';
    error = CUT_BY_RELOAD;
  }
  const answer: ReplyAlternative = { text: r.text, status, createdAt: fields.time('createdAt') };
  if (error !== undefined) answer.error = error;
  if (Array.isArray(r.errorActions)) {
    const actions = r.errorActions.filter((a): a is ErrorAction => (ERROR_ACTIONS as readonly unknown[]).includes(a));
    if (actions.length) answer.errorActions = actions;
  }
  if (status === 'cut' && isReply) answer.errorActions = ['retry'];
  const model = fields.string('model');
  if (model) answer.model = model;
  if (r.foldedSystemPrompt === true) answer.foldedSystemPrompt = true;
  return answer;
}

function parseTurn(raw: unknown, index: number, problems: string[]): ChatTurn | undefined {
  const where = `message ${index + 1}`;
  if (!isRecord(raw)) {
    problems.push(`${where} is not a record; dropped`);
    return undefined;
  }
  const r = raw;
  if (typeof r.id !== 'string' || !r.id || typeof r.text !== 'string' || (r.role !== 'user' && r.role !== 'assistant')) {
    problems.push(`${where} has no id, text or role; dropped`);
    return undefined;
  }
  const turn: ChatTurn = { id: r.id, role: r.role, ...parseAnswer({ ...r, text: r.text }, where, problems, r.role === 'assistant') };
  if (isRecord(r.passage) && typeof r.passage.text === 'string' && typeof r.passage.source === 'string') {
    turn.passage = { text: r.passage.text, source: r.passage.source };
  } else if (r.passage !== undefined) {
    problems.push(`${where}: the attached passage is unreadable`);
  }
  if (r.otherAlternatives !== undefined) readAlternatives(turn, r.otherAlternatives, where, problems);
  return turn;
}

/**
 * A reply's other alternatives as stored: the turn's own fields are the one shown (what a version of
 * Inkwell without alternatives reads as the reply), the others come before and after it.
 */
interface StoredAlternatives {
  before: ReplyAlternative[];
  after: ReplyAlternative[];
}
type StoredTurn = Omit<ChatTurn, 'alternatives' | 'shown'> & { otherAlternatives?: StoredAlternatives };
export type StoredConversation = Omit<Conversation, 'messages'> & { messages: StoredTurn[] };

function storedTurn(turn: ChatTurn): StoredTurn {
  syncShown(turn);
  const { alternatives, shown = 0, ...own } = turn;
  if (!alternatives) return own;
  return { ...own, otherAlternatives: { before: alternatives.slice(0, shown), after: alternatives.slice(shown + 1) } };
}

/** Adds the stored alternatives around the turn's own answer, as many as a reply keeps, each checked. */
function readAlternatives(turn: ChatTurn, raw: unknown, where: string, problems: string[]): void {
  if (turn.role !== 'assistant' || !isRecord(raw) || !Array.isArray(raw.before) || !Array.isArray(raw.after)) {
    problems.push(`${where}: the other alternatives are unreadable`);
    return;
  }
  const read = (list: unknown[], side: string) =>
    list.flatMap((item, i) => {
      if (isRecord(item) && typeof item.text === 'string') return [parseAnswer({ ...item, text: item.text }, `${where}, alternative ${side} ${i + 1}`, problems, true)];
      problems.push(`${where}: alternative ${side} ${i + 1} has no text; dropped`);
      return [];
    });
  const before = read(raw.before, 'before');
  const after = read(raw.after, 'after');
  const over = before.length + 1 + after.length - MAX_REPLY_ALTERNATIVES;
  if (over > 0) {
    problems.push(`${where}: ${over} alternatives over the ${MAX_REPLY_ALTERNATIVES} a reply keeps; dropped from the ends, the shown one kept`);
    before.splice(0, Math.min(over, before.length));
    after.splice(Math.max(0, MAX_REPLY_ALTERNATIVES - 1 - before.length));
  }
  if (before.length + after.length === 0) return;
  turn.alternatives = [...before, alternativeOf(turn), ...after];
  turn.shown = before.length;
}

export function parseConversation(raw: unknown): ParsedConversation {
  const problems: string[] = [];
  if (!isRecord(raw) || typeof raw.id !== 'string' || !raw.id || !Array.isArray(raw.messages)) {
    return { conversation: undefined, problems: ['a conversation with no id or no message list'] };
  }
  const r = raw;
  const fields = new FieldReader(r, problems, 'the conversation');
  const conversation: Conversation = {
    id: raw.id,
    title: fields.string('title') ?? 'New chat',
    createdAt: fields.time('createdAt'),
    updatedAt: fields.time('updatedAt'),
    messages: raw.messages.map((m, i) => parseTurn(m, i, problems)).filter((t): t is ChatTurn => t !== undefined),
  };
  const systemPrompt = fields.string('systemPrompt');
  if (systemPrompt !== undefined) conversation.systemPrompt = systemPrompt;
  const presetId = fields.string('presetId');
  if (presetId) conversation.presetId = presetId;
  return { conversation, problems };
}
