// A revert that meets a flush. "Don't Save" on close and File: Revert both mark the document clean
// silently, read the file, and give up if the text changed during the read. On a slow file system
// (a remote workspace, the web workbench under load) a flush lands in that read nearly every time.
// A file system provider whose reads take a while makes that timing certain, instead of rare.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinueWritingResult } from '../../src/continueWriting/continueWriting';
import type { ProviderTestServer } from '../server/providerTestServer';
import { closeAllEditors, endOf, resetUserSettings, serverAsInfermatic, setUserSetting, waitFor } from './testKit';

const SCHEME = 'inkwell-slow-test';

/** One in-memory folder whose reads wait `readDelayMs` once the test says so. */
class SlowFileSystem implements vscode.FileSystemProvider {
  readonly files = new Map<string, Uint8Array>();
  readDelayMs = 0;
  reads = 0;
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    const data = this.files.get(uri.path);
    if (uri.path === '/') return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    if (!data) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: data.byteLength };
  }
  readDirectory(): [string, vscode.FileType][] {
    return [...this.files.keys()].map((p) => [p.slice(1), vscode.FileType.File]);
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('flat');
  }
  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const data = this.files.get(uri.path);
    if (!data) throw vscode.FileSystemError.FileNotFound(uri);
    this.reads++;
    if (this.readDelayMs) await new Promise((resolve) => setTimeout(resolve, this.readDelayMs));
    return data;
  }
  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    this.files.set(uri.path, content);
    this.changes.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }
  delete(uri: vscode.Uri): void {
    this.files.delete(uri.path);
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('flat');
  }
}

describe('Continue Writing: a revert that meets a flush', function () {
  this.timeout(30_000);
  const original = 'A chapter on a slow disk.';
  const fileSystem = new SlowFileSystem();
  const uri = vscode.Uri.from({ scheme: SCHEME, path: '/chapter.md' });
  let registration: vscode.Disposable;
  let server: ProviderTestServer;

  const tabOpen = () =>
    vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString()));

  before(() => {
    registration = vscode.workspace.registerFileSystemProvider(SCHEME, fileSystem);
  });
  after(() => registration.dispose());

  beforeEach(async () => {
    fileSystem.files.set(uri.path, Buffer.from(original));
    fileSystem.readDelayMs = 0;
    server = await serverAsInfermatic({ script: [' and', ' on'] });
    await setUserSetting('files.autoSave', 'off');
  });
  afterEach(async () => {
    fileSystem.readDelayMs = 0;
    await closeAllEditors();
    await server.close();
    await resetUserSettings();
    await setUserSetting('files.autoSave', undefined);
  });

  async function streamThenRevert(command: string): Promise<ContinueWritingResult> {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    endOf(editor);
    // A token every 10 ms: several 40 ms flushes fall inside a 400 ms read.
    server.setScenario({ tokenDelayMs: 10, scriptLoop: true });
    const pending = vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');
    await waitFor('some text', () => editor.document.getText().length > original.length + 8);
    fileSystem.readDelayMs = 400;
    const readsBefore = fileSystem.reads;
    await vscode.commands.executeCommand(command);
    const result = await pending;
    assert.ok(fileSystem.reads > readsBefore, 'the revert did not read the file: the race was not set up');
    return result;
  }

  it('File: Revert while text arrives stops the generation and its request; a second revert wins', async () => {
    const result = await streamThenRevert('workbench.action.files.revert');
    assert.equal(result.outcome, 'aborted', 'the stream ran on after the writer reverted');
    await server.waitForRequest((r) => r.aborted, 5000);
    const document = vscode.window.activeTextEditor?.document;
    assert.ok(document && document.uri.toString() === uri.toString());
    // Nothing writes any more, so the writer's next revert restores the file.
    fileSystem.readDelayMs = 0;
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(document.getText(), original);
    assert.equal(document.isDirty, false);
  });

  it('closing with "Don’t Save" while text arrives stops the generation and its request; the disk keeps the original', async () => {
    // With the smoke-test driver on, the workbench answers its own save question with Don't Save.
    const result = await streamThenRevert('workbench.action.closeActiveEditor');
    assert.equal(result.outcome, 'aborted', 'the stream ran on after the writer closed the tab');
    await server.waitForRequest((r) => r.aborted, 5000);
    assert.equal(Buffer.from(fileSystem.files.get(uri.path) ?? []).toString(), original);
    // If VS Code kept the tab because a flush beat its revert, the writer's next close closes it.
    if (tabOpen()) {
      fileSystem.readDelayMs = 0;
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
    await waitFor('the tab to close', () => !tabOpen());
  });
});
