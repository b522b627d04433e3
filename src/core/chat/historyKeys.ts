// Where the chat history lives in workspace storage, and the little of that storage it needs.
//
// Each format version owns the keys that carry its number and never writes a key it does not own.
// A later format must use its own keys (inkwell.chat.v3.…) and read ours; so when an older Inkwell
// opens a workspace a newer one used, each keeps its own history and neither overwrites the other.
// Version 1 kept everything under one key, rewritten whole on every save; it is read once, to
// migrate, and never written again.

/** The part of VS Code's Memento the history uses; a plain object can stand in for it in tests. */
export interface KeyValueStore {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
  keys(): readonly string[];
}

export const FORMAT_VERSION = 2;
export const LEGACY_KEY = 'inkwell.chat.store';
export const INDEX_KEY = `inkwell.chat.v${FORMAT_VERSION}.index`;
const CONVERSATION_PREFIX = `inkwell.chat.v${FORMAT_VERSION}.conversation.`;
const UNREADABLE_PREFIX = 'inkwell.chat.history.unreadable.';
const INDEX_PATTERN = /^inkwell\.chat\.v(\d+)\.index$/;

export function conversationKey(id: string): string {
  return CONVERSATION_PREFIX + id;
}

/** The conversation id a key of ours names, or undefined for any other key. */
export function conversationIdOf(key: string): string | undefined {
  return key.startsWith(CONVERSATION_PREFIX) && key.length > CONVERSATION_PREFIX.length ? key.slice(CONVERSATION_PREFIX.length) : undefined;
}

/** Where a value we could not read is copied before anything of ours is written: its key and when. */
export function unreadableKey(sourceKey: string, now: number): string {
  return `${UNREADABLE_PREFIX}${now}.${sourceKey}`;
}

/** The index keys of formats newer than ours that this workspace's storage holds. */
export function newerIndexKeys(keys: readonly string[]): string[] {
  return keys.filter((key) => Number(INDEX_PATTERN.exec(key)?.[1] ?? 0) > FORMAT_VERSION);
}
