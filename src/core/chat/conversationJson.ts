// One conversation to and from the plain data workspace storage keeps. Reading never throws, and
// says what it could not read: a caller that loses anything keeps the stored value aside first.

import { ERROR_ACTIONS, type ErrorAction, type MessageStatus } from '../protocol/chatProtocol';
import { isRecord } from '../json';
import type { ChatTurn, Conversation } from './transcript';

export interface ParsedConversation {
  /** Undefined when nothing of it could be read (no id, no message list). */
  conversation: Conversation | undefined;
  /** What was dropped or replaced, in words for the log; empty when all of it was read. */
  problems: string[];
}

const STATUSES: readonly MessageStatus[] = ['done', 'streaming', 'stopped', 'cut', 'error'];
const CUT_BY_RELOAD = 'The window was reloaded while the reply was streaming; the text so far is kept.';

/** A copy that shares nothing with the live conversation, which goes on changing while it streams. */
export function conversationData(conversation: Conversation): Conversation {
  return structuredClone(conversation);
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
  const turn: ChatTurn = { id: r.id, role: r.role, text: r.text, status, createdAt: fields.time('createdAt') };
  if (isRecord(r.passage) && typeof r.passage.text === 'string' && typeof r.passage.source === 'string') {
    turn.passage = { text: r.passage.text, source: r.passage.source };
  } else if (r.passage !== undefined) {
    problems.push(`${where}: the attached passage is unreadable`);
  }
  if (error !== undefined) turn.error = error;
  if (Array.isArray(r.errorActions)) {
    const actions = r.errorActions.filter((a): a is ErrorAction => (ERROR_ACTIONS as readonly unknown[]).includes(a));
    if (actions.length) turn.errorActions = actions;
  }
  if (status === 'cut' && turn.role === 'assistant') turn.errorActions = ['retry'];
  const model = fields.string('model');
  if (model) turn.model = model;
  if (r.foldedSystemPrompt === true) turn.foldedSystemPrompt = true;
  return turn;
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
