// The chat panel in a real extension host: the real webview is opened and says ready; the tests
// then post protocol messages through the same validation path the webview's messages take, and
// watch what the session posts back and what the provider test server receives.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionToWebview, MessageView } from '../../src/core/protocol/chatProtocol';
import type { ChatSession } from '../../src/chat/chatSession';
import type { ChatViewProvider } from '../../src/chat/chatViewProvider';
import type { ProviderTestServer } from '../server/providerTestServer';
import { logprobsSeed, logprobsSpecFor, messagesText, planLogprobs } from '../server/providerTestServer';
import { closeAllEditors, generationRequests, inkwell, openDocument, resetUserSettings, serverAsInfermatic, setUserSetting, undoInDocument, waitFor } from './testKit';

interface ChatHook {
  session: ChatSession;
  view: ChatViewProvider;
}

const SCRIPT = [' Ash', 'ford', ',', ' Mere', ',', ' Cold', 'water', '.'];
const SYSTEM = 'You are a terse naming assistant.';

async function chat(): Promise<ChatHook> {
  await inkwell();
  const hook = (await vscode.commands.executeCommand('inkwell.chat.testHook')) as ChatHook | undefined;
  assert.ok(hook, 'the chat test hook is registered only in test mode');
  return hook;
}

/** Opens the real panel and waits for its page to say ready (the handshake). */
async function openPanel(hook: ChatHook): Promise<void> {
  const before = hook.session.probe().readyCount;
  await vscode.commands.executeCommand('inkwell.chat.focus');
  if (hook.session.probe().readyCount > before) return;
  await waitFor('the chat webview to say ready', () => hook.session.probe().readyCount > before || (before > 0 && hook.view.isResolved), 20_000);
}

function record(hook: ChatHook): { posted: ExtensionToWebview[]; dispose(): void } {
  const posted: ExtensionToWebview[] = [];
  const subscription = hook.session.probe().onDidPost((m) => posted.push(m));
  return { posted, dispose: () => subscription.dispose() };
}

function lastMessages(hook: ChatHook): MessageView[] {
  return hook.session.store.current.messages.map((m) => ({ ...m }) as MessageView);
}

async function send(hook: ChatHook, text: string, requestId = `r${Date.now().toString(36)}`): Promise<string> {
  hook.view.receive({ type: 'send', requestId, text });
  await waitFor('the generation to start', () => hook.session.isRunning || lastMessages(hook).at(-1)?.status !== 'streaming');
  return requestId;
}

