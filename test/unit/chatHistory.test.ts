import * as assert from 'assert';
import { ChatHistory, type HistoryArchive, type HistoryNotice } from '../../src/core/chat/chatHistory';
import type { HistoryLimits } from '../../src/core/chat/historyBound';
import { INDEX_KEY, LEGACY_KEY, conversationKey } from '../../src/core/chat/historyKeys';
import { addExchange } from '../../src/core/chat/transcript';
import { FakeMemento } from './fakeMemento';

const NOW = 1_700_000_000_000;
const UNREADABLE = 'inkwell.chat.history.unreadable.';

class FakeArchive implements HistoryArchive {
  readonly kept = new Map<string, string>();
  private readonly writes: Promise<unknown>[] = [];
  failWith: Error | undefined;

  keep(id: string, json: string): Promise<string> {
    const write = this.failWith ? Promise.reject(this.failWith) : Promise.resolve(`/archive/${id}.json`);
    if (!this.failWith) this.kept.set(id, json);
    this.writes.push(write.catch(() => undefined));
    return write;
  }

  async settled(): Promise<void> {
    await Promise.all(this.writes);
  }
}

function open(memento: FakeMemento, limits?: HistoryLimits, archive = new FakeArchive()) {
  const notices: HistoryNotice[] = [];
  const history = ChatHistory.open(memento, { archive, limits, onNotice: (n) => notices.push(n), log: () => undefined, now: () => NOW });
  return { history, notices, archive };
}

/** Version 1's single key, as Inkwell 0.1 wrote it: { version: 1, currentId, conversations }. */
function versionOneStore() {
  const turn = (id: string, role: string, text: string) => ({ id, role, text, status: 'done', createdAt: NOW - 1000 });
  return {
    version: 1,
    currentId: 'c2',
    conversations: [
      { id: 'c2', title: 'Names', createdAt: NOW - 500, updatedAt: NOW - 500, messages: [turn('m3', 'user', 'Names?'), turn('m4', 'assistant', 'Mere')] },
      { id: 'c1', title: 'Weather', createdAt: NOW - 900, updatedAt: NOW - 900, messages: [turn('m1', 'user', 'Rain?'), turn('m2', 'assistant', 'Yes')] },
    ],
  };
}

/** The history works: a new exchange is saved, and a second window (a reload) reads it back. */
async function assertHistoryWorks(memento: FakeMemento, history: ChatHistory): Promise<void> {
  const conversation = history.store.newConversation();
  const reply = addExchange(conversation, 'After the storm?', undefined, 'm');
  reply.text = 'Quiet.';
  reply.status = 'done';
  history.store.touch();
  history.save(conversation);
  await history.written();
  const reloaded = open(memento);
  assert.deepStrictEqual(reloaded.notices, [], 'the writer is told once, not on every reload');
  assert.deepStrictEqual(reloaded.history.store.current.messages.map((m) => m.text), ['After the storm?', 'Quiet.']);
}

function keptAside(memento: FakeMemento): Record<string, unknown> {
  return Object.fromEntries(memento.keys().filter((k) => k.startsWith(UNREADABLE)).map((k) => [k, memento.get(k)]));
}

