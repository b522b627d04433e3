// Streaming into the document under the writer's hands.
// - The writer types into a running generation at random moments, as a person does: through the
//   workbench's own `type` command, which edits on the renderer side while the extension's flushes
//   are in flight. Whatever the timing, the document must be the writer's text plus exactly a prefix
//   of what the server sent, in order, with the typed character where the caret was.
// - A CRLF split across two stream events lands as one line break, without stopping the stream.
// - A read-only document is refused before anything is sent.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinueWritingResult } from '../../src/continueWriting/continueWriting';
import { streamBound } from '../../src/core/stream/streamBound';
import { rng } from '../../bench/tokenCountProse';
import type { ProviderTestServer } from '../server/providerTestServer';
import { closeAllEditors, openDocument, endOf, generationRequests, inkwell, resetUserSettings, serverAsInfermatic, setUserSetting, waitFor } from './testKit';

const SCRIPT = [' They', ' carried', ' my', ' trunk', ' up', ' the', ' stairs', ',', ' and', ' the', ' chimney', ' trembled', '.', ' 🕯️', ' Wick', '—', 'light', '.'];
const LOOPED = SCRIPT.join('').repeat(20);
const START = 'Chapter.';
const TRIALS = 24;

describe('Continue Writing: typing into the stream at random moments', function () {
  this.timeout(120_000);
  let server: ProviderTestServer;

  before(async () => {
    server = await serverAsInfermatic({ script: SCRIPT });
    await setUserSetting('inkwell.sampling.maxTokens', 200);
  });
  after(async () => {
    await closeAllEditors();
    await server.close();
    await resetUserSettings();
  });

  for (let trial = 0; trial < TRIALS; trial++) {
    const seed = 1000 + trial;
    it(`trial ${trial} (seed ${seed})`, async () => {
      const random = rng(seed);
      // From 200 to about 25 tokens/s, so typing meets flushes at every phase, while 200 tokens still
      // take longer than the typing needs to arrive (so the stream cannot end before it).
      server.setScenario({ tokenDelayMs: 5 + Math.floor(random() * 35), scriptLoop: true });
      const editor = await openDocument(START);
      endOf(editor);
      const pending = vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');
      const arrived = 3 + Math.floor(random() * 40);
      await waitFor('streamed text', () => editor.document.getText().length >= START.length + arrived, 20_000);
      const streamedNow = editor.document.getText().length - START.length;
      // Somewhere inside what has arrived, never splitting a surrogate pair.
      let at = START.length + 1 + Math.floor(random() * (streamedNow - 1));
      const text = editor.document.getText();
      if (/[\uDC00-\uDFFF]/.test(text[at] ?? '')) at--;
      editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at));
      await vscode.commands.executeCommand('type', { text: 'Z' });
      const result = await pending;

      const final = editor.document.getText();
      const z = final.indexOf('Z');
      assert.ok(z >= 0, `the typed character is gone: ${JSON.stringify(final)}`);
      assert.equal(final.lastIndexOf('Z'), z, `typed once, found twice: ${JSON.stringify(final)}`);
      assert.equal(z, at, `the typed character moved: ${JSON.stringify(final)}`);
      const withoutTyping = final.slice(0, z) + final.slice(z + 1);
      assert.ok(withoutTyping.startsWith(START), withoutTyping);
      const streamed = withoutTyping.slice(START.length);
      assert.ok(LOOPED.startsWith(streamed), `not what the server sent, in order: ${JSON.stringify(streamed)}`);
      assert.equal(result.outcome, 'aborted', `the typing did not stop the stream (${result.outcome})`);
      await closeAllEditors();
    });
  }
});

