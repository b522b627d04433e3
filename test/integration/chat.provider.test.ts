// What the chat panel does with the provider: a system prompt folded for a model that rejects it,
// errors and cut streams shown inline, a conversation too long for the context refused before
// sending, and the token probabilities asked for and posted with a reply.
import * as assert from 'assert';
import type { ProviderTestServer } from '../server/providerTestServer';
import { logprobsSeed, logprobsSpecFor, messagesText, planLogprobs } from '../server/providerTestServer';
import { ChatHook, SCRIPT, SYSTEM, chat, lastMessages, record, send, useChatPanel } from './chatPanelSuite';
import { generationRequests, inkwell, resetUserSettings, serverAsInfermatic, setUserSetting, waitFor } from './testKit';

describe('chat panel: provider (integration)', function () {
  this.timeout(60_000);
  const suite = useChatPanel();
  let server: ProviderTestServer;
  let hook: ChatHook;

  beforeEach(() => ({ hook, server } = suite));

  it('folds the system prompt into the first user turn for a model that rejects it', async () => {
    server.configure({ systemPromptRejectingModels: ['strict-model'] });
    await setUserSetting('inkwell.model', 'strict-model');
    await send(hook, 'Name the mountain.');
    await hook.session.idle();
    const reply = lastMessages(hook)[1];
    assert.equal(reply.status, 'done', reply.error);
    assert.equal(reply.foldedSystemPrompt, true);
    const requests = generationRequests(server);
    const last = requests.at(-1)!;
    assert.ok(!last.body.messages.some((m: { role: string }) => m.role === 'system'));
    assert.equal(last.body.messages[0].role, 'user');
    assert.ok(last.body.messages[0].content.startsWith(SYSTEM), last.body.messages[0].content);
    assert.ok(last.body.messages[0].content.endsWith('Name the mountain.'));
  });

  it('shows a provider error inline with Retry, and Retry works', async () => {
    server.setScenario({ times: 1, error: { kind: 'badRequest', message: 'temperature must be at most 2' } });
    await send(hook, 'Name the bay.');
    await hook.session.idle();
    const failed = lastMessages(hook)[1];
    assert.equal(failed.status, 'error');
    assert.match(failed.error ?? '', /temperature must be at most 2/);
    assert.ok(failed.errorActions?.includes('retry'));
    hook.view.receive({ type: 'errorAction', requestId: 'retry1', messageId: failed.id, action: 'retry' });
    await waitFor('the retry to start', () => lastMessages(hook)[1].status !== 'error');
    await hook.session.idle();
    const retried = hook.session.store.current.messages[1];
    assert.deepEqual([retried.id, retried.status, retried.text], [failed.id, 'done', SCRIPT.join('')]);
    assert.equal(retried.alternatives, undefined, 'the failed answer had no text to keep');
  });

  it('keeps the text of a cut stream and says so', async () => {
    server.setScenario({ times: 1, truncate: { afterTokens: 3 } });
    await send(hook, 'Name the hill.');
    await hook.session.idle();
    const reply = lastMessages(hook)[1];
    assert.equal(reply.status, 'cut');
    assert.equal(reply.text, SCRIPT.slice(0, 3).join(''));
    assert.ok(reply.error);
    assert.ok(reply.errorActions?.includes('retry'));
  });

  it('refuses a conversation longer than the context before sending, with the numbers', async () => {
    await setUserSetting('inkwell.contextSize', 256);
    await setUserSetting('inkwell.sampling.maxTokens', 64);
    const before = generationRequests(server).length;
    await send(hook, Array.from({ length: 600 }, (_, i) => `word${i}`).join(' '));
    await hook.session.idle();
    const reply = lastMessages(hook)[1];
    assert.equal(reply.status, 'error');
    assert.match(reply.error ?? '', /does not fit/);
    assert.match(reply.error ?? '', /Nothing was sent/);
    assert.equal(generationRequests(server).length, before);
  });
});

describe('chat panel: token probabilities (integration)', function () {
  this.timeout(60_000);
  let server: ProviderTestServer;

  afterEach(async () => {
    const hook = await chat();
    await hook.session.idle();
    await server.close();
    await resetUserSettings();
  });

  it('asks the chat route for top_logprobs and posts the reply’s tokens with the probabilities the server sent', async () => {
    const hook = await chat();
    server = await serverAsInfermatic({ script: SCRIPT });
    await setUserSetting('inkwell.probabilities.topK', 3);
    await (await inkwell()).probabilities.support.forget();
    hook.view.receive({ type: 'newChat' });
    const rec = record(hook);
    try {
      await send(hook, 'Name the town.');
      await hook.session.idle();
      const request = generationRequests(server).at(-1)!;
      assert.equal(request.body.logprobs, true);
      assert.equal(request.body.top_logprobs, 3);
      const message = rec.posted.find((m) => m.type === 'probabilities');
      assert.ok(message && message.type === 'probabilities', 'no probabilities were posted');
      const [, reply] = lastMessages(hook);
      assert.equal(message.messageId, reply.id);
      assert.equal(message.text, reply.text);
      assert.equal(message.tokens.map((t) => t.text).join(''), SCRIPT.join(''));
      // The server's own numbers for this request (its model of the wire, apart from Inkwell's parser).
      const spec = logprobsSpecFor(server.flavor, 'chat', {}, 3, logprobsSeed(String(request.body.model), messagesText(request.body.messages)));
      const sent = planLogprobs([SCRIPT], spec, false).tokens[0];
      assert.deepEqual(
        message.tokens.map((t) => t.p.toFixed(6)),
        sent.map((t) => Math.exp(t.logprob).toFixed(6)),
      );
    } finally {
      rec.dispose();
    }
  });
});
