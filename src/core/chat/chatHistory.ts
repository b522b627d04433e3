// The chat history in workspace storage: one key per conversation and a small index, so a save
// writes what changed (a streaming reply rewrites its own conversation, nothing else); a bound, with
// the oldest conversations archived outside workspace storage; and stored history that could not be
// read copied aside before anything of ours is written over it.

import { conversationData } from './conversationJson';
import { HISTORY_LIMITS, overBound, type HistoryLimits } from './historyBound';
import { FORMAT_VERSION, INDEX_KEY, conversationKey, type KeyValueStore } from './historyKeys';
import { indexJson, readHistory, type AsideCopy, type HistoryIndex, type StoredHistory } from './historyRead';
import { ChatStore, type Conversation } from './transcript';

/** What the writer is told: each at most once for the stored state it is about. */
export type HistoryNotice =
  | { kind: 'keptAside'; copies: Omit<AsideCopy, 'value'>[] }
  | { kind: 'newer'; keys: string[] }
  | { kind: 'archived'; title: string; where: string }
  | { kind: 'archiveFailed'; title: string; reason: string };

/** Somewhere outside workspace storage for conversations over the bound (a folder, in VS Code). */
export interface HistoryArchive {
  /** Resolves to where the conversation now is, in words for the writer, once it is safely written. */
  keep(id: string, json: string): Promise<string>;
}

export interface ChatHistoryOptions {
  archive: HistoryArchive;
  onNotice(notice: HistoryNotice): void;
  log(line: string): void;
  limits?: HistoryLimits;
  now?(): number;
}

export class ChatHistory {
  readonly store: ChatStore;
  /** Conversations whose key holds what they were when last written. */
  private readonly storedAsIs: Set<string>;
  private writtenIndex: string | undefined;
  private readonly newerSeen: string[];
  /** Keys whose unreadable value is being copied aside: their writes wait, and are skipped if the copy failed. */
  private readonly copying = new Map<string, Promise<boolean>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly archiving = new Set<string>();
  private readonly archiveFailed = new Set<string>();
  private readonly limits: HistoryLimits;
  private readonly now: () => number;

  private constructor(
    private readonly storage: KeyValueStore,
    stored: StoredHistory,
    private readonly options: ChatHistoryOptions,
  ) {
    this.store = new ChatStore(stored.data);
    this.storedAsIs = stored.clean;
    this.writtenIndex = stored.indexJson;
    this.newerSeen = stored.newer.all;
    this.limits = options.limits ?? HISTORY_LIMITS;
    this.now = options.now ?? Date.now;
  }

  /** Reads what storage holds, keeps aside what it cannot read, and writes ours where needed. */
  static open(storage: KeyValueStore, options: ChatHistoryOptions): ChatHistory {
    const stored = readHistory(storage, (options.now ?? Date.now)());
    const history = new ChatHistory(storage, stored, options);
    for (const copy of stored.aside) history.copyAside(copy);
    for (const key of stored.unreadableKeys) history.write(key, undefined);
    if (stored.aside.length) options.onNotice({ kind: 'keptAside', copies: stored.aside.map(({ from, to, problems }) => ({ from, to, problems })) });
    if (stored.newer.untold.length) options.onNotice({ kind: 'newer', keys: stored.newer.untold });
    history.save();
    return history;
  }

  /** Resolves once every write issued so far has reached storage (or failed and been logged). */
  async written(): Promise<void> {
    while (this.inFlight.size) await Promise.all(this.inFlight);
  }

  /**
   * Writes `changed` (a conversation that changed since its last write), every conversation not yet
   * stored, the index if the order or the current conversation changed, and removes the keys of
   * conversations that are gone. Then archives what is over the bound.
   */
  save(changed?: Conversation): void {
    const conversations = this.store.conversations;
    for (const conversation of conversations) {
      if (conversation !== changed && this.storedAsIs.has(conversation.id)) continue;
      this.write(conversationKey(conversation.id), conversationData(conversation));
      this.storedAsIs.add(conversation.id);
    }
    const index: HistoryIndex = { version: FORMAT_VERSION, currentId: this.store.current.id, ids: conversations.map((c) => c.id), newerSeen: this.newerSeen };
    const json = indexJson(index);
    if (json !== this.writtenIndex) {
      this.write(INDEX_KEY, index);
      this.writtenIndex = json;
    }
    const kept = new Set(index.ids);
    for (const id of this.storedAsIs) {
      if (kept.has(id)) continue;
      this.write(conversationKey(id), undefined);
      this.storedAsIs.delete(id);
    }
    this.archiveOverBound();
  }

  private copyAside(copy: AsideCopy): void {
    const copied: Promise<boolean> = Promise.resolve(this.storage.update(copy.to, copy.value)).then(
      () => {
        this.options.log(`Chat history: ${copy.from} could not be read in full (${copy.problems.slice(0, 5).join('; ')}); its value is kept under ${copy.to}.`);
        return true;
      },
      (error: unknown) => {
        this.options.log(`Chat history: ${copy.from} could not be copied aside (${String(error)}); it is left as it is and not written this session.`);
        return false;
      },
    );
    this.copying.set(copy.from, copied);
    this.track(copied);
  }

  private write(key: string, value: unknown): void {
    const update = () =>
      Promise.resolve(this.storage.update(key, value)).then(undefined, (error: unknown) => this.options.log(`Chat history: writing ${key} failed: ${String(error)}`));
    const copied = this.copying.get(key);
    this.track(copied ? copied.then((ok) => (ok ? update() : undefined)) : update());
  }

  private track(write: Promise<unknown>): void {
    const done = write.then(() => undefined);
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  /** The oldest conversations over the bound go to the archive; each leaves the store only once it is there. */
  private archiveOverBound(): void {
    const staying = this.store.conversations.filter((c) => !this.archiving.has(c.id) && !this.archiveFailed.has(c.id));
    for (const conversation of overBound(staying, this.store.current.id, this.limits)) {
      this.archiving.add(conversation.id);
      const snapshot = JSON.stringify(conversation);
      // The same form as in storage, so parseConversation reads an archived conversation too.
      const file = JSON.stringify({ format: 'inkwell.chat.conversation', version: FORMAT_VERSION, archivedAt: this.now(), conversation: conversationData(conversation) }, null, 2);
      this.options.archive.keep(conversation.id, file).then(
        (where) => {
          this.archiving.delete(conversation.id);
          // Reopened or changed while it was being written: it stays, and the bound is looked at next save.
          if (JSON.stringify(conversation) !== snapshot || !this.store.remove(conversation.id)) return;
          this.options.log(`Chat history: "${conversation.title}" archived to ${where}.`);
          this.options.onNotice({ kind: 'archived', title: conversation.title, where });
          this.save();
        },
        (error: unknown) => {
          this.archiving.delete(conversation.id);
          this.archiveFailed.add(conversation.id);
          this.options.onNotice({ kind: 'archiveFailed', title: conversation.title, reason: String(error) });
        },
      );
    }
  }
}
