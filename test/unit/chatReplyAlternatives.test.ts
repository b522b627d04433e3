// A chat reply's alternatives, the pure part: what Regenerate adds and keeps, which one is shown and
// what the model then reads, the bound, and the stored form (a history without alternatives, and an
// older Inkwell reading one with them).
import * as assert from 'assert';
import { conversationData, parseConversation } from '../../src/core/chat/conversationJson';
import { conversationChars } from '../../src/core/chat/historyBound';
import { MAX_REPLY_ALTERNATIVES, addAlternative, alternativeView, regenerateReply, showAlternative, syncShown } from '../../src/core/chat/replyAlternatives';
import { ChatStore, addExchange, modelMessages, turnView } from '../../src/core/chat/transcript';

function throughJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** A conversation whose reply was written `texts.length` times, each ending done (an empty text ends as an error). */
function replyWritten(...texts: string[]) {
  const c = new ChatStore().current;
  const reply = addExchange(c, 'Name the inn.', undefined, 'm0');
  texts.forEach((text, i) => {
    const alternative = i === 0 ? reply : addAlternative(reply, `m${i}`, 1000 + i);
    alternative.text = text;
    alternative.status = text ? 'done' : 'error';
    if (!text) alternative.error = 'refused';
    syncShown(reply);
  });
  return { c, reply };
}


