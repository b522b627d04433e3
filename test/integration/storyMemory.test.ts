// The story folder in a real workspace: memory, lore and the author's note go into what Continue Writing
// sends (the test server receives it), an edit to a lore file changes the next request, and a broken
// entry is a diagnostic on its file while the rest still works.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinueWritingResult } from '../../src/continueWriting/continueWriting';
import type { ProviderTestServer } from '../server/providerTestServer';
import { closeAllEditors, generationRequests, inkwell, resetUserSettings, serverAsInfermatic, waitFor } from './testKit';

const run = () => vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');
const CHAPTER = 'Rain on Harrow Street.\n\nWren held the brass key and waited.';

describe('Story memory: the story folder in what Continue Writing sends', function () {
  this.timeout(30_000);
  let server: ProviderTestServer;
  let root: vscode.Uri;
  let story: vscode.Uri;
  let chapter: vscode.Uri;

  const write = (uri: vscode.Uri, text: string) => vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  const lore = (name: string) => vscode.Uri.joinPath(story, 'lore', `${name}.md`);
  /** Opens the chapter with the cursor at its end. */
  async function atChapterEnd(): Promise<vscode.TextEditor> {
    const editor = await vscode.window.showTextDocument(chapter, { preview: false });
    const end = editor.document.positionAt(editor.document.getText().length);
    editor.selection = new vscode.Selection(end, end);
    return editor;
  }
  /** Waits until the prompt Inkwell would send satisfies `ok` (the folder's watcher reports asynchronously). */
  async function planned(ok: (prompt: string) => boolean): Promise<string> {
    const api = await inkwell();
    const editor = await atChapterEnd();
    let last: unknown;
    try {
      const found = await waitFor('the planned prompt', async () => {
        const plan = await api.prompts.plan(editor.document, editor.selection);
        last = plan?.built.fits ? plan.prompt : plan?.built;
        return plan && ok(plan.prompt) ? { prompt: plan.prompt } : undefined;
      }, 10_000);
      return found.prompt;
    } catch (e) {
      throw new Error(`${String(e)}; the last plan: ${JSON.stringify(last)?.slice(0, 600)}`, { cause: e });
    }
  }

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration tests need a workspace folder');
    root = folder.uri;
    story = vscode.Uri.joinPath(root, 'story');
    chapter = vscode.Uri.joinPath(root, 'chapter-story.md');
    await write(chapter, CHAPTER);
    await write(vscode.Uri.joinPath(story, 'memory.md'), 'A gaslight mystery. <!-- not sent -->Wren is seventeen.\n');
    await write(lore('brass-key'), '---\nkeys: [brass key]\n---\nThe brass key opens the cellar.\n');
    await write(lore('ash'), '---\nkeys: [Ash]\n---\nAsh never appears in this chapter.\n');
  });
  beforeEach(async () => {
    server = await serverAsInfermatic({ script: [' She', ' turned', '.'] });
  });
  afterEach(async () => {
    await closeAllEditors();
    await server.close();
    await resetUserSettings();
  });
  after(async () => {
    await vscode.workspace.fs.delete(story, { recursive: true });
    await vscode.workspace.fs.delete(chapter);
  });

  it('sends memory, the lore the text activates, a separator, then the story', async () => {
    await atChapterEnd();
    const result = await run();
    assert.equal(result.outcome, 'done');
    const [request] = generationRequests(server);
    assert.equal(request.body.prompt, `A gaslight mystery. Wren is seventeen.\n\nThe brass key opens the cellar.\n***\n${CHAPTER}`);
    // The view of what the model sees records the same body.
    const sent = (await inkwell()).prompts.lastSent(chapter);
    assert.deepEqual(sent?.body, request.body);
    assert.deepEqual(sent?.built.lore.map((v) => [v.entry.id, v.active]), [['ash', false], ['brass-key', true]]);
  });

  it('an unsaved edit to a lore file, and a new file, change the next request', async () => {
    const entry = await vscode.workspace.openTextDocument(lore('brass-key'));
    const rewrite = async (text: string) => {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(entry.uri, new vscode.Range(3, 0, 3, 100), text);
      assert.ok(await vscode.workspace.applyEdit(edit));
    };
    await rewrite('The brass key is cold and older than the house.');
    assert.ok(entry.isDirty);
    await vscode.window.showTextDocument(chapter, { preview: false });
    await write(lore('wren'), '---\nkeys: Wren\norder: 200\n---\nWren: the lamplighter’s daughter.\n');
    await planned((p) => p.includes('older than the house') && p.includes('lamplighter'));
    await atChapterEnd();
    await run();
    const [request] = generationRequests(server);
    assert.equal(
      request.body.prompt,
      `A gaslight mystery. Wren is seventeen.\n\nThe brass key is cold and older than the house.\n\nWren: the lamplighter’s daughter.\n***\n${CHAPTER}`,
    );
    await rewrite('The brass key opens the cellar.');
    await entry.save();
    await planned((p) => p.includes('The brass key opens the cellar.'));
    await vscode.workspace.fs.delete(lore('wren'));
  });

  it('a broken entry is a diagnostic at its line and is skipped; the rest still goes in', async () => {
    const broken = lore('broken');
    await write(broken, '---\nkeys: [Wren]\nkyes: oops\n---\nNever sent.\n');
    const diagnostics = await waitFor('a diagnostic on the broken entry', () => {
      const d = vscode.languages.getDiagnostics(broken);
      return d.length ? d : undefined;
    }, 10_000);
    assert.equal(diagnostics[0].range.start.line, 2);
    assert.match(diagnostics[0].message, /Unknown field "kyes" — did you mean "keys"\?/);
    assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
    const prompt = await planned((p) => p.includes('brass key opens'));
    assert.ok(!prompt.includes('Never sent'));
    await vscode.workspace.fs.delete(broken);
    await waitFor('the diagnostic to go with the file', () => vscode.languages.getDiagnostics(broken).length === 0, 10_000);
  });

  it('the author’s note goes a set number of lines before the end', async () => {
    await write(vscode.Uri.joinPath(story, 'authors-note.md'), '[Style: slow, sensory.]');
    await vscode.workspace.getConfiguration('inkwell').update('story.authorsNoteDepth', 1, vscode.ConfigurationTarget.Global);
    const prompt = await planned((p) => p.includes('[Style'));
    assert.ok(prompt.endsWith('Rain on Harrow Street.\n\n[Style: slow, sensory.]\n\nWren held the brass key and waited.'), prompt);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(story, 'authors-note.md'));
  });

  it('memory that cannot fit is refused before anything is sent', async () => {
    const memory = vscode.Uri.joinPath(story, 'memory.md');
    const before = await vscode.workspace.fs.readFile(memory);
    // Infermatic's model list does not say the context, so the setting decides: 400, with 300 kept for the reply.
    await vscode.workspace.getConfiguration('inkwell').update('contextSize', 400, vscode.ConfigurationTarget.Global);
    await write(memory, 'The lamps remember. '.repeat(100));
    await planned((p) => p === '');
    await atChapterEnd();
    const result = await run();
    assert.equal(result.outcome, 'not-started');
    assert.equal(result.error?.kind, 'context-overflow');
    assert.equal(generationRequests(server).length, 0);
    await vscode.workspace.fs.writeFile(memory, before);
  });
});
