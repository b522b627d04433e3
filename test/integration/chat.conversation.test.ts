// The chat panel's conversation: sending and streaming, stopping, regenerating into alternatives,
// editing and resending, and what survives hiding the panel, New Chat and a reload.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ProviderTestServer } from '../server/providerTestServer';
import { ChatHook, SCRIPT, SYSTEM, lastMessages, record, send, useChatPanel } from './chatPanelSuite';
import { generationRequests, waitFor } from './testKit';

describe('chat panel: conversation (integration)', function () {
  this.timeout(60_000);
  const suite = useChatPanel();
  let server: ProviderTestServer;
  let hook: ChatHook;

  beforeEach(() => ({ hook, server } = suite));

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
