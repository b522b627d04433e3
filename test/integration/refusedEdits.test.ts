// A document that stops taking the continuation mid-stream: the workbench's own "Set Active Editor
// Read-only in Session" turns the editor read-only while the text streams in. Its edits are then
// refused (the workbench drops an edit to a read-only editor), so Continue Writing must give up after
// its bounded retries, stop the request, and hand the writer exactly what arrived and was not written,
// on the clipboard, rather than keep retrying or drop it.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { clipboardRoundTrips } from './clipboardProbe';
import type { ContinueWritingResult } from '../../src/continueWriting/continueWriting';
import type { ProviderTestServer } from '../server/providerTestServer';
import { closeAllEditors, endOf, inkwell, resetUserSettings, serverAsInfermatic, setUserSetting, waitFor } from './testKit';

const SCRIPT = [' The', ' shutters', ' banged', ' twice', ',', ' then', ' the', ' house', ' was', ' still', '.'];
const ORIGINAL = 'Night fell on the village.';
const CLIPBOARD_BEFORE = 'what the writer had copied';
/** Twenty refused flushes at 40 ms are about a second; far more than that is a hang. */
const GIVES_UP_WITHIN_MS = 8_000;

describe('Continue Writing: a document that refuses the text', function () {
  this.timeout(60_000);
  let server: ProviderTestServer;
  let file: vscode.Uri;

  beforeEach(async () => {
    server = await serverAsInfermatic({ script: SCRIPT });
    await setUserSetting('inkwell.sampling.maxTokens', 300);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration tests need a workspace folder');
    file = vscode.Uri.joinPath(folder.uri, `refusing-${Date.now()}.md`);
    await vscode.workspace.fs.writeFile(file, Buffer.from(ORIGINAL));
  });
  afterEach(async () => {
    if (vscode.window.activeTextEditor?.document.uri.toString() === file.toString()) {
      await vscode.commands.executeCommand('workbench.action.files.resetActiveEditorReadonlyInSession');
    }
    await closeAllEditors();
    await server.close();
    await resetUserSettings();
    await vscode.workspace.fs.delete(file);
  });

  it('turned read-only mid-stream: ends, stops the request, and puts exactly what was not written on the clipboard', async function () {
    if (!(await clipboardRoundTrips())) this.skip();
    const { log } = (await inkwell()).services;
    await vscode.env.clipboard.writeText(CLIPBOARD_BEFORE);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), { preview: false });
    endOf(editor);
    // Slow enough that the stream is far from its end when the editor turns read-only.
    server.setScenario({ tokenDelayMs: 30, scriptLoop: true });
    let result: ContinueWritingResult | undefined;
    const pending = vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting').then((r) => (result = r));
    await waitFor('some text', () => editor.document.getText().length > ORIGINAL.length + 10);

    await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession');
    await waitFor('Continue Writing to give up', () => result, GIVES_UP_WITHIN_MS);
    const ended = await pending;
    assert.equal(ended.outcome, 'aborted', `ended as ${ended.outcome}: ${ended.error?.message ?? ''}`);
    assert.ok(
      log.recentLines().some((line) => /Continue Writing: stopped \(edit-refused\)/.test(line)),
      'the insertion did not stop as refused',
    );
    await server.waitForRequest((r) => r.aborted, 5000);

    const written = editor.document.getText();
    assert.ok(written.startsWith(ORIGINAL), 'the writer’s own text changed');
    const inDocument = written.slice(ORIGINAL.length);
    const onClipboard = await vscode.env.clipboard.readText();
    assert.notEqual(onClipboard, CLIPBOARD_BEFORE, 'nothing was put on the clipboard');
    assert.ok(onClipboard.length > 0, 'the refused text is empty');
    // Every token that arrived is either in the document or on the clipboard, in order, once.
    const arrived = Array.from({ length: ended.tokens }, (_, i) => SCRIPT[i % SCRIPT.length]).join('');
    assert.equal(inDocument + onClipboard, arrived, 'the document and the clipboard together are not what arrived');
  });
});
