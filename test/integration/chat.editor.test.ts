// Between the chat panel and the manuscript: a reply inserted or replacing a selection (one undo
// step each), a selection sent to the chat, and the webview's messages that must change nothing.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ProviderTestServer } from '../server/providerTestServer';
import { ChatHook, lastMessages, record, send, useChatPanel } from './chatPanelSuite';
import { closeAllEditors, generationRequests, openDocument, undoInDocument, waitFor } from './testKit';

describe('chat panel: editor (integration)', function () {
  this.timeout(60_000);
  const suite = useChatPanel();
  let server: ProviderTestServer;
  let hook: ChatHook;

  beforeEach(() => ({ hook, server } = suite));

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
});
