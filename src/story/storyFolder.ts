import * as vscode from 'vscode';
import { MAX_LORE_FILE_CHARS, parseLoreFile, sendableText } from '../core/story/loreFile';
import { CompiledEntry, compileLore } from '../core/story/loreActivation';
import { StoryMaterial } from '../core/story/storyPrompt';
import { LoreEntry } from '../core/story/loreEntry';
import { storyFolderPath } from '../core/story/storyPaths';
import { Settings } from '../settings';

export const MEMORY_FILE = 'memory.md';
export const AUTHORS_NOTE_FILE = 'authors-note.md';
export const LORE_DIR = 'lore';
/** A lore folder is a book's cast and places, not a library: more files than this are not read. */
const MAX_LORE_FILES = 2000;
const MAX_DEPTH = 4;

/** One workspace folder's story material, read once and kept up to date by a watcher. */
interface FolderState {
  root: vscode.Uri;
  memory: string;
  authorsNote: string;
  /** Lore by file URI: parsed entries, in file-name order when assembled. */
  lore: Map<string, { uri: vscode.Uri; entry?: LoreEntry }>;
  compiled?: CompiledEntry[];
  ready: Promise<void>;
  watcher: vscode.Disposable;
}

/**
 * The story folder (memory, author's note, one Markdown file per lore entry) of each workspace folder.
 * Files open in an editor are read from the editor, so an unsaved change to a lore entry is what the
 * next request carries. Problems in a lore file are diagnostics on that file; the entry is skipped.
 */