describe('Continue Writing: line breaks and read-only documents', function () {
  this.timeout(30_000);
  let server: ProviderTestServer;
  const run = () => vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');

  beforeEach(async () => {
    // Each '\r' ends one event and its '\n' starts the next.
    server = await serverAsInfermatic({ script: [' One.\r', '\nTwo.\r', '\n\r', '\nThree.'] });
  });
  afterEach(async () => {
    await closeAllEditors();
    await server.close();
    await resetUserSettings();
  });

  for (const eol of ['\n', '\r\n']) {
    it(`a CRLF split across two events is one line break (${eol === '\n' ? 'LF' : 'CRLF'} document)`, async () => {
      const editor = await openDocument(`Start.${eol}`);
      await editor.edit((b) => b.setEndOfLine(eol === '\n' ? vscode.EndOfLine.LF : vscode.EndOfLine.CRLF));
      editor.selection = new vscode.Selection(0, 6, 0, 6);
      server.setScenario({ tokenDelayMs: 30 });
      const result = await run();
      assert.equal(result.outcome, 'done', 'the split line break was taken for the writer typing');
      assert.equal(editor.document.getText(), ['Start. One.', 'Two.', '', 'Three.', ''].join(eol));
    });
  }

  it('refuses a read-only document before sending anything', async () => {
    const scheme = 'inkwell-readonly-test';
    const content = Buffer.from('A page nobody may change.');
    const emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
    const provider: vscode.FileSystemProvider = {
      onDidChangeFile: emitter.event,
      watch: () => new vscode.Disposable(() => undefined),
      stat: () => ({ type: vscode.FileType.File, ctime: 0, mtime: 0, size: content.length }),
      readDirectory: () => [],
      createDirectory: () => undefined,
      readFile: () => content,
      writeFile: () => {
        throw vscode.FileSystemError.NoPermissions();
      },
      delete: () => undefined,
      rename: () => undefined,
    };
    const registration = vscode.workspace.registerFileSystemProvider(scheme, provider, { isReadonly: true });
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(`${scheme}:/page.md`));
      const editor = await vscode.window.showTextDocument(document);
      endOf(editor);
      const result = await run();
      assert.equal(result.outcome, 'not-started');
      assert.equal(generationRequests(server).length, 0, 'a request went out for a read-only document');
      assert.equal(document.getText(), 'A page nobody may change.');
    } finally {
      await closeAllEditors();
      registration.dispose();
      emitter.dispose();
    }
  });
});

describe('Continue Writing: servers that never stop', function () {
  this.timeout(60_000);
  let server: ProviderTestServer;

  before(async () => {
    server = await serverAsInfermatic({ script: [' and on'] });
    await setUserSetting('inkwell.sampling.maxTokens', 40);
  });
  after(async () => {
    await closeAllEditors();
    await server.close();
    await resetUserSettings();
  });

  it('is stopped at the bound derived from max_tokens, keeping what arrived', async () => {
    // 20,000 tokens at 10,000 a second for a request that asked for 40: the stream is still going
    // when the bound is passed, so stopping it must abort the request.
    server.setScenario({ ignoreMaxTokens: { tokens: 20_000 }, scriptLoop: true, tokenDelayMs: 1, tokensPerDelay: 10 });
    const editor = await openDocument('It went');
    endOf(editor);
    const result = await vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.kind, 'runaway');
    const streamed = editor.document.getText().slice('It went'.length);
    const { maxPieces } = streamBound(40);
    assert.ok(streamed.length > 0, 'what arrived before the bound was not kept');
    assert.equal(streamed, ' and on'.repeat(maxPieces), 'the document did not get exactly the pieces up to the bound');
    await server.waitForRequest((r) => r.aborted, 5000);
  });

  it('ends a stream that only sends keep-alives at the generation limit, keeping what arrived', async () => {
    server.reset();
    await setUserSetting('inkwell.network.generationTimeoutSeconds', 10);
    // Two tokens, then keep-alive comments forever: the idle timeout never fires.
    server.setScenario({ stall: { afterTokens: 2 }, keepAliveEveryMs: 200, scriptLoop: true });
    const editor = await openDocument('It went');
    endOf(editor);
    const started = Date.now();
    const result = await vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.kind, 'timeout');
    assert.match(result.error?.message ?? '', /limit of 10 s/);
    assert.ok(Date.now() - started >= 10_000, 'it stopped before the limit');
    assert.equal(editor.document.getText(), 'It went and on and on');
    await server.waitForRequest((r) => r.aborted, 5000);
  });
});

