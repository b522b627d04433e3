// Lore names in the manuscript, through VS Code's own commands in a real workspace: the hover shows the
// entry (its text escaped), Go to Definition opens the lore file at its text, Find All References lists
// every mention across the chapters at its exact range, the lore file's lens counts them, and an edit
// to the entry's keys or to a chapter changes all of it.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAllEditors, waitFor } from './testKit';

const LORE = '---\nkeys: [Wren]\n---\nWren: the lamplighter’s daughter. [Open me](command:workbench.action.quit) <img src=x onerror=alert(1)>\n';
const ONE = 'Rain on Harrow Street.\n\nWren held the brass key. Later, wren smiled at Wrenna.\n';
const TWO = 'Nobody saw WREN leave.\n';

type Definition = vscode.Location | vscode.LocationLink;
const at = (line: number, character: number) => new vscode.Position(line, character);
const where = (uri: vscode.Uri, r: vscode.Range) => `${vscode.workspace.asRelativePath(uri)} ${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
const sorted = (places: string[]) => [...places].sort();

describe('Lore in the manuscript: hover, definition, references and the mention count', function () {
  this.timeout(40_000);
  let story: vscode.Uri;
  let storyExisted: boolean;
  let chapters: vscode.Uri;
  let wren: vscode.Uri;
  let one: vscode.Uri;
  let two: vscode.Uri;
  const write = (uri: vscode.Uri, text: string) => vscode.workspace.fs.writeFile(uri, Buffer.from(text));

  async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
    // appendText writes spaces as &nbsp;; the rest of its escaping is what the assertions look at.
    return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n').replace(/&nbsp;/g, ' ');
  }
  async function references(uri: vscode.Uri, position: vscode.Position): Promise<string[]> {
    const found = (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', uri, position)) ?? [];
    return sorted(found.map((l) => where(l.uri, l.range)));
  }
  async function lensTitle(): Promise<{ title: string; locations: string[] }> {
    // Lenses are asked of an open document only.
    await vscode.workspace.openTextDocument(wren);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', wren, 10)) ?? [];
    const lens = lenses.find((l) => l.command && /^(Mentioned|Not mentioned)/.test(l.command.title));
    const locations = (lens?.command?.arguments?.[2] as vscode.Location[] | undefined) ?? [];
    return { title: lens?.command?.title ?? '', locations: sorted(locations.map((l) => where(l.uri, l.range))) };
  }

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration tests need a workspace folder');
    story = vscode.Uri.joinPath(folder.uri, 'story');
    storyExisted = await Promise.resolve(vscode.workspace.fs.stat(story)).then(() => true, () => false);
    chapters = vscode.Uri.joinPath(folder.uri, 'lore-chapters');
    wren = vscode.Uri.joinPath(story, 'lore', 'wren.md');
    one = vscode.Uri.joinPath(chapters, 'one.md');
    two = vscode.Uri.joinPath(chapters, 'two.txt');
    await write(wren, LORE);
    await write(one, ONE);
    await write(two, TWO);
  });
  afterEach(() => closeAllEditors());
  after(async () => {
    await vscode.workspace.fs.delete(chapters, { recursive: true });
    await vscode.workspace.fs.delete(storyExisted ? wren : story, { recursive: true });
  });

  const declaration = 'story/lore/wren.md 3:0-3:103';
  const mentions = ['lore-chapters/one.md 2:0-2:4', 'lore-chapters/one.md 2:32-2:36', 'lore-chapters/two.txt 0:11-0:15'];

  it('hovering a name shows the entry, its keys and its text, escaped', async () => {
    const text = await waitFor('the hover on Wren', async () => {
      const t = await hoverText(one, at(2, 2));
      return t.includes('lamplighter') ? t : undefined;
    });
    // Without a name in the front matter, the entry is called by its file name.
    assert.match(text, /^\*\*wren\*\* · lore/);
    assert.match(text, /\*Keys:\* Wren/);
    assert.ok(!/\]\(command:/.test(text), `a command link in the hover: ${text}`);
    assert.ok(!text.includes('<img'), `raw HTML in the hover: ${text}`);
    // "Wrenna" is another name, and the plain-text chapter is a manuscript too.
    assert.equal(await hoverText(one, at(2, 50)), '');
    assert.match(await hoverText(two, at(0, 12)), /lamplighter/);
  });

  it('is not looked up in the lore file’s own front matter, but is in its text', async () => {
    await waitFor('the hover in the lore text', async () => (await hoverText(wren, at(3, 1))).includes('lamplighter'));
    assert.ok(!(await hoverText(wren, at(1, 8))).includes('lamplighter'));
  });

  it('Go to Definition opens the lore file at its text', async () => {
    const definitions = await waitFor('a definition of Wren', async () => {
      const d = await vscode.commands.executeCommand<Definition[]>('vscode.executeDefinitionProvider', one, at(2, 32));
      return d?.length ? d : undefined;
    });
    assert.deepEqual(
      definitions.map((d) => ('targetUri' in d ? where(d.targetUri, d.targetSelectionRange ?? d.targetRange) : where(d.uri, d.range))),
      [declaration],
    );
  });

  it('Find All References lists every mention in both chapters, and the entry', async () => {
    const expected = sorted([declaration, ...mentions]);
    const found = await waitFor('the references of Wren', async () => {
      const r = await references(two, at(0, 13));
      return r.length >= expected.length ? r : undefined;
    });
    assert.deepEqual(found, expected);
  });

  it('a folder the writer hides with files.exclude is not searched for references', async () => {
    const hidden = vscode.Uri.joinPath(chapters, 'drafts-old', 'three.md');
    await write(hidden, 'Wren, in a draft put away.\n');
    const files = vscode.workspace.getConfiguration('files');
    const before = files.inspect<Record<string, boolean>>('exclude')?.workspaceValue;
    try {
      // Seen first, so that the exclusion below is what leaves it out. VS Code applies files.exclude to
      // findFiles besides the exclude Inkwell gives (node_modules, .git, the story folder); this holds it.
      await waitFor('the draft among the references', async () => (await references(two, at(0, 13))).some((r) => r.includes('drafts-old')) || undefined);
      await files.update('exclude', { ...before, '**/drafts-old': true }, vscode.ConfigurationTarget.Workspace);
      assert.deepEqual(await references(two, at(0, 13)), sorted([declaration, ...mentions]));
    } finally {
      await files.update('exclude', before, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(chapters, 'drafts-old'), { recursive: true });
    }
  });

  it('the lore file’s lens counts the mentions and shows them; a chapter edit recounts', async () => {
    const lens = await waitFor('the lens count', async () => {
      const l = await lensTitle();
      return l.title.startsWith('Mentioned') ? l : undefined;
    });
    assert.equal(lens.title, 'Mentioned 3 times in 2 chapters');
    assert.deepEqual(lens.locations, sorted(mentions));
    await write(two, `${TWO}Wren came back.\n`);
    const recounted = await waitFor('the recount', async () => {
      const l = await lensTitle();
      return l.title.includes('4 times') ? l : undefined;
    });
    assert.equal(recounted.title, 'Mentioned 4 times in 2 chapters');
    assert.deepEqual(recounted.locations, sorted([...mentions, 'lore-chapters/two.txt 1:0-1:4']));
    await write(two, TWO);
    await waitFor('the count back at 3', async () => (await lensTitle()).title === 'Mentioned 3 times in 2 chapters');
  });

  it('an edit to the entry’s keys, saved or not, changes every answer', async () => {
    const editor = await vscode.window.showTextDocument(wren, { preview: false });
    assert.ok(await editor.edit((b) => b.replace(new vscode.Range(1, 0, 1, 12), 'keys: [Harrow Street]')));
    await waitFor('the old name to stop matching', async () => !(await hoverText(one, at(2, 2))).includes('lamplighter'));
    assert.match(await hoverText(one, at(0, 10)), /\*Keys:\* Harrow Street/);
    assert.deepEqual(await references(one, at(0, 18)), sorted([declaration, 'lore-chapters/one.md 0:8-0:21']));
    assert.equal((await lensTitle()).title, 'Mentioned once in 1 chapter');
    // Put back by another edit: VS Code for the Web saves on its own (files.autoSave), so there may be nothing to revert.
    assert.ok(await editor.edit((b) => b.replace(new vscode.Range(1, 0, 1, 21), 'keys: [Wren]')));
    await waitFor('the old name back', async () => (await hoverText(one, at(2, 2))).includes('lamplighter'));
    await waitFor('the old count back', async () => (await lensTitle()).title === 'Mentioned 3 times in 2 chapters');
  });
});