describe('chat panel (integration)', function () {
  this.timeout(60_000);
  let server: ProviderTestServer;
  let hook: ChatHook;

  before(async () => {
    hook = await chat();
    await openPanel(hook);
  });

  after(async () => {
    // A visible panel lists the models whenever the provider settings change; later suites count requests.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor('the panel to hide', () => !hook.view.isVisible);
  });

  beforeEach(async () => {
    server = await serverAsInfermatic({ script: SCRIPT });
    await setUserSetting('inkwell.chat.systemPrompt', SYSTEM);
    hook.view.receive({ type: 'newChat' });
  });

  afterEach(async () => {
    await hook.session.idle();
    await server.close();
    await resetUserSettings();
  });

  it('the real webview loaded and said ready', () => {
    assert.ok(hook.view.isResolved);
    assert.ok(hook.session.probe().readyCount >= 1);
  });

  it('sends a message and streams the reply', async () => {
    const rec = record(hook);
    try {
      await send(hook, 'Give me three names for this town.');
      await hook.session.idle();
      const appended = rec.posted.filter((m) => m.type === 'appendText');
      assert.ok(appended.length >= 1, 'no streamed text was posted');
      const [user, reply] = lastMessages(hook);
      assert.equal(user.text, 'Give me three names for this town.');
      assert.equal(reply.status, 'done');
      assert.equal(reply.text, SCRIPT.join(''));
      assert.equal(appended.map((m) => (m.type === 'appendText' ? m.text : '')).join(''), reply.text);
      assert.ok(rec.posted.some((m) => m.type === 'generation' && m.state === 'ended'));
      const request = generationRequests(server).at(-1)!;
      assert.equal(request.path, '/v1/chat/completions');
      assert.deepEqual(
        request.body.messages.map((m: { role: string }) => m.role),
        ['system', 'user'],
      );
      assert.equal(request.body.messages[0].content, SYSTEM);
      assert.equal(request.body.stream, true);
      const tokens = await waitFor('a token count', () => rec.posted.find((m) => m.type === 'tokens' && m.tokens));
      assert.ok(tokens.type === 'tokens' && tokens.tokens && tokens.tokens.used > 0 && tokens.tokens.context > 0);
    } finally {
      rec.dispose();
    }
  });

  it('stops the right request mid-stream and keeps what arrived', async () => {
    server.setScenario({ tokenDelayMs: 80, script: Array.from({ length: 200 }, (_, i) => ` w${i}`) });
    const rec = record(hook);
    try {
      const requestId = await send(hook, 'Tell me a long story.');
      await waitFor('some streamed text', () => rec.posted.some((m) => m.type === 'appendText'));
      hook.view.receive({ type: 'stop', requestId: 'not-this-one' });
      // Nothing to wait for: a stop that is ignored has no event. More text arriving shows it ran on.
      const seen = rec.posted.filter((m) => m.type === 'appendText').length;
      await waitFor('more streamed text after the unrelated stop', () => rec.posted.filter((m) => m.type === 'appendText').length > seen + 1);
      assert.ok(hook.session.isRunning, 'a stop for another request id stopped this one');
      hook.view.receive({ type: 'stop', requestId });
      await hook.session.idle();
      const reply = lastMessages(hook)[1];
      assert.equal(reply.status, 'stopped');
      assert.ok(reply.text.length > 0 && reply.text.length < 200 * 4, `kept ${reply.text.length} chars`);
      await server.waitForRequest((r) => r.aborted, 5000);
    } finally {
      rec.dispose();
    }
  });

  it('regenerates the last reply with the same conversation, as a new alternative of it', async () => {
    await send(hook, 'Name the inn.');
    await hook.session.idle();
    const [, first] = lastMessages(hook);
    hook.view.receive({ type: 'regenerate', requestId: 'regen1', messageId: first.id });
    await waitFor('regeneration to start', () => hook.session.isRunning || hook.session.store.current.messages[1].alternatives !== undefined);
    await hook.session.idle();
    const messages = lastMessages(hook);
    assert.equal(messages.length, 2);
    assert.equal(messages[1].id, first.id);
    assert.equal(messages[1].status, 'done');
    assert.equal(hook.session.store.current.messages[1].alternatives?.length, 2);
    const [a, b] = generationRequests(server).slice(-2);
    assert.deepEqual(b.body.messages, a.body.messages);
  });

  it('keeps each alternative as streamed, sends the one shown in later turns, and keeps them across a reopen and a reload', async () => {
    const scripts = [
      ['The', ' Heron', '.'],
      ['The', ' Salt', ' Lamb', '.'],
      ['The', ' Drowned', ' Bell', '.'],
      ['Because', ' it', ' rings', '.'],
    ];
    server.setScenario(scripts.map((script) => ({ script })));
    await send(hook, 'Name the inn.');
    await hook.session.idle();
    const replyId = lastMessages(hook)[1].id;
    for (const requestId of ['alt2', 'alt3']) {
      const before = hook.session.store.current.messages[1].alternatives?.length ?? 1;
      hook.view.receive({ type: 'regenerate', requestId, messageId: replyId });
      await waitFor(`${requestId} to start`, () => (hook.session.store.current.messages[1].alternatives?.length ?? 1) > before);
      await hook.session.idle();
    }
    const reply = () => hook.session.store.current.messages[1];
    assert.equal(reply().id, replyId);
    assert.deepEqual(
      reply().alternatives?.map((a) => [a.text, a.status]),
      scripts.slice(0, 3).map((script) => [script.join(''), 'done']),
    );
    assert.equal(reply().text, scripts[2].join(''), 'the newest is shown');

    const rec = record(hook);
    try {
      hook.view.receive({ type: 'showAlternative', messageId: replyId, index: 0 });
      const shown = await waitFor('the first alternative posted to the page', () =>
        rec.posted.find((m) => m.type === 'message' && m.message.id === replyId && m.message.alternative?.index === 0),
      );
      assert.ok(shown.type === 'message');
      assert.deepEqual([shown.message.text, shown.message.alternative], [scripts[0].join(''), { index: 0, count: 3 }]);
    } finally {
      rec.dispose();
    }
    await send(hook, 'Why that one?');
    await hook.session.idle();
    const request = generationRequests(server).at(-1)!;
    assert.deepEqual(
      request.body.messages.map((m: { role: string; content: string }) => [m.role, m.content]),
      [
        ['system', SYSTEM],
        ['user', 'Name the inn.'],
        ['assistant', scripts[0].join('')],
        ['user', 'Why that one?'],
      ],
    );
    assert.equal(lastMessages(hook)[3].text, scripts[3].join(''));

    // Another chat, then this one reopened: the page is fed the reply with its alternatives.
    const id = hook.session.store.current.id;
    hook.view.receive({ type: 'newChat' });
    const reopen = record(hook);
    try {
      assert.ok(hook.session.openConversation(id));
      const fed = reopen.posted.find((m) => m.type === 'conversation');
      assert.ok(fed && fed.type === 'conversation');
      assert.deepEqual(fed.conversation.messages[1].alternative, { index: 0, count: 3 });
      assert.equal(fed.conversation.messages[1].text, scripts[0].join(''));
    } finally {
      reopen.dispose();
    }
    // What a reloaded window reads back from workspace storage.
    const persisted = hook.session.probe().persisted().conversations.find((c) => c.id === id)!;
    assert.deepEqual(
      persisted.messages[1].alternatives?.map((a) => a.text),
      scripts.slice(0, 3).map((script) => script.join('')),
    );
    assert.deepEqual([persisted.messages[1].shown, persisted.messages[1].text], [0, scripts[0].join('')]);
  });

  it('edits and resends a user message, replacing the conversation after it', async () => {
    await send(hook, 'Name the inn.');
    await hook.session.idle();
    await send(hook, 'And the innkeeper?');
    await hook.session.idle();
    assert.equal(lastMessages(hook).length, 4);
    const firstUser = lastMessages(hook)[0];
    hook.view.receive({ type: 'editResend', requestId: 'edit1', messageId: firstUser.id, text: 'Name the river.' });
    await waitFor('the resend to start', () => lastMessages(hook).length === 2);
    await hook.session.idle();
    const messages = lastMessages(hook);
    assert.equal(messages.length, 2);
    assert.equal(messages[0].text, 'Name the river.');
    assert.equal(messages[1].status, 'done');
    const request = generationRequests(server).at(-1)!;
    assert.deepEqual(
      request.body.messages.map((m: { role: string; content: string }) => [m.role, m.content]),
      [
        ['system', SYSTEM],
        ['user', 'Name the river.'],
      ],
    );
  });

  it('inserts a reply at the cursor as one undo step, and replaces a selection', async () => {
    const original = 'The town had no name.\n';
    const editor = await openDocument(original);
    const end = editor.document.positionAt(original.length);
    editor.selection = new vscode.Selection(end, end);
    await send(hook, 'Name it.');
    await hook.session.idle();
    const reply = lastMessages(hook)[1];
    // The writer clicks Insert with the focus in the chat, then undoes in the manuscript.
    await vscode.commands.executeCommand('inkwell.chat.focus');
    hook.view.receive({ type: 'applyToEditor', messageId: reply.id, how: 'insert' });
    await waitFor('the insertion', () => editor.document.getText() === original + reply.text);
    await undoInDocument(editor.document);
    await waitFor('one undo to restore the text', () => editor.document.getText() === original);

    const shown = await vscode.window.showTextDocument(editor.document);
    shown.selection = new vscode.Selection(new vscode.Position(0, 4), new vscode.Position(0, 8));
    hook.view.receive({ type: 'applyToEditor', messageId: reply.id, how: 'replace' });
    await waitFor('the replacement', () => editor.document.getText() === `The ${reply.text} had no name.\n`);
    await undoInDocument(editor.document);
    await waitFor('one undo to restore the text', () => editor.document.getText() === original);
    await closeAllEditors();
  });

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

  it('ignores malformed and unknown messages from the webview', async () => {
    const before = hook.session.probe().rejectedCount;
    const messages = hook.session.store.current.messages.length;
    hook.view.receive({ type: 'send', requestId: 'x', text: 5 });
    hook.view.receive({ type: 'runCommand', command: 'workbench.action.reloadWindow' });
    hook.view.receive({ type: 'applyToEditor', messageId: 'm', how: 'insert', text: 'injected' });
    hook.view.receive('ready');
    assert.equal(hook.session.probe().rejectedCount, before + 4);
    assert.equal(hook.session.store.current.messages.length, messages);
    assert.equal(generationRequests(server).length, 0);
  });

  it('Send Selection to Chat attaches the passage and focuses the input', async () => {
    const editor = await openDocument('Line one.\nShe closed the door behind her.\nLine three.\n');
    editor.selection = new vscode.Selection(new vscode.Position(1, 0), new vscode.Position(1, 31));
    const rec = record(hook);
    try {
      await vscode.commands.executeCommand('inkwell.sendSelectionToChat');
      const attached = await waitFor('the passage to be posted', () => rec.posted.find((m) => m.type === 'attachPassage'));
      assert.ok(attached.type === 'attachPassage');
      assert.equal(attached.passage.text, 'She closed the door behind her.');
      assert.match(attached.passage.source, /line 2$/);
      hook.view.receive({ type: 'send', requestId: 'sel1', text: 'What is she feeling?', passage: attached.passage });
      await waitFor('the send', () => hook.session.store.current.messages.length === 2);
      await hook.session.idle();
      const request = generationRequests(server).at(-1)!;
      assert.equal(request.body.messages[1].content, '> She closed the door behind her.\n\nWhat is she feeling?');
    } finally {
      rec.dispose();
      await closeAllEditors();
    }
  });

  it('keeps the transcript when the panel is hidden and shown, and across a reload (workspace storage)', async () => {
    await send(hook, 'Name the lighthouse.');
    await hook.session.idle();
    const before = hook.session.store.current;
    const readyBefore = hook.session.probe().readyCount;
    const rec = record(hook);
    try {
      // Hiding the sidebar drops the webview's page; showing it again loads a fresh one.
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await waitFor('the panel to hide', () => !hook.view.isVisible);
      await vscode.commands.executeCommand('workbench.view.extension.inkwell');
      await vscode.commands.executeCommand('inkwell.chat.focus');
      await waitFor('the new page to say ready', () => hook.session.probe().readyCount > readyBefore, 20_000);
      const fed = rec.posted.find((m) => m.type === 'conversation');
      assert.ok(fed && fed.type === 'conversation');
      assert.equal(fed.conversation.id, before.id);
      assert.deepEqual(
        fed.conversation.messages.map((m) => [m.role, m.text, m.status]),
        before.messages.map((m) => [m.role, m.text, m.status]),
      );
    } finally {
      rec.dispose();
    }
    // What a reloaded window reads back: the same conversation from workspace storage.
    const persisted = hook.session.probe().persisted();
    assert.equal(persisted.current.id, before.id);
    assert.deepEqual(
      persisted.current.messages.map((m) => [m.id, m.text, m.status]),
      before.messages.map((m) => [m.id, m.text, m.status]),
    );
  });

  it('keeps an earlier chat in the history after New Chat, and reopens it', async () => {
    await send(hook, 'Name the harbour.');
    await hook.session.idle();
    const earlier = hook.session.store.current.id;
    hook.view.receive({ type: 'newChat' });
    assert.notEqual(hook.session.store.current.id, earlier);
    assert.equal(hook.session.store.current.messages.length, 0);
    assert.ok(hook.session.store.history().some((c) => c.id === earlier));
    assert.ok(hook.session.openConversation(earlier));
    assert.equal(hook.session.store.current.messages[0].text, 'Name the harbour.');
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
