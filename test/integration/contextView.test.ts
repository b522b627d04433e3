// What the model sees, in a real extension host: a story folder in the test workspace, the view opened by
// its command, its model of the next prompt (which entry is in, by which key, at which line), its update
// when the cursor moves, and after a Continue Writing the last-sent body equal to what the server got.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { clipboardRoundTrips } from './clipboardProbe';
import type { ContinueWritingResult } from '../../src/continueWriting/continueWriting';
import { ContextSnapshot, isEmptySnapshot } from '../../src/core/story/contextSnapshot';
import type { ProviderTestServer } from '../server/providerTestServer';
import { closeAllEditors, generationRequests, inkwell, resetUserSettings, serverAsInfermatic, setUserSetting, waitFor } from './testKit';

const STORY_FOLDER = 'story-context-view';
const CHAPTER = 'Rain on Harrow Street.\n\nWren lit the lamps along the street.\n\nShe waited';
const CANARY = 'sk-inkwell-canary-4d7e1f09b2';

describe('What the model sees', function () {
  this.timeout(60_000);
  let server: ProviderTestServer;
  let story: vscode.Uri;
  let chapter: vscode.Uri;
  const write = (uri: vscode.Uri, text: string) => vscode.workspace.fs.writeFile(uri, Buffer.from(text));

  async function openChapterAt(line: number, character: number): Promise<vscode.TextEditor> {
    const editor = await vscode.window.showTextDocument(chapter, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(line, character, line, character);
    return editor;
  }

  /** The view's next prompt, once it satisfies `ok` (plans run after a pause and in the background). */
  async function nextPrompt(ok: (s: ContextSnapshot) => boolean): Promise<ContextSnapshot> {
    const api = await inkwell();
    return waitFor('the view to show the next prompt', async () => {
      const { next } = await api.contextView.watch.settled();
      return !isEmptySnapshot(next) && ok(next) ? next : undefined;
    }, 15_000);
  }

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration tests need a workspace folder');
    story = vscode.Uri.joinPath(folder.uri, STORY_FOLDER);
    chapter = vscode.Uri.joinPath(folder.uri, 'chapter-context-view.md');
    await write(chapter, CHAPTER);
    await write(vscode.Uri.joinPath(story, 'memory.md'), 'A gaslight mystery.\n');
    await write(vscode.Uri.joinPath(story, 'lore', 'wren.md'), '---\nname: Wren\nkeys: [Wren, the apprentice]\n---\nWren: the lamplighter’s daughter.\n');
    await write(vscode.Uri.joinPath(story, 'lore', 'ash.md'), '---\nkeys: [Ash]\n---\nAsh never appears here.\n');
  });
  beforeEach(async () => {
    server = await serverAsInfermatic({ script: [' She', ' turned', '.'] });
    await setUserSetting('inkwell.story.folder', STORY_FOLDER);
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

  it('opens beside the editor and lists the entry the text activates as in, with its key and line', async () => {
    const api = await inkwell();
    await openChapterAt(4, 10);
    await vscode.commands.executeCommand('inkwell.showContext');
    assert.ok(api.contextView.visible, 'the panel is not showing');
    const next = await nextPrompt((s) => s.lore.length === 2);
    assert.equal(next.source, 'chapter-context-view.md, line 5');
    assert.deepEqual(
      next.lore.map((r) => [r.id, r.active, typeof r.why === 'string' ? r.why : r.why.kind, r.line]),
      [['wren', true, 'key', 3], ['ash', false, 'no-match', undefined]],
    );
    const wren = next.lore[0];
    assert.ok(typeof wren.why !== 'string' && wren.why.kind === 'key' && wren.why.key === 'Wren');
    assert.ok(next.outcome.fits);
    assert.deepEqual(next.outcome.parts.map((p) => p.kind), ['memory', 'lore', 'story', 'template']);
    assert.equal(next.request?.body.prompt, `A gaslight mystery.\n\nWren: the lamplighter’s daughter.\n***\n${CHAPTER}`);
    // The page's content says the same, in words.
    await waitFor('the page content', () => api.contextView.html.includes('key “Wren” at line 3'));
    assert.match(api.contextView.html, /no key in the last 2,048 tokens/);
  });

  it('follows the cursor: above the key, the entry is out', async () => {
    const api = await inkwell();
    await openChapterAt(4, 10);
    await vscode.commands.executeCommand('inkwell.showContext');
    await nextPrompt((s) => s.lore.some((r) => r.id === 'wren' && r.active));
    const editor = await openChapterAt(0, 22);
    const moved = await nextPrompt((s) => s.source.endsWith('line 1'));
    assert.deepEqual(moved.lore.map((r) => [r.id, r.active]), [['ash', false], ['wren', false]]);
    assert.equal(moved.request?.body.prompt, 'A gaslight mystery.\n***\nRain on Harrow Street.');
    assert.equal(editor.document.getText(), CHAPTER, 'the view changed nothing in the manuscript');
    await waitFor('the page content', () => !api.contextView.html.includes('key “Wren”'));
  });

  it('after Continue Writing, Last sent holds the body the server received', async () => {
    const api = await inkwell();
    await openChapterAt(4, 10);
    await vscode.commands.executeCommand('inkwell.showContext');
    const result = await vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');
    assert.equal(result.outcome, 'done');
    const [received] = generationRequests(server);
    const last = await waitFor('the last-sent prompt', () => {
      const s = api.contextView.watch.state.last;
      return isEmptySnapshot(s) ? undefined : s;
    });
    assert.deepEqual(last.request?.body, received.body);
    assert.equal(last.request?.url, `${server.url}/v1/completions`);
    assert.deepEqual(last.lore.filter((r) => r.active).map((r) => r.id), ['wren']);
    await waitFor('the page content', () => api.contextView.html.includes('sent at'));
  });

  it('never shows or copies a key, even one pasted into the manuscript', async () => {
    const api = await inkwell();
    const profile = api.services.targets.profile('infermatic')!;
    await api.services.keys.set(profile, CANARY);
    const editor = await openChapterAt(4, 10);
    await editor.edit((b) => b.insert(new vscode.Position(4, 10), ` and whispered ${CANARY}`));
    await vscode.commands.executeCommand('inkwell.showContext');
    const next = await nextPrompt((s) => JSON.stringify(s.request?.body ?? '').includes('whispered'));
    assert.ok(JSON.stringify(next.request?.body).includes(CANARY), 'the manuscript text is in the body as it would go');
    await waitFor('the page content', () => api.contextView.html.includes('whispered'));
    assert.ok(!api.contextView.html.includes(CANARY), 'the key is in the view');
    if (!(await clipboardRoundTrips())) return;
    await api.contextView.copy('next');
    const copied = await vscode.env.clipboard.readText();
    assert.ok(copied.includes('whispered [redacted]'), copied.slice(-200));
    assert.ok(!copied.includes(CANARY));
  });
});