describe('chat reply alternatives', () => {
  it('keeps every alternative; the one shown is what the model, Copy and the page read', () => {
    const { c, reply } = replyWritten('The Drowned Bell', 'The Salt Lamb', 'The Heron');
    assert.deepStrictEqual(turnView(reply).alternative, { index: 2, count: 3 });
    assert.strictEqual(turnView(reply).text, 'The Heron');
    assert.ok(showAlternative(reply, 0));
    assert.deepStrictEqual([reply.text, reply.model, reply.status], ['The Drowned Bell', 'm0', 'done']);
    assert.deepStrictEqual(turnView(reply).alternative, { index: 0, count: 3 });
    assert.deepStrictEqual(modelMessages(c, '').at(-1), { role: 'assistant', content: 'The Drowned Bell' });
    assert.strictEqual(showAlternative(reply, 3), false, 'no fourth');
    assert.strictEqual(showAlternative(reply, -1), false);
    assert.strictEqual(reply.text, 'The Drowned Bell', 'a refused index changes nothing');
  });

  it('a reply written once has no alternatives, in the view or in storage', () => {
    const { c, reply } = replyWritten('The Drowned Bell');
    assert.strictEqual(alternativeView(reply), undefined);
    assert.strictEqual(turnView(reply).alternative, undefined);
    assert.strictEqual(showAlternative(reply, 0), false);
    assert.ok(!('otherAlternatives' in conversationData(c).messages[1]));
  });

  it('an alternative that failed before any text keeps its own error until the next one replaces it; the others stay', () => {
    const { reply } = replyWritten('The Drowned Bell', '');
    assert.deepStrictEqual([reply.status, reply.error, reply.text], ['error', 'refused', '']);
    assert.deepStrictEqual(turnView(reply).alternative, { index: 1, count: 2 });
    showAlternative(reply, 0);
    assert.deepStrictEqual([reply.status, reply.error, reply.text], ['done', undefined, 'The Drowned Bell']);
    addAlternative(reply, 'm2');
    assert.deepStrictEqual(reply.alternatives?.map((a) => a.text), ['The Drowned Bell', ''], 'the failed one is gone, the new one streams');
    assert.deepStrictEqual([reply.shown, reply.status, reply.error], [1, 'streaming', undefined]);
  });

  it('Retry on a reply whose only answer failed starts it again, with no alternatives', () => {
    const { c, reply } = replyWritten('');
    assert.strictEqual(regenerateReply(c, reply.id, 'm9'), reply);
    assert.deepStrictEqual([reply.alternatives, reply.status, reply.error, reply.errorActions, reply.model], [undefined, 'streaming', undefined, undefined, 'm9']);
  });

  it(`keeps at most ${MAX_REPLY_ALTERNATIVES}: past that the oldest goes, never the one the writer was looking at`, () => {
    const texts = Array.from({ length: MAX_REPLY_ALTERNATIVES }, (_, i) => `alt ${i}`);
    const { reply } = replyWritten(...texts);
    showAlternative(reply, 0);
    addAlternative(reply, 'm');
    assert.deepStrictEqual(
      reply.alternatives?.map((a) => a.text),
      ['alt 0', ...texts.slice(2), ''],
    );
    assert.strictEqual(reply.shown, MAX_REPLY_ALTERNATIVES - 1);
  });

  it('round-trips through storage with the shown one as the turn itself, and counts every alternative against the history bound', () => {
    const { c, reply } = replyWritten('The Drowned Bell', 'The Salt Lamb', 'The Heron');
    showAlternative(reply, 1);
    const stored = throughJson(conversationData(c)) as { messages: Record<string, unknown>[] };
    // What an Inkwell without alternatives reads: the turn's own text is the one shown.
    assert.strictEqual(stored.messages[1].text, 'The Salt Lamb');
    assert.deepStrictEqual(
      (stored.messages[1].otherAlternatives as { before: { text: string }[]; after: { text: string }[] }).before.map((a) => a.text),
      ['The Drowned Bell'],
    );
    const { conversation, problems } = parseConversation(stored);
    assert.deepStrictEqual(problems, []);
    assert.deepStrictEqual(conversation, c);
    const total = c.title.length + 'Name the inn.'.length + 'The Drowned Bell'.length + 'The Salt Lamb'.length + 'The Heron'.length;
    assert.strictEqual(conversationChars(c), total);
  });

  it('reads a stored reply with no alternatives as before, and damaged alternatives without losing the reply', () => {
    const base = { id: 'c1', title: 'Inn', createdAt: 1, updatedAt: 2 };
    const old = parseConversation({ ...base, messages: [{ id: 'a', role: 'assistant', text: 'The Heron', status: 'done', model: 'm', createdAt: 3 }] });
    assert.deepStrictEqual(old.problems, []);
    assert.deepStrictEqual(old.conversation?.messages[0], { id: 'a', role: 'assistant', text: 'The Heron', status: 'done', model: 'm', createdAt: 3 });

    const damaged = parseConversation({
      ...base,
      messages: [
        { id: 'u', role: 'user', text: 'Name it.', status: 'done', otherAlternatives: { before: [{ text: 'x', status: 'done' }], after: [] } },
        {
          id: 'a',
          role: 'assistant',
          text: 'The Heron',
          status: 'done',
          otherAlternatives: { before: [{ text: 'The Bell', status: 'streaming' }, { status: 'done' }, 'junk'], after: [{ text: 5 }] },
        },
        { id: 'b', role: 'assistant', text: 'Alone', status: 'done', otherAlternatives: [] },
      ],
    });
    const [user, reply, alone] = damaged.conversation!.messages;
    assert.strictEqual(user.alternatives, undefined, 'a user turn has no alternatives');
    assert.deepStrictEqual(reply.alternatives?.map((a) => [a.text, a.status]), [['The Bell', 'cut'], ['The Heron', 'done']], 'one cut by a reload keeps its text');
    assert.deepStrictEqual([reply.shown, reply.text], [1, 'The Heron']);
    assert.deepStrictEqual(reply.alternatives?.[0].errorActions, ['retry']);
    assert.deepStrictEqual([alone.text, alone.alternatives], ['Alone', undefined]);
    assert.strictEqual(damaged.problems.length, 5, damaged.problems.join('\n'));
  });

  it(`reads at most ${MAX_REPLY_ALTERNATIVES} alternatives of a reply from storage, the shown one kept`, () => {
    const many = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ text: `${tag}${i}`, status: 'done' }));
    const { conversation, problems } = parseConversation({
      id: 'c1',
      messages: [{ id: 'a', role: 'assistant', text: 'shown', status: 'done', otherAlternatives: { before: many(6, 'b'), after: many(6, 'a') } }],
    });
    const reply = conversation!.messages[0];
    assert.strictEqual(reply.alternatives?.length, MAX_REPLY_ALTERNATIVES);
    assert.strictEqual(reply.alternatives?.[reply.shown ?? -1].text, 'shown');
    assert.strictEqual(reply.text, 'shown');
    assert.match(problems.join('\n'), /5 alternatives over the 8/);
  });
});
