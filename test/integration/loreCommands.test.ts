// The lore commands in a real workspace: a SillyTavern world file imported into one Markdown file per
// entry (never overwriting one), exported back, and a new entry made from a name selected in a chapter.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { parseLoreFile } from '../../src/core/story/loreFile';
import { closeAllEditors, inkwell, resetUserSettings, serverAsInfermatic, waitFor } from './testKit';

const FIXTURE = path.resolve(__dirname, '../../../test/unit/fixtures/story/eldoria.world.json');

describe('Lore commands: import, export, new entry', function () {
  this.timeout(30_000);
  let root: vscode.Uri;
  let story: vscode.Uri;
  let lore: vscode.Uri;
  const read = async (uri: vscode.Uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const names = async () => (await vscode.workspace.fs.readDirectory(lore)).map(([n]) => n).sort();

  before(() => {
    root = vscode.workspace.workspaceFolders![0].uri;
    story = vscode.Uri.joinPath(root, 'story');
    lore = vscode.Uri.joinPath(story, 'lore');
  });
  afterEach(async () => {
    await closeAllEditors();
    await vscode.workspace.fs.delete(story, { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  it('imports SillyTavern world info into one file per entry, each read back with its keys and text, and never overwrites', async () => {
    const world = JSON.parse(await read(vscode.Uri.file(FIXTURE)));
    const written = await vscode.commands.executeCommand<number>('inkwell.importLorebook', vscode.Uri.file(FIXTURE));
    const expected = Object.values(world.entries as Record<string, { key: string[]; content: string; disable?: boolean }>);
    assert.equal(written, expected.length);
    const files = await names();
    assert.equal(files.length, expected.length);
    // Every entry of the world file is a file whose keys and text are the entry's.
    const parsed = await Promise.all(files.map(async (f) => parseLoreFile(f.slice(0, -3), await read(vscode.Uri.joinPath(lore, f))).entry!));
    for (const entry of expected) {
      const match = parsed.find((p) => JSON.stringify(p.keys) === JSON.stringify(entry.key));
      assert.ok(match, `no file for ${JSON.stringify(entry.key)}`);
      assert.equal(match.content, entry.content.replace(/\r\n?/g, '\n').trim());
    }
    // A second import adds numbered files beside the first ones and changes none of them.
    const before = await Promise.all(files.map((f) => read(vscode.Uri.joinPath(lore, f))));
    await vscode.commands.executeCommand('inkwell.importLorebook', vscode.Uri.file(FIXTURE));
    assert.equal((await names()).length, expected.length * 2);
    assert.deepEqual(await Promise.all(files.map((f) => read(vscode.Uri.joinPath(lore, f)))), before);
  });

  it('exports the story folder’s lore as SillyTavern world info', async () => {
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(lore, 'wren.md'), Buffer.from('---\nkeys: [Wren, the chandler]\norder: 150\n---\nWren makes candles.\n'));
    const out = vscode.Uri.joinPath(root, 'exported.world.json');
    await waitFor('the entry to be read', async () => (await (await inkwell()).prompts.folders.loreFiles(lore)).length === 1);
    await vscode.commands.executeCommand('inkwell.exportLorebook', out);
    const exported = JSON.parse(await read(out));
    const [entry] = Object.values(exported.entries) as { key: string[]; content: string; order: number; disable: boolean }[];
    assert.deepEqual(entry.key, ['Wren', 'the chandler']);
    assert.equal(entry.content, 'Wren makes candles.');
    assert.equal(entry.order, 150);
    assert.equal(entry.disable, false);
    await vscode.workspace.fs.delete(out);
  });

  it('makes a new entry from the selected name, and the next prompt carries it', async () => {
    const chapter = vscode.Uri.joinPath(root, 'chapter-lore-commands.md');
    await vscode.workspace.fs.writeFile(chapter, Buffer.from('Old Marrow kept the cellar key.'));
    const editor = await vscode.window.showTextDocument(chapter);
    editor.selection = new vscode.Selection(0, 0, 0, 10);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('inkwell.newLoreEntry');
    assert.equal(path.posix.basename(uri.path), 'old-marrow.md');
    const entry = parseLoreFile('old-marrow', await read(uri)).entry;
    assert.deepEqual(entry?.keys, ['Old Marrow']);
    // The writer replaces the placeholder text (selected for them) and saves.
    const opened = vscode.window.activeTextEditor!;
    assert.equal(opened.document.uri.toString(), uri.toString());
    await opened.edit((b) => b.replace(opened.selection, 'Old Marrow was the chandler before Wren.'));
    await opened.document.save();
    const server = await serverAsInfermatic();
    const api = await inkwell();
    const doc = await vscode.workspace.openTextDocument(chapter);
    const end = new vscode.Selection(0, 31, 0, 31);
    await waitFor('the new entry in the next prompt', async () => (await api.prompts.plan(doc, end))?.prompt.includes('chandler before Wren'));
    await vscode.workspace.fs.delete(chapter);
    await server.close();
    await resetUserSettings();
  });
});
