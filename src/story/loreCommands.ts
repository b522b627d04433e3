import * as vscode from 'vscode';
import { entryIdAllocator } from '../core/story/entryIds';
import { importLorebook } from '../core/story/importLorebook';
import { loreEntry } from '../core/story/loreEntry';
import { serializeLoreFile } from '../core/story/loreFile';
import { exportSillyTavern } from '../core/story/sillyTavernWorldInfo';
import { LORE_DIR, StoryFolders } from './storyFolder';

/** A lorebook is a few megabytes at most; a bigger file is not one. */
const MAX_LOREBOOK_BYTES = 32 * 1024 * 1024;

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The story folder for the active manuscript (or the first workspace folder), or a message why there is none. */
function storyRoot(folders: StoryFolders): vscode.Uri | undefined {
  const anchor = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const root = anchor && folders.rootFor(anchor);
  if (!root) {
    void vscode.window.showInformationMessage(
      'Inkwell keeps lore in a story folder inside your workspace. Open the folder that holds your manuscript (File → Open Folder), and check inkwell.story.folder stays inside it.',
    );
  }
  return root;
}

/** Ids already used by files in the lore folder, so new files never overwrite one. */
async function takenIds(root: vscode.Uri): Promise<string[]> {
  try {
    const items = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root, LORE_DIR));
    return items.filter(([name]) => name.toLowerCase().endsWith('.md')).map(([name]) => name.slice(0, -3));
  } catch {
    return [];
  }
}

/** "Inkwell: New Lore Entry from Selection": the selected name becomes the entry's name and key. */
export async function newEntryFromSelection(folders: StoryFolders): Promise<vscode.Uri | undefined> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor?.document.getText(editor.selection).replace(/\s+/g, ' ').trim() ?? '';
  const name = selected && selected.length <= 80 ? selected : await vscode.window.showInputBox({ prompt: 'The name the entry is known by (its first key)', value: selected.slice(0, 80), ignoreFocusOut: true });
  if (!name?.trim()) return undefined;
  const root = storyRoot(folders);
  if (!root) return undefined;
  const id = entryIdAllocator(await takenIds(root))(name);
  const uri = vscode.Uri.joinPath(root, LORE_DIR, `${id}.md`);
  const text = serializeLoreFile(loreEntry(id, { name: name.trim(), keys: [name.trim()], content: `Who or what ${name.trim()} is, in a few sentences.` }));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const opened = await vscode.window.showTextDocument(uri, { preview: false });
  const last = opened.document.lineCount - 2;
  opened.selection = new vscode.Selection(last, 0, last, opened.document.lineAt(last).text.length);
  return uri;
}

/** Imports a SillyTavern world-info JSON or a NovelAI .lorebook into one file per entry, never overwriting a file. */
export async function importLore(folders: StoryFolders, picked?: vscode.Uri): Promise<number> {
  const root = storyRoot(folders);
  if (!root) return 0;
  const file =
    picked ??
    (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Import', filters: { 'Lorebooks (SillyTavern, NovelAI)': ['json', 'lorebook'] } }))?.[0];
  if (!file) return 0;
  let json: unknown;
  try {
    const { size } = await vscode.workspace.fs.stat(file);
    if (size > MAX_LOREBOOK_BYTES) throw new Error(`it is ${Math.round(size / 1024 / 1024)} MB; a lorebook is a few at most`);
    json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)));
  } catch (e) {
    void vscode.window.showErrorMessage(`Inkwell could not read ${file.path.split('/').pop()}: ${e instanceof Error ? e.message : String(e)}. Nothing was imported.`);
    return 0;
  }
  const { entries, warnings, format } = importLorebook(json);
  if (!entries.length) {
    void vscode.window.showWarningMessage(`Inkwell found no lore entries in ${file.path.split('/').pop()}.${warnings.length ? ` ${warnings[0]}` : ''}`);
    return 0;
  }
  const allocate = entryIdAllocator(await takenIds(root));
  let written = 0;
  for (const entry of entries) {
    const id = allocate(entry.id);
    const uri = vscode.Uri.joinPath(root, LORE_DIR, `${id}.md`);
    if (await exists(uri)) continue;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(serializeLoreFile({ ...entry, id })));
    written++;
  }
  const from = format === 'novelAi' ? 'NovelAI lorebook' : 'SillyTavern world info';
  const message = `Inkwell imported ${written} lore ${written === 1 ? 'entry' : 'entries'} from the ${from} into ${vscode.workspace.asRelativePath(vscode.Uri.joinPath(root, LORE_DIR))}.`;
  if (warnings.length) {
    void vscode.window.showWarningMessage(`${message} ${warnings.length} ${warnings.length === 1 ? 'thing' : 'things'} could not be carried over exactly.`, 'Show Details').then((choice) => {
      if (choice) void vscode.workspace.openTextDocument({ language: 'markdown', content: `# Lorebook import: what changed\n\n${warnings.map((w) => `- ${w}`).join('\n')}\n` }).then((d) => vscode.window.showTextDocument(d));
    });
  } else void vscode.window.showInformationMessage(message);
  return written;
}

/** Exports the story folder's lore as SillyTavern world info. */
export async function exportLore(folders: StoryFolders, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const root = storyRoot(folders);
  if (!root) return undefined;
  const entries = (await folders.loreFiles(root)).map((f) => f.entry);
  if (!entries.length) {
    void vscode.window.showInformationMessage('Inkwell: the story folder has no lore entries to export yet.');
    return undefined;
  }
  const uri = target ?? (await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(root, 'world-info.json'), filters: { 'SillyTavern world info': ['json'] } }));
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`${JSON.stringify(exportSillyTavern(entries), null, 2)}\n`));
  void vscode.window.showInformationMessage(`Inkwell exported ${entries.length} lore ${entries.length === 1 ? 'entry' : 'entries'} as SillyTavern world info.`);
  return uri;
}
