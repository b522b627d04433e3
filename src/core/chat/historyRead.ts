// Reading the chat history from workspace storage, whatever it holds: our own keys, version 1's
// single key (migrated), a newer Inkwell's keys (left alone), or damage. Only reads: it says what
// to copy aside and what to write, and chatHistory.ts does it in that order.

import { isRecord } from '../json';
import { parseConversation } from './conversationJson';
import { FORMAT_VERSION, INDEX_KEY, LEGACY_KEY, conversationIdOf, conversationKey, newerIndexKeys, unreadableKey, type KeyValueStore } from './historyKeys';
import type { ChatStoreData, Conversation } from './transcript';

/** The index: which conversations there are, in order, and which one is open. */
export interface HistoryIndex {
  version: number;
  currentId: string;
  /** Most recent first. */
  ids: string[];
  /** Keys of newer formats' histories the writer was already told about. */
  newerSeen: string[];
}

/** A stored value that could not be read in full, to be copied to `to` before `from` is written. */
export interface AsideCopy {
  from: string;
  to: string;
  value: unknown;
  problems: string[];
}

export interface StoredHistory {
  /** Undefined when there is nothing to show: a fresh store. */
  data: ChatStoreData | undefined;
  /** Conversations whose stored value reads back as they are: they need no write. */
  clean: Set<string>;
  /** The stored index as JSON when it was read in full, so that an unchanged index is not rewritten. */
  indexJson: string | undefined;
  aside: AsideCopy[];
  /** Keys of ours that held nothing readable: removed once copied aside. */
  unreadableKeys: string[];
  /** Newer formats' history keys: all of them, and those the writer has not been told about. */
  newer: { all: string[]; untold: string[] };
}

export function indexJson(index: HistoryIndex): string {
  return JSON.stringify(index);
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

function parseIndex(raw: unknown): HistoryIndex | undefined {
  if (!isRecord(raw) || raw.version !== FORMAT_VERSION || typeof raw.currentId !== 'string') return undefined;
  const ids = stringList(raw.ids);
  const newerSeen = raw.newerSeen === undefined ? [] : stringList(raw.newerSeen);
  return ids && newerSeen ? { version: FORMAT_VERSION, currentId: raw.currentId, ids, newerSeen } : undefined;
}

interface Legacy {
  conversations: Conversation[];
  currentId: string | undefined;
  problems: string[];
  /** A newer Inkwell wrote this key: not ours to read or to copy. */
  newer: boolean;
}

/** Version 1's single key: { version: 1, currentId, conversations: [...] }. */
function readLegacy(raw: unknown): Legacy {
  const legacy: Legacy = { conversations: [], currentId: undefined, problems: [], newer: false };
  if (raw === undefined) return legacy;
  if (isRecord(raw) && typeof raw.version === 'number' && raw.version > 1) {
    legacy.newer = true;
    return legacy;
  }
  if (!isRecord(raw) || raw.version !== 1 || !Array.isArray(raw.conversations)) {
    legacy.problems.push('the stored history is not a version 1 chat store');
    return legacy;
  }
  if (typeof raw.currentId === 'string') legacy.currentId = raw.currentId;
  const seen = new Set<string>();
  raw.conversations.forEach((item, i) => {
    const { conversation, problems } = parseConversation(item);
    legacy.problems.push(...problems.map((p) => `conversation ${i + 1}: ${p}`));
    if (!conversation) return;
    if (seen.has(conversation.id)) legacy.problems.push(`conversation ${i + 1}: a second copy of ${conversation.id}; dropped`);
    else legacy.conversations.push(conversation);
    seen.add(conversation.id);
  });
  return legacy;
}

export function readHistory(storage: KeyValueStore, now: number): StoredHistory {
  const keys = storage.keys();
  const out: StoredHistory = { data: undefined, clean: new Set(), indexJson: undefined, aside: [], unreadableKeys: [], newer: { all: [], untold: [] } };
  const setAside = (from: string, value: unknown, problems: string[]) => out.aside.push({ from, to: unreadableKey(from, now), value, problems });

  let listed: string[] = [];
  let currentId: string | undefined;
  let newerSeen: string[] = [];
  const conversations: Conversation[] = [];
  const rawIndex = storage.get(INDEX_KEY);
  if (rawIndex === undefined) {
    // Nothing of ours yet: this workspace may hold version 1's history, to migrate once.
    const rawLegacy = storage.get(LEGACY_KEY);
    const legacy = readLegacy(rawLegacy);
    if (legacy.problems.length) setAside(LEGACY_KEY, rawLegacy, legacy.problems);
    if (legacy.newer) out.newer.all.push(LEGACY_KEY);
    conversations.push(...legacy.conversations);
    currentId = legacy.currentId;
  } else {
    const index = parseIndex(rawIndex);
    if (index) {
      out.indexJson = indexJson(index);
      ({ ids: listed, currentId, newerSeen } = index);
    } else {
      setAside(INDEX_KEY, rawIndex, ['the history index is unreadable; it is rebuilt from the conversations']);
    }
  }

  // Ours: the index's conversations in its order, then any it does not list (a save cut short, or
  // a rebuilt index), most recent first.
  const unlisted: Conversation[] = [];
  const stored = new Set(keys.map(conversationIdOf).filter((id): id is string => id !== undefined));
  for (const id of new Set([...listed.filter((id) => stored.has(id)), ...stored])) {
    const key = conversationKey(id);
    const raw = storage.get(key);
    const { conversation, problems } = parseConversation(raw);
    if (conversation && conversation.id !== id) problems.push(`it calls itself ${conversation.id.slice(0, 40)}; kept as ${id}`);
    if (problems.length) setAside(key, raw, problems);
    if (!conversation) {
      out.unreadableKeys.push(key);
      continue;
    }
    conversation.id = id;
    if (!problems.length) out.clean.add(id);
    if (listed.includes(id)) conversations.push(conversation);
    else unlisted.push(conversation);
  }
  conversations.push(...unlisted.sort((a, b) => b.updatedAt - a.updatedAt));

  const newer = [...out.newer.all, ...newerIndexKeys(keys)];
  out.newer = { all: [...new Set([...newerSeen, ...newer])], untold: newer.filter((key) => !newerSeen.includes(key)) };
  if (conversations.length > 0) {
    out.data = {
      currentId: currentId && conversations.some((c) => c.id === currentId) ? currentId : conversations[0].id,
      conversations,
    };
  }
  return out;
}