describe('chat history in workspace storage', () => {
  it('migrates version 1 once, leaving its key as it was', async () => {
    const memento = new FakeMemento({ [LEGACY_KEY]: versionOneStore() });
    const { history, notices } = open(memento);
    await history.written();
    assert.deepStrictEqual(notices, []);
    assert.strictEqual(history.store.current.id, 'c2');
    assert.deepStrictEqual(history.store.history().map((c) => c.title), ['Weather']);
    assert.deepStrictEqual(memento.get(LEGACY_KEY), versionOneStore());
    assert.ok(!memento.updates.some((u) => u.key === LEGACY_KEY), 'version 1 is never written again');
    await assertHistoryWorks(memento, history);
  });

  const damaged: [string, unknown][] = [
    ['a string', 'not a store'],
    ['a number', 42],
    ['an array', [{ id: 'c1' }]],
    ['a version-1 store without conversations', { version: 1, currentId: 'c1' }],
    ['a version given as text', { version: '1', conversations: [] }],
    ['conversations of the wrong type', { version: 1, currentId: 'c1', conversations: { c1: {} } }],
  ];
  for (const [what, value] of damaged) {
    it(`keeps ${what} aside, untouched, and starts a history that works`, async () => {
      const memento = new FakeMemento({ [LEGACY_KEY]: value });
      const { history, notices } = open(memento);
      await history.written();
      assert.deepStrictEqual(memento.get(LEGACY_KEY), value, 'the old value is still there');
      assert.deepStrictEqual(Object.values(keptAside(memento)), [value], 'and a copy of it, under a key of its own');
      assert.deepStrictEqual(notices.map((n) => n.kind), ['keptAside']);
      assert.strictEqual(history.store.current.messages.length, 0);
      await assertHistoryWorks(memento, history);
    });
  }

  it('keeps the readable part of partly damaged conversations, and the whole value aside', async () => {
    const value = versionOneStore();
    const partial = value as { conversations: unknown[] };
    partial.conversations[0] = { ...value.conversations[0], messages: [value.conversations[0].messages[0], { id: 'x', role: 'narrator', text: 7 }] };
    partial.conversations.push({ title: 'no id' }, 'junk');
    const original = structuredClone(value);
    const memento = new FakeMemento({ [LEGACY_KEY]: value });
    const { history, notices } = open(memento);
    await history.written();
    assert.deepStrictEqual(memento.get(LEGACY_KEY), original);
    assert.deepStrictEqual(Object.values(keptAside(memento)), [original]);
    assert.deepStrictEqual(notices.map((n) => n.kind), ['keptAside']);
    assert.deepStrictEqual(history.store.current.messages.map((m) => m.text), ['Names?']);
    assert.deepStrictEqual(history.store.history().map((c) => c.id), ['c1']);
    await assertHistoryWorks(memento, history);
  });

  it('rebuilds a damaged index from the conversations, keeping the index aside', async () => {
    const first = new FakeMemento({ [LEGACY_KEY]: versionOneStore() });
    await open(first).history.written();
    const stored = Object.fromEntries(first.keys().map((k) => [k, first.get(k)]));
    const memento = new FakeMemento({ ...stored, [INDEX_KEY]: { version: 2, ids: 'c2,c1' } });
    const { history, notices } = open(memento);
    await history.written();
    assert.deepStrictEqual(Object.values(keptAside(memento)), [{ version: 2, ids: 'c2,c1' }]);
    assert.deepStrictEqual(notices.map((n) => n.kind), ['keptAside']);
    assert.deepStrictEqual(history.store.conversations.map((c) => c.id), ['c2', 'c1'], 'most recent first');
    await assertHistoryWorks(memento, history);
  });

  it('copies a damaged conversation aside before removing or rewriting its key', async () => {
    const first = new FakeMemento({ [LEGACY_KEY]: versionOneStore() });
    await open(first).history.written();
    const stored = Object.fromEntries(first.keys().map((k) => [k, first.get(k)]));
    const brokenC1 = { id: 'c1', messages: 'Rain? Yes' };
    const partC2 = { id: 'c2', title: 7, messages: [{ id: 'm3', role: 'user', text: 'Names?', status: 'done' }, null] };
    const memento = new FakeMemento({ ...stored, [conversationKey('c1')]: brokenC1, [conversationKey('c2')]: partC2 });
    const { history } = open(memento);
    await history.written();
    const order = memento.updates.map((u) => u.key);
    for (const key of [conversationKey('c1'), conversationKey('c2')]) {
      const copy = order.findIndex((k) => k.startsWith(UNREADABLE) && k.endsWith(key));
      assert.ok(copy !== -1 && copy < order.indexOf(key), `${key} is copied before it is written`);
    }
    assert.deepStrictEqual(Object.values(keptAside(memento)).sort((a, b) => JSON.stringify(a).length - JSON.stringify(b).length), [brokenC1, partC2]);
    assert.strictEqual(memento.get(conversationKey('c1')), undefined);
    assert.deepStrictEqual(history.store.conversations.map((c) => [c.id, c.messages.length]), [['c2', 1]]);
  });

  it('leaves a newer version’s history alone and keeps its own beside it', async () => {
    const newer = { version: 7, chats: { c9: 'from the future' } };
    const newerIndex = { version: 3, order: ['c9'] };
    const memento = new FakeMemento({ [LEGACY_KEY]: newer, 'inkwell.chat.v3.index': newerIndex, 'inkwell.chat.v3.conversation.c9': { id: 'c9' } });
    const { history, notices } = open(memento);
    await history.written();
    assert.deepStrictEqual(notices, [{ kind: 'newer', keys: [LEGACY_KEY, 'inkwell.chat.v3.index'] }]);
    assert.deepStrictEqual(memento.get(LEGACY_KEY), newer);
    assert.deepStrictEqual(memento.get('inkwell.chat.v3.index'), newerIndex);
    assert.ok(memento.updates.every((u) => u.key.startsWith('inkwell.chat.v2.')), 'only keys of its own format are written');
    await assertHistoryWorks(memento, history);
    assert.deepStrictEqual(memento.get(LEGACY_KEY), newer);
  });
});

