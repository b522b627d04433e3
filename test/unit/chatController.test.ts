// The chat's logic in plain mocha: ChatController with fakes for the providers, the model, the
// host (clipboard, commands, notifications, editor) and storage, on a fake clock (chatControllerFakes.ts).
import * as assert from 'assert';
import type { ChatController } from '../../src/core/chat/chatController';
import { STREAM_FLUSH_MS } from '../../src/core/chat/chatGeneration';
import type { ChatGenerationResult } from '../../src/core/chat/chatPorts';
import { ProviderError } from '../../src/core/errors/providerError';
import type { ExtensionToWebview } from '../../src/core/protocol/chatProtocol';
import { ofType, pageText, settle, setup } from './chatControllerFakes';

describe('chat controller (plain mocha, fake host)', () => {
  it('on connect posts the conversation and config, then the model list and the token count', async () => {
    const { clock, posted } = setup();
    assert.deepStrictEqual(posted.slice(0, 2).map((m) => m.type), ['conversation', 'config']);
    await clock.advance(0);
    const configs = ofType(posted, 'config');
    assert.deepStrictEqual(configs[configs.length - 1].config.models, ['story-model', 'other-model']);
    assert.deepStrictEqual(ofType(posted, 'tokens')[0].tokens, { used: 100, context: 8192 });
  });

  it('puts the story folder’s block after the system prompt, chosen from the conversation so far', async () => {
    const asked: string[] = [];
    const { chat, model } = setup({
      storyContext: async (conversation) => {
        asked.push(conversation);
        return 'Memory: Ashford floods every spring.';
      },
    });
    void chat.handle({ type: 'send', requestId: 'r1', text: 'Name the town.' });
    await settle();
    assert.deepStrictEqual(asked, ['Name the town.']);
    assert.deepStrictEqual(model.requests[0].messages[0], { role: 'system', content: 'You help a novelist.\n\nMemory: Ashford floods every spring.' });
  });

  it('a story folder that cannot be read adds nothing and stops nothing', async () => {
    const { chat, model } = setup({ storyContext: () => Promise.reject(new Error('unreadable')) });
    void chat.handle({ type: 'send', requestId: 'r1', text: 'Name the town.' });
    await settle();
    assert.deepStrictEqual(model.requests[0].messages[0], { role: 'system', content: 'You help a novelist.' });
  });

  it('sends, streams in batches, and records the finished reply; one reply at a time', async () => {
    const { chat, clock, model, store, saved, posted } = setup();
    const sending = chat.handle({ type: 'send', requestId: 'r1', text: 'Name the town.' });
    await settle();
    assert.strictEqual(model.requests.length, 1);
    assert.strictEqual(model.requests[0].sampling.n, undefined, 'the panel asks for one reply');
    assert.deepStrictEqual(model.requests[0].messages.map((m) => m.role), ['system', 'user']);
    model.text('Ash');
    model.text('ford');
    assert.strictEqual(ofType(posted, 'appendText').length, 0, 'nothing is posted before the flush interval');
    await clock.advance(STREAM_FLUSH_MS);
    assert.deepStrictEqual(ofType(posted, 'appendText').map((m) => m.text), ['Ashford']);

    await chat.handle({ type: 'send', requestId: 'r2', text: 'Another?' });
    assert.match(ofType(posted, 'notice').pop()?.text ?? '', /still being written/);
    assert.strictEqual(model.requests.length, 1);

    model.end();
    await sending;
    const reply = store.current.messages[1];
    assert.deepStrictEqual([reply.text, reply.status], ['Ashford', 'done']);
    assert.deepStrictEqual(ofType(posted, 'generation').map((m) => m.state), ['started', 'ended']);
    assert.ok(saved.includes(store.current));
    assert.strictEqual(chat.isRunning, false);
  });

  it('refuses a conversation longer than the context, with the numbers, and sends nothing', async () => {
    const { chat, model, store } = setup();
    model.used = 8000;
    await chat.handle({ type: 'send', requestId: 'r1', text: 'Go on.' });
    assert.strictEqual(model.requests.length, 0);
    const reply = store.current.messages[1];
    assert.strictEqual(reply.status, 'error');
    assert.match(reply.error ?? '', /about 8,0\d\d tokens; with 300 kept for the reply it does not fit in story-model's 8,192/);
    assert.deepStrictEqual(reply.errorActions, ['retry']);
  });

  it('Stop aborts only its own request and keeps the text', async () => {
    const { chat, clock, model, store } = setup();
    const sending = chat.handle({ type: 'send', requestId: 'r1', text: 'Hi' });
    await settle();
    model.text('Kept');
    await chat.handle({ type: 'stop', requestId: 'other' });
    assert.strictEqual(model.requests[0].signal.aborted, false);
    await chat.handle({ type: 'stop', requestId: 'r1' });
    await sending;
    await clock.advance(100);
    assert.deepStrictEqual([store.current.messages[1].text, store.current.messages[1].status], ['Kept', 'stopped']);
  });

  it('a failed generation shows the described error with Retry and the next step; Retry asks again', async () => {
    const { chat, model, store, commands } = setup();
    const sending = chat.handle({ type: 'send', requestId: 'r1', text: 'Hi' });
    await settle();
    model.end({ outcome: 'error', error: new ProviderError({ kind: 'auth' }) });
    await sending;
    const reply = store.current.messages[1];
    assert.strictEqual(reply.error, 'described: auth');
    assert.deepStrictEqual(reply.errorActions, ['retry', 'setApiKey']);
    await chat.handle({ type: 'errorAction', requestId: 'r2', messageId: reply.id, action: 'setApiKey' });
    assert.deepStrictEqual(commands, ['inkwell.setApiKey']);
    const retrying = chat.handle({ type: 'errorAction', requestId: 'r3', messageId: reply.id, action: 'retry' });
    await settle();
    assert.strictEqual(model.requests.length, 2);
    model.end();
    await retrying;
    assert.strictEqual(store.current.messages[1].status, 'done');
  });

  it('selects only a model the provider listed', async () => {
    const { chat, clock, selected } = setup();
    await clock.advance(0);
    await chat.handle({ type: 'selectModel', model: 'injected/model' });
    assert.strictEqual(selected(), 'story-model');
    await chat.handle({ type: 'selectModel', model: 'other-model' });
    assert.strictEqual(selected(), 'other-model');
  });

  it('copy puts the turn on the clipboard; a command entry point before the page waits for ready', async () => {
    const { chat, model, store, clipboard } = setup();
    const sending = chat.handle({ type: 'send', requestId: 'r1', text: 'Hi' });
    await settle();
    model.text('Words.');
    model.end();
    await sending;
    await chat.handle({ type: 'copy', messageId: store.current.messages[1].id });
    assert.deepStrictEqual(clipboard, ['Words.']);

    chat.disconnect();
    chat.attachPassage({ text: 'She left.', source: 'ch1.md, line 3' });
    const later: ExtensionToWebview[] = [];
    chat.connect((m) => later.push(m));
    assert.deepStrictEqual(ofType(later, 'attachPassage')[0].passage.text, 'She left.');
  });

  /** Runs one generation started by `message` to its end, streaming `pieces`; returns the reply. */
  async function written(t: ReturnType<typeof setup>, message: Parameters<ChatController['handle']>[0], pieces: string[], result: Partial<ChatGenerationResult> = {}) {
    const running = t.chat.handle(message);
    await settle();
    for (const piece of pieces) t.model.text(piece);
    await t.clock.advance(STREAM_FLUSH_MS);
    t.model.end(result);
    await running;
    return t.store.current.messages.at(-1)!;
  }

  it('Regenerate adds an alternative to the reply, shown; showing another makes it what the model, Copy and Insert get', async () => {
    const t = setup();
    const reply = await written(t, { type: 'send', requestId: 'r1', text: 'Name the inn.' }, ['The ', 'Heron']);
    await written(t, { type: 'regenerate', requestId: 'r2', messageId: reply.id }, ['The Salt ', 'Lamb']);
    const last = await written(t, { type: 'regenerate', requestId: 'r3', messageId: reply.id }, ['The Drowned Bell']);
    assert.strictEqual(last, reply, 'the same reply');
    assert.deepStrictEqual(reply.alternatives?.map((a) => [a.text, a.status]), [['The Heron', 'done'], ['The Salt Lamb', 'done'], ['The Drowned Bell', 'done']]);
    assert.deepStrictEqual(t.model.requests[2].messages, t.model.requests[0].messages, 'each alternative answers the same conversation');
    const shownOnPage = ofType(t.posted, 'message').at(-1)!.message;
    assert.deepStrictEqual([shownOnPage.text, shownOnPage.alternative], ['The Drowned Bell', { index: 2, count: 3 }]);

    const savedBefore = t.saved.length;
    await t.chat.handle({ type: 'showAlternative', messageId: reply.id, index: 0 });
    const showing = ofType(t.posted, 'message').at(-1)!.message;
    assert.deepStrictEqual([showing.text, showing.alternative], ['The Heron', { index: 0, count: 3 }]);
    assert.ok(t.saved.length > savedBefore, 'the choice is saved');
    await t.chat.handle({ type: 'copy', messageId: reply.id });
    await t.chat.handle({ type: 'applyToEditor', messageId: reply.id, how: 'insert' });
    assert.deepStrictEqual([t.clipboard, t.applied], [['The Heron'], ['The Heron']]);
    await written(t, { type: 'send', requestId: 'r4', text: 'Why that one?' }, ['Because.']);
    assert.deepStrictEqual(t.model.requests[3].messages.slice(1).map((m) => [m.role, m.content]), [
      ['user', 'Name the inn.'],
      ['assistant', 'The Heron'],
      ['user', 'Why that one?'],
    ]);
  });

  it('another alternative can be shown while one streams: the streaming one goes on out of sight, and Stop stops only it', async () => {
    const t = setup();
    const reply = await written(t, { type: 'send', requestId: 'r1', text: 'Name the inn.' }, ['The Heron']);
    const regenerating = t.chat.handle({ type: 'regenerate', requestId: 'r2', messageId: reply.id });
    await settle();
    t.model.text('The Salt');
    await t.clock.advance(STREAM_FLUSH_MS);
    await t.chat.handle({ type: 'showAlternative', messageId: reply.id, index: 0 });
    const postedFrom = t.posted.length;
    t.model.text(' Lamb');
    await t.clock.advance(STREAM_FLUSH_MS);
    assert.deepStrictEqual(t.posted.slice(postedFrom), [], 'nothing of the hidden alternative reaches the page');
    assert.deepStrictEqual([reply.text, reply.status], ['The Heron', 'done']);

    // Shown again, with text on its way: the page gets the text so far whole, then only what follows.
    t.model.text(' and');
    await t.chat.handle({ type: 'showAlternative', messageId: reply.id, index: 1 });
    const again = ofType(t.posted, 'message').at(-1)!.message;
    assert.deepStrictEqual([again.text, again.status], ['The Salt Lamb', 'streaming']);
    await t.clock.advance(STREAM_FLUSH_MS);
    assert.strictEqual(pageText(t.posted, reply.id), 'The Salt Lamb and');

    await t.chat.handle({ type: 'showAlternative', messageId: reply.id, index: 0 });
    await t.chat.handle({ type: 'stop', requestId: 'r2' });
    await regenerating;
    assert.deepStrictEqual(reply.alternatives?.map((a) => [a.text, a.status]), [['The Heron', 'done'], ['The Salt Lamb and', 'stopped']]);
    assert.deepStrictEqual([reply.text, reply.status, reply.shown], ['The Heron', 'done', 0], 'the one shown is untouched');
    assert.strictEqual(ofType(t.posted, 'generation').at(-1)?.state, 'ended');
  });

  it('a failed alternative shows its own error and loses none of the others; Retry replaces it', async () => {
    const t = setup();
    const reply = await written(t, { type: 'send', requestId: 'r1', text: 'Name the inn.' }, ['The Heron']);
    await written(t, { type: 'regenerate', requestId: 'r2', messageId: reply.id }, ['The Sa'], { outcome: 'truncated' });
    await written(t, { type: 'regenerate', requestId: 'r3', messageId: reply.id }, [], { outcome: 'error', error: new ProviderError({ kind: 'server' }) });
    assert.deepStrictEqual(reply.alternatives?.map((a) => [a.text, a.status, a.error]), [
      ['The Heron', 'done', undefined],
      ['The Sa', 'cut', 'described: cut'],
      ['', 'error', 'described: server'],
    ]);
    const failed = ofType(t.posted, 'message').at(-1)!.message;
    assert.deepStrictEqual([failed.status, failed.error, failed.errorActions?.[0], failed.alternative], ['error', 'described: server', 'retry', { index: 2, count: 3 }]);
    await t.chat.handle({ type: 'showAlternative', messageId: reply.id, index: 0 });
    const fine = ofType(t.posted, 'message').at(-1)!.message;
    assert.deepStrictEqual([fine.status, fine.error, fine.errorActions], ['done', undefined, undefined]);

    await t.chat.handle({ type: 'showAlternative', messageId: reply.id, index: 2 });
    await written(t, { type: 'errorAction', requestId: 'r4', messageId: reply.id, action: 'retry' }, ['The Lamb']);
    assert.deepStrictEqual(reply.alternatives?.map((a) => [a.text, a.status]), [['The Heron', 'done'], ['The Sa', 'cut'], ['The Lamb', 'done']]);
  });

  it('shows no alternative that is not there: a user turn, another conversation, an index past the end', async () => {
    const t = setup();
    const reply = await written(t, { type: 'send', requestId: 'r1', text: 'Name the inn.' }, ['The Heron']);
    await written(t, { type: 'regenerate', requestId: 'r2', messageId: reply.id }, ['The Lamb']);
    const postedBefore = t.posted.length;
    const savedBefore = t.saved.length;
    for (const [messageId, index] of [[t.store.current.messages[0].id, 0], ['m-unknown', 0], [reply.id, 2]] as const) {
      await t.chat.handle({ type: 'showAlternative', messageId, index });
    }
    assert.deepStrictEqual([t.posted.length, t.saved.length, reply.text], [postedBefore, savedBefore, 'The Lamb']);
  });

  it('the test probe exists only when asked for, and sees what is posted', () => {
    const { chat } = setup();
    assert.strictEqual(chat.probeIfMade, undefined);
    const probe = chat.probe();
    assert.strictEqual(chat.probeIfMade, probe);
    const seen: string[] = [];
    probe.onDidPost((m) => seen.push(m.type));
    chat.focusInput();
    assert.deepStrictEqual(seen, ['focusInput']);
    assert.strictEqual(chat.probe(), probe);
  });
});

describe('chat controller: token probabilities of a reply', () => {
  const token = (text: string, offset: number, p: number) => ({ text, offset, token: text, logprob: Math.log(p), top: [{ text, logprob: Math.log(p) }] });

  it('asks with the setting’s K, posts the finished reply’s tokens for its text, and posts them again to a page drawn anew', async () => {
    const { chat, model, posted, clock } = setup({
      settings: () => ({ chatSystemPrompt: 'You help a novelist.', sampling: { temperature: 0.8, max_tokens: 300 }, probabilitiesTopK: 5 }),
    });
    void chat.handle({ type: 'send', requestId: 'r1', text: 'Name the inn.' });
    await settle();
    assert.strictEqual(model.requests[0].topLogprobs, 5);
    model.text('The Salt');
    model.end({ probabilities: [token('The', 0, 0.9), token(' Salt', 3, 0.05)] });
    await clock.advance(100);
    const [message] = ofType(posted, 'probabilities');
    const reply = ofType(posted, 'conversation').at(-1)!.conversation.messages[1];
    assert.strictEqual(message.messageId, reply.id);
    assert.strictEqual(message.text, 'The Salt');
    assert.deepStrictEqual(message.tokens.map((t) => [t.text, t.band]), [['The', 'sure'], [' Salt', 'low']]);
    const before = ofType(posted, 'probabilities').length;
    // The panel hidden and shown again: a new page connects.
    chat.connect((m) => posted.push(m));
    assert.strictEqual(ofType(posted, 'probabilities').length, before + 1, 'a page drawn again gets them again');
  });

  it('a reply without probabilities posts none', async () => {
    const { chat, model, posted, clock } = setup();
    void chat.handle({ type: 'send', requestId: 'r1', text: 'Name the inn.' });
    await settle();
    assert.strictEqual(model.requests[0].topLogprobs, undefined);
    model.text('The Salt');
    model.end();
    await clock.advance(100);
    assert.deepStrictEqual(ofType(posted, 'probabilities'), []);
  });
});