describe('Continue Writing: closing the tab being written into', function () {
  this.timeout(30_000);
  let server: ProviderTestServer;
  const original = 'A chapter on disk.';
  let file: vscode.Uri;

  const tabOpen = () =>
    vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === file.toString()));

  beforeEach(async () => {
    server = await serverAsInfermatic({ script: [' and', ' on'] });
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration tests need a workspace folder');
    file = vscode.Uri.joinPath(folder.uri, `closing-${Date.now()}.md`);
    await vscode.workspace.fs.writeFile(file, Buffer.from(original));
  });
  afterEach(async () => {
    await closeAllEditors();
    await server.close();
    await resetUserSettings();
    await setUserSetting('files.autoSave', undefined);
    await setUserSetting('files.autoSaveDelay', undefined);
    await vscode.workspace.fs.delete(file);
  });

  async function startStreaming(): Promise<{ editor: vscode.TextEditor; pending: Thenable<ContinueWritingResult> }> {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), { preview: false });
    endOf(editor);
    server.setScenario({ tokenDelayMs: 100, scriptLoop: true });
    const pending = vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');
    await waitFor('some text', () => editor.document.getText().length > original.length + 4);
    return { editor, pending };
  }

  /**
   * Closes the streaming file with `command`, unsaved: the stream and its request stop, the tab closes
   * (at the writer's next close if Inkwell saw the first one defeated), the disk keeps the original.
   */
  async function closeUnsaved(command: string): Promise<void> {
    // The web workbench saves after a delay by default, which would put the streamed text on disk
    // before the close; a writer who closes without saving has auto-save off.
    await setUserSetting('files.autoSave', 'off');
    const { log } = (await inkwell()).services;
    const startedAt = new Date().toISOString();
    const { pending } = await startStreaming();
    await vscode.commands.executeCommand(command);
    const result = await pending;
    assert.equal(result.outcome, 'aborted');
    await server.waitForRequest((r) => r.aborted, 5000);
    // A flush already on its way can land while VS Code's revert reads the file (a loaded machine makes
    // that read slow); VS Code then keeps the tab, and Inkwell says so and asks again (a dialog the test
    // workbench refuses), so that the writer's next close wins. revertRace.test.ts makes that timing certain.
    const defeated = (line: string) => line >= startedAt && /stopped \(revert-defeated\)|left the document open and dirty/.test(line);
    const outcome = await waitFor('the tab to close, or Inkwell to see the close defeated', () =>
      !tabOpen() ? 'closed' : log.recentLines().some(defeated) ? 'defeated' : undefined,
    );
    if (outcome === 'defeated') await vscode.commands.executeCommand(command);
    await waitFor('the tab to close', () => !tabOpen());
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(file)).toString(), original);
  }

  it('reverting and closing stops the generation and its request, and the tab closes', async () => {
    await closeUnsaved('workbench.action.revertAndCloseActiveEditor');
  });

  it('closing with unsaved streamed text, answered "Don’t Save", stops the generation and closes the tab', async () => {
    // With the smoke-test driver on, the workbench answers its own save question with Don't Save.
    await closeUnsaved('workbench.action.closeActiveEditor');
  });

  it('auto-save while streaming does not stop the generation', async () => {
    // The web workbench's default; a save turns the document clean just as a revert does.
    await setUserSetting('files.autoSave', 'afterDelay');
    await setUserSetting('files.autoSaveDelay', 100);
    await setUserSetting('inkwell.sampling.maxTokens', 12);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), { preview: false });
    endOf(editor);
    // Pauses longer than the auto-save delay between tokens, so saves land mid-stream.
    server.setScenario({ tokenDelayMs: 250, scriptLoop: true });
    let saves = 0;
    const counting = vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.uri.toString() === file.toString()) saves++;
    });
    const result = await vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');
    counting.dispose();
    assert.ok(saves > 0, 'no auto-save happened while the text streamed in');
    assert.equal(result.outcome, 'done', 'an auto-save was taken for a revert');
    assert.equal(editor.document.getText(), original + ' and on'.repeat(6));
  });

  it('saving and closing stops the generation and its request, and the tab closes', async () => {
    const { editor, pending } = await startStreaming();
    await editor.document.save();
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const result = await pending;
    assert.equal(result.outcome, 'aborted');
    await server.waitForRequest((r) => r.aborted, 5000);
    await waitFor('the tab to close', () => !tabOpen());
    const saved = Buffer.from(await vscode.workspace.fs.readFile(file)).toString();
    assert.ok(saved.startsWith(original) && saved.length > original.length, 'what arrived before the save was not saved');
  });
});
