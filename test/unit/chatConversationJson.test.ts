import * as assert from 'assert';
import { conversationData, parseConversation } from '../../src/core/chat/conversationJson';
import { ChatStore, addExchange } from '../../src/core/chat/transcript';

function throughJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('chat conversation as stored', () => {
  it('round-trips, passage, system prompt and preset included, with nothing reported', () => {
    const c = new ChatStore().current;
    const reply = addExchange(c, 'Darker?', { text: 'She left.', source: 'ch1.md, line 3' }, 'm');
    reply.text = 'Gallowmere';
    reply.status = 'done';
    c.systemPrompt = 'Be brief.';
    c.presetId = 'creative';
    const { conversation, problems } = parseConversation(throughJson(conversationData(c)));
    assert.deepStrictEqual(problems, []);
    assert.deepStrictEqual(conversation, c);
  });

  it('is a copy: the live conversation changing later does not change it', () => {
    const c = new ChatStore().current;
    const reply = addExchange(c, 'hi', undefined, 'm');
    const data = conversationData(c);
    reply.text = 'more';
    assert.strictEqual(data.messages[1].text, '');
  });

  it('marks a reply that was streaming when the window closed as cut, keeping its text', () => {
    const c = new ChatStore().current;
    addExchange(c, 'hi', undefined, 'm').text = 'Half a sent';
    const { conversation, problems } = parseConversation(throughJson(conversationData(c)));
    const turn = conversation!.messages[1];
    assert.deepStrictEqual([turn.status, turn.text, turn.errorActions], ['cut', 'Half a sent', ['retry']]);
    assert.deepStrictEqual(problems, [], 'a reload is not damage');
  });

  it('reports each dropped message and each field of the wrong type', () => {
    const { conversation, problems } = parseConversation({
      id: 'c1',
      title: 7,
      messages: [{ id: 'a', role: 'user', text: 'ok', status: 'done' }, { id: 'b', role: 'system', text: 'no' }, { role: 'user', text: 'no id' }, 'junk', { id: 'e', role: 'assistant', text: 'x', status: 'pondering' }],
    });
    assert.deepStrictEqual(conversation!.messages.map((m) => [m.id, m.status]), [['a', 'done'], ['e', 'done']]);
    assert.strictEqual(conversation!.title, 'New chat');
    assert.strictEqual(problems.length, 5);
    for (const raw of [null, 'x', { id: 'c1' }, { messages: [] }, { id: '', messages: [] }]) {
      assert.strictEqual(parseConversation(raw).conversation, undefined, JSON.stringify(raw));
    }
  });
});
