import * as assert from 'assert';
import {
  ChatStore,
  addExchange,
  editAndResend,
  modelMessages,
  userContent,
} from '../../src/core/chat/transcript';
import { regenerateReply } from '../../src/core/chat/replyAlternatives';
import { applyPreset, findPreset } from '../../src/core/chat/samplingPresets';

function conversationWithTwoExchanges(store = new ChatStore()) {
  const c = store.current;
  const r1 = addExchange(c, 'Give me three names for this town.', undefined, 'm');
  r1.text = 'Ashford, Mere, Coldwater';
  r1.status = 'done';
  const r2 = addExchange(c, 'Darker ones?', undefined, 'm');
  r2.text = 'Gallowmere';
  r2.status = 'done';
  return { store, c, r1, r2 };
}

describe('chat transcript', () => {
  it('adds a user turn and an empty streaming reply, and titles the chat', () => {
    const store = new ChatStore();
    const reply = addExchange(store.current, 'What would she say here?', undefined, 'model-a');
    assert.strictEqual(store.current.messages.length, 2);
    assert.strictEqual(store.current.messages[0].role, 'user');
    assert.deepStrictEqual([reply.role, reply.status, reply.text, reply.model], ['assistant', 'streaming', '', 'model-a']);
    assert.strictEqual(store.current.title, 'What would she say here?');
    assert.notStrictEqual(store.current.messages[0].id, reply.id);
  });

  it('regenerates only the last reply, adding an alternative to it, shown', () => {
    const { c, r1, r2 } = conversationWithTwoExchanges();
    assert.strictEqual(regenerateReply(c, r1.id, 'm'), undefined, 'an earlier reply cannot be regenerated');
    const same = regenerateReply(c, r2.id, 'm2');
    assert.strictEqual(same, r2, 'the reply stays, with a new alternative');
    assert.strictEqual(c.messages.length, 4);
    assert.deepStrictEqual([r2.text, r2.status, r2.model], ['', 'streaming', 'm2']);
    assert.deepStrictEqual(r2.alternatives?.map((a) => a.text), ['Gallowmere', '']);
    assert.strictEqual(r2.shown, 1);
    assert.strictEqual(regenerateReply(c, c.messages[2].id, 'm'), undefined, 'a user turn is not a reply');
  });

  it('edit and resend replaces the conversation after the edited turn', () => {
    const { c } = conversationWithTwoExchanges();
    const firstUser = c.messages[0];
    const reply = editAndResend(c, firstUser.id, 'Give me two names.', 'm');
    assert.ok(reply);
    assert.strictEqual(c.messages.length, 2);
    assert.strictEqual(c.messages[0].text, 'Give me two names.');
    assert.strictEqual(c.messages[1], reply);
    assert.strictEqual(c.title, 'Give me two names.');
    assert.strictEqual(editAndResend(c, reply.id, 'x', 'm'), undefined, 'a reply is not edited');
  });

  it('sends the passage as a quotation before the question', () => {
    const content = userContent({ text: 'Rewrite this darker.', passage: { text: 'The sun rose.\n\nBirds sang.', source: 'c.md' } });
    assert.strictEqual(content, '> The sun rose.\n>\n> Birds sang.\n\nRewrite this darker.');
  });

  it('builds the model messages: system first, failed empty replies left out, up to a point', () => {
    const { c, r2 } = conversationWithTwoExchanges();
    r2.text = '';
    r2.status = 'error';
    const messages = modelMessages(c, 'Be brief.');
    assert.deepStrictEqual(
      messages.map((m) => m.role),
      ['system', 'user', 'assistant', 'user'],
    );
    assert.deepStrictEqual(modelMessages(c, '', 1).map((m) => m.role), ['user']);
  });

  it('keeps a history: new chats, reopening, removing an earlier one but never the current', () => {
    const { store, c } = conversationWithTwoExchanges();
    const fresh = store.newConversation();
    assert.notStrictEqual(fresh, c);
    assert.strictEqual(store.newConversation(), fresh, 'an empty chat is reused');
    assert.deepStrictEqual(store.history().map((h) => h.id), [c.id]);
    assert.ok(store.open(c.id));
    assert.strictEqual(store.current, c);
    assert.deepStrictEqual(store.history(), [], 'the empty chat left behind is dropped');
    assert.deepStrictEqual(store.conversations.map((h) => h.id), [c.id]);
    addExchange(store.newConversation(), 'another', undefined, 'm');
    assert.strictEqual(store.remove(store.current.id), false, 'the current chat stays');
    assert.strictEqual(store.remove(c.id), true);
    assert.deepStrictEqual(store.history(), []);
    assert.strictEqual(store.conversations.length, 1);
  });
});

describe('chat sampling presets', () => {
  it('"From settings" keeps the settings; others replace the samplers and keep max_tokens and stop', () => {
    const base = { max_tokens: 500, temperature: 0.3, top_k: 40, stop: ['###'] };
    assert.deepStrictEqual(applyPreset(base, findPreset('settings')), base);
    const creative = applyPreset(base, findPreset('creative'));
    assert.strictEqual(creative.max_tokens, 500);
    assert.deepStrictEqual(creative.stop, ['###']);
    assert.strictEqual(creative.temperature, 1.25);
    assert.strictEqual(creative.top_k, undefined);
    assert.strictEqual(findPreset('nonsense').id, 'settings');
  });
});