describe('chat history: the bound', () => {
  function withChats(count: number, text = 'x'): FakeMemento {
    const memento = new FakeMemento();
    const { history } = open(memento);
    for (let i = 0; i < count; i++) {
      const c = history.store.newConversation(NOW + i);
      addExchange(c, text, undefined, 'm', NOW + i).status = 'done';
      c.title = `chat ${i}`;
      history.save(c);
    }
    return memento;
  }

  it('archives the oldest conversations over the count, and only once they are written', async () => {
    const memento = withChats(5);
    const { history, archive, notices } = open(memento, { conversations: 3, chars: 1e9 });
    assert.deepStrictEqual([...archive.kept.keys()].length, 2);
    assert.strictEqual(history.store.conversations.length, 5, 'nothing leaves before the archive has it');
    await archive.settled();
    await history.written();
    const archived = [...archive.kept.values()].map((json) => (JSON.parse(json) as { conversation: { title: string } }).conversation.title);
    assert.deepStrictEqual(archived, ['chat 0', 'chat 1']);
    assert.deepStrictEqual(history.store.conversations.map((c) => c.title), ['chat 4', 'chat 3', 'chat 2']);
    assert.deepStrictEqual(notices.map((n) => n.kind), ['archived', 'archived']);
    assert.deepStrictEqual(open(memento).history.store.conversations.map((c) => c.title), ['chat 4', 'chat 3', 'chat 2']);
  });

  it('archives by characters too, but never the current conversation', async () => {
    const memento = withChats(3, 'y'.repeat(1000));
    const first = open(memento).history;
    const oldest = first.store.conversations.at(-1)!;
    first.store.open(oldest.id);
    first.save();
    await first.written();
    const { history, archive } = open(memento, { conversations: 100, chars: 2100 });
    await archive.settled();
    await history.written();
    const archived = [...archive.kept.values()].map((json) => (JSON.parse(json) as { conversation: { title: string } }).conversation.title);
    assert.deepStrictEqual(archived, ['chat 1'], 'the oldest but the current one, until the rest fit');
    assert.strictEqual(history.store.current.id, oldest.id);
    assert.deepStrictEqual(history.store.conversations.map((c) => c.title), ['chat 0', 'chat 2']);
  });

  it('keeps a conversation the archive could not take, and says so', async () => {
    const memento = withChats(3);
    const archive = new FakeArchive();
    archive.failWith = new Error('disk full');
    const { history, notices } = open(memento, { conversations: 2, chars: 1e9 }, archive);
    await archive.settled();
    assert.strictEqual(history.store.conversations.length, 3);
    assert.deepStrictEqual(notices, [{ kind: 'archiveFailed', title: 'chat 0', reason: 'Error: disk full' }]);
    history.save();
    await archive.settled();
    assert.strictEqual(notices.length, 1, 'not tried again on every save');
  });
});

describe('chat history: what a save writes', () => {
  it('while a reply streams, only that conversation is written', async () => {
    const memento = new FakeMemento();
    const { history } = open(memento);
    for (let i = 0; i < 5; i++) {
      const c = history.store.newConversation();
      addExchange(c, `question ${i}`, undefined, 'm').text = `answer ${i}`;
      history.save(c);
    }
    await history.written();
    const earlier = history.store.conversations.slice(1).map((c) => conversationKey(c.id));
    memento.takeUpdates();
    const current = history.store.current;
    const reply = addExchange(current, 'And then?', undefined, 'm');
    history.store.touch();
    for (const piece of ['The ', 'door ', 'opened.']) {
      reply.text += piece;
      history.save(current);
    }
    await history.written();
    const written = memento.takeUpdates().map((u) => u.key);
    assert.deepStrictEqual(new Set(written), new Set([conversationKey(current.id)]), 'the index and the other chats are not rewritten');
    assert.ok(earlier.every((key) => memento.get(key) !== undefined));
    assert.strictEqual(open(memento).history.store.current.messages.at(-1)!.text, 'The door opened.');
  });

  it('switching chats writes the index, and an emptied chat left behind is removed', async () => {
    const memento = new FakeMemento();
    const { history } = open(memento);
    const c = history.store.current;
    addExchange(c, 'hello', undefined, 'm');
    history.save(c);
    const fresh = history.store.newConversation();
    history.save(fresh);
    await history.written();
    memento.takeUpdates();
    history.store.open(c.id);
    history.save();
    await history.written();
    assert.deepStrictEqual(memento.takeUpdates().map((u) => [u.key, u.bytes > 0]), [
      [INDEX_KEY, true],
      [conversationKey(fresh.id), false],
    ]);
  });
});