export class StoryFolders implements vscode.Disposable {
  private readonly folders = new Map<string, FolderState>();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('inkwell-lore');
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.subscriptions.push(
      this.diagnostics,
      this.changed,
      vscode.workspace.onDidChangeTextDocument((e) => void this.reread(e.document.uri, e.document.getText())),
      // A story file closed without saving is the disk's text again.
      vscode.workspace.onDidCloseTextDocument((d) => void this.reread(d.uri, undefined, true)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Settings.affects(e, 'inkwell.story.folder')) this.reset();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reset()),
    );
  }

  dispose(): void {
    this.reset();
    for (const s of this.subscriptions) s.dispose();
  }

  private reset(): void {
    for (const state of this.folders.values()) state.watcher.dispose();
    this.folders.clear();
    this.diagnostics.clear();
    this.changed.fire();
  }

  /** The story folder for a document: inside its workspace folder, never outside it. */
  rootFor(document: vscode.Uri): vscode.Uri | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(document);
    if (!folder) return undefined;
    const relative = storyFolderPath(Settings.forDocument({ uri: document } as vscode.TextDocument).storyFolder);
    return relative === undefined ? undefined : vscode.Uri.joinPath(folder.uri, ...relative);
  }

  /** Opens the story folder's memory.md, made (empty) if it is not there yet. */
  async openMemory(document: vscode.Uri): Promise<void> {
    const root = this.rootFor(document);
    if (!root) {
      void vscode.window.showInformationMessage('Inkwell: the story folder is kept in a workspace folder. Open your manuscript\'s folder first.');
      return;
    }
    const uri = vscode.Uri.joinPath(root, MEMORY_FILE);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(''));
    }
    await vscode.window.showTextDocument(uri);
  }

  /** What goes into a prompt for this document; empty when there is no story folder. */
  async material(document: vscode.Uri): Promise<StoryMaterial & { root?: vscode.Uri }> {
    const state = this.stateFor(document);
    if (!state) return { memory: '', authorsNote: '', lore: [] };
    await state.ready;
    state.compiled ??= compileLore(this.entries(state));
    return { memory: state.memory, authorsNote: state.authorsNote, lore: state.compiled, root: state.root };
  }

  /** Every parsed lore entry of the document's story folder, with its file. */
  async loreFiles(document: vscode.Uri): Promise<{ uri: vscode.Uri; entry: LoreEntry }[]> {
    const state = this.stateFor(document);
    if (!state) return [];
    await state.ready;
    return [...state.lore.values()].filter((f): f is { uri: vscode.Uri; entry: LoreEntry } => !!f.entry).sort((a, b) => a.uri.path.localeCompare(b.uri.path));
  }

  private entries(state: FolderState) {
    return [...state.lore.values()].sort((a, b) => a.uri.path.localeCompare(b.uri.path)).flatMap((f) => (f.entry ? [f.entry] : []));
  }

  private stateFor(document: vscode.Uri): FolderState | undefined {
    const root = this.rootFor(document);
    if (!root) return undefined;
    const key = root.toString();
    let state = this.folders.get(key);
    if (!state) {
      // The whole workspace folder, not only `*.md` under the story folder: deleting or renaming a folder
      // (lore/, or the story folder itself) is reported for the folder alone, not for each file in it.
      const folder = vscode.workspace.getWorkspaceFolder(root)!;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**'));
      watcher.onDidCreate((uri) => void this.created(uri));
      watcher.onDidChange((uri) => void this.reread(uri));
      watcher.onDidDelete((uri) => this.forget(uri));
      state = { root, memory: '', authorsNote: '', lore: new Map(), ready: Promise.resolve(), watcher };
      state.ready = this.load(state);
      this.folders.set(key, state);
    }
    return state;
  }

  private async load(state: FolderState): Promise<void> {
    state.memory = await this.readText(vscode.Uri.joinPath(state.root, MEMORY_FILE));
    state.authorsNote = await this.readText(vscode.Uri.joinPath(state.root, AUTHORS_NOTE_FILE));
    const files = await this.listLore(vscode.Uri.joinPath(state.root, LORE_DIR), MAX_DEPTH);
    for (const uri of files.slice(0, MAX_LORE_FILES)) await this.readLore(state, uri);
    state.compiled = undefined;
  }

  private async listLore(dir: vscode.Uri, depth: number): Promise<vscode.Uri[]> {
    let items: [string, vscode.FileType][];
    try {
      items = await vscode.workspace.fs.readDirectory(dir);
    } catch {
      return [];
    }
    const out: vscode.Uri[] = [];
    for (const [name, type] of items.sort(([a], [b]) => a.localeCompare(b))) {
      if (type === vscode.FileType.File && name.toLowerCase().endsWith('.md')) out.push(vscode.Uri.joinPath(dir, name));
      else if (type === vscode.FileType.Directory && depth > 0 && !name.startsWith('.')) out.push(...(await this.listLore(vscode.Uri.joinPath(dir, name), depth - 1)));
      if (out.length >= MAX_LORE_FILES) break;
    }
    return out;
  }

  /** A file's text: the open editor's if there is one, else the disk's; bounded; empty when missing. */
  private async readText(uri: vscode.Uri, fromDisk = false, limit = MAX_LORE_FILE_CHARS * 4): Promise<string> {
    const open = fromDisk ? undefined : vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return sendableText(open.getText().slice(0, limit));
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > limit * 4) return '';
      return sendableText(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)).slice(0, limit));
    } catch {
      return '';
    }
  }

  private async readLore(state: FolderState, uri: vscode.Uri, text?: string, fromDisk = false): Promise<void> {
    let source = text;
    if (source === undefined) {
      const open = fromDisk ? undefined : vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      try {
        source = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        return this.forget(uri);
      }
    }
    const lore = vscode.Uri.joinPath(state.root, LORE_DIR);
    const id = decodeURIComponent(uri.path.slice(lore.path.length + 1)).replace(/\.md$/i, '');
    const parsed = parseLoreFile(id, source);
    state.lore.set(uri.toString(), { uri, entry: parsed.entry });
    this.diagnostics.set(
      uri,
      parsed.diagnostics.map((d) => {
        const diagnostic = new vscode.Diagnostic(new vscode.Range(d.line, 0, d.line, 1000), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        diagnostic.source = 'Inkwell lore';
        return diagnostic;
      }),
    );
  }

  private owner(uri: vscode.Uri): FolderState | undefined {
    const path = uri.path;
    return [...this.folders.values()].find((s) => path.startsWith(`${s.root.path}/`) && uri.scheme === s.root.scheme && uri.authority === s.root.authority);
  }

  private async reread(uri: vscode.Uri, text?: string, fromDisk = false): Promise<void> {
    const state = this.owner(uri);
    if (!state || !uri.path.toLowerCase().endsWith('.md')) return;
    await state.ready;
    const relative = uri.path.slice(state.root.path.length + 1);
    if (relative === MEMORY_FILE) state.memory = text !== undefined ? sendableText(text) : await this.readText(uri, fromDisk);
    else if (relative === AUTHORS_NOTE_FILE) state.authorsNote = text !== undefined ? sendableText(text) : await this.readText(uri, fromDisk);
    else if (relative.startsWith(`${LORE_DIR}/`)) {
      if (!state.lore.has(uri.toString()) && state.lore.size >= MAX_LORE_FILES) return;
      await this.readLore(state, uri, text, fromDisk);
      state.compiled = undefined;
    } else return;
    this.changed.fire();
  }

  /** A file or a folder appeared: a folder (moved in, or made with its files) is read whole. */
  private async created(uri: vscode.Uri): Promise<void> {
    const state = this.owner(uri);
    if (!state) return;
    const type = await vscode.workspace.fs.stat(uri).then((s) => s.type, () => undefined);
    if (type !== vscode.FileType.Directory) return this.reread(uri);
    for (const file of await this.listLore(uri, MAX_DEPTH)) await this.reread(file);
  }

  /** A file or a folder went: everything read from under it goes too, the story folder itself included. */
  private forget(uri: vscode.Uri): void {
    const gone = uri.path.replace(/\/+$/, '');
    const under = (p: string) => p === gone || p.startsWith(`${gone}/`);
    let changed = false;
    for (const state of this.folders.values()) {
      if (uri.scheme !== state.root.scheme || uri.authority !== state.root.authority) continue;
      if (under(`${state.root.path}/${MEMORY_FILE}`) && state.memory) [state.memory, changed] = ['', true];
      if (under(`${state.root.path}/${AUTHORS_NOTE_FILE}`) && state.authorsNote) [state.authorsNote, changed] = ['', true];
      for (const [key, file] of state.lore) {
        if (!under(file.uri.path)) continue;
        state.lore.delete(key);
        this.diagnostics.delete(file.uri);
        state.compiled = undefined;
        changed = true;
      }
    }
    if (changed) this.changed.fire();
  }
}
