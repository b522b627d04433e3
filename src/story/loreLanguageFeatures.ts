import * as vscode from 'vscode';
import { CompiledEntry } from '../core/story/loreActivation';
import { MAX_LORE_FILE_CHARS } from '../core/story/loreFile';
import { LORE_DIR, StoryFolders } from './storyFolder';
import { Mention, inFrontMatter, loreBodyStart, loreExcerpt, mentionAt, mentionSummary } from '../core/story/loreMentions';
import { MANUSCRIPT_LANGUAGES, MAX_SEARCHED_FILES, ManuscriptMentions, findMentions, isInside } from './manuscriptMentions';

/** The lore of a document's story folder: compiled entries and each entry's file. */
interface StoryLore {
  root: vscode.Uri;
  compiled: readonly CompiledEntry[];
  fileOf: Map<string, vscode.Uri>;
}

const MAX_KEYS_SHOWN = 12;
/** A chapter being typed in changes the lore files' counts; they are recounted this long after the last keystroke. */
const RECOUNT_DELAY_MS = 750;

class LoreLens extends vscode.CodeLens {
  constructor(readonly document: vscode.TextDocument) {
    super(new vscode.Range(0, 0, 0, 0));
  }
}

/**
 * Lore names in the manuscript, the way code names work in VS Code: a hover shows the entry, Go to
 * Definition opens its file, Find All References lists the mentions across the chapters, and each lore
 * file has a lens counting them. Which entry a name belongs to is decided in src/core/story/loreMentions.ts.
 */
export class LoreLanguageFeatures implements vscode.HoverProvider, vscode.DefinitionProvider, vscode.ReferenceProvider, vscode.CodeLensProvider<LoreLens>, vscode.Disposable {
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  /** Counts by lore file and its version; all dropped when a manuscript or the lore changes. */
  private readonly counts = new Map<string, { version: number; result: Promise<ManuscriptMentions>; stop: vscode.CancellationTokenSource }>();
  private recount?: ReturnType<typeof setTimeout>;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly folders: StoryFolders) {
    const manuscripts = vscode.workspace.createFileSystemWatcher('**/*.{md,txt}');
    const changed = () => this.manuscriptsChanged();
    this.subscriptions.push(
      this.lensesChanged,
      manuscripts,
      manuscripts.onDidCreate(changed),
      manuscripts.onDidChange(changed),
      manuscripts.onDidDelete(changed),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (MANUSCRIPT_LANGUAGES.includes(e.document.languageId) && e.contentChanges.length) changed();
      }),
      folders.onDidChange(() => {
        this.forgetCounts();
        this.lensesChanged.fire();
      }),
    );
  }

  register(): vscode.Disposable {
    const manuscripts: vscode.DocumentSelector = MANUSCRIPT_LANGUAGES.map((language) => ({ language }));
    return vscode.Disposable.from(
      vscode.languages.registerHoverProvider(manuscripts, this),
      vscode.languages.registerDefinitionProvider(manuscripts, this),
      vscode.languages.registerReferenceProvider(manuscripts, this),
      vscode.languages.registerCodeLensProvider({ language: 'markdown' }, this),
    );
  }

  dispose(): void {
    clearTimeout(this.recount);
    this.forgetCounts();
    for (const s of this.subscriptions) s.dispose();
  }

  private manuscriptsChanged(): void {
    if (!this.counts.size) return;
    this.forgetCounts();
    clearTimeout(this.recount);
    this.recount = setTimeout(() => this.lensesChanged.fire(), RECOUNT_DELAY_MS);
  }

  private forgetCounts(): void {
    for (const { stop } of this.counts.values()) {
      stop.cancel();
      stop.dispose();
    }
    this.counts.clear();
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const found = await this.mentionAtPosition(document, position);
    if (!found) return undefined;
    const { entry } = found.mention.entry;
    const text = new vscode.MarkdownString();
    // The entry's words are the writer's, or a repository's: shown as text, never as links or commands.
    text.isTrusted = false;
    text.supportHtml = false;
    text.supportThemeIcons = false;
    text.appendMarkdown('**');
    text.appendText(plain(oneLine(entry.name)));
    text.appendMarkdown('** · lore');
    if (!entry.enabled) text.appendMarkdown(' (disabled)');
    text.appendMarkdown('\n\n*Keys:* ');
    const keys = entry.keys.slice(0, MAX_KEYS_SHOWN).map(oneLine).join(', ');
    text.appendText(plain(entry.keys.length > MAX_KEYS_SHOWN ? `${keys}, …` : keys));
    if (entry.content) {
      text.appendMarkdown('\n\n---\n\n');
      text.appendText(plain(loreExcerpt(entry.content)));
    }
    return new vscode.Hover(text, found.range);
  }

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.DefinitionLink[] | undefined> {
    const found = await this.mentionAtPosition(document, position);
    const file = found && found.lore.fileOf.get(found.mention.entry.entry.id);
    if (!found || !file) return undefined;
    const target = await this.bodyRange(file);
    return [{ originSelectionRange: found.range, targetUri: file, targetRange: target, targetSelectionRange: target }];
  }

  async provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext, token: vscode.CancellationToken): Promise<vscode.Location[] | undefined> {
    const found = await this.mentionAtPosition(document, position);
    if (!found) return undefined;
    const { locations } = await findMentions(found.mention.entry, found.lore.compiled, found.lore.root, token);
    const file = found.lore.fileOf.get(found.mention.entry.entry.id);
    // The entry's own file is the declaration, where Go to Definition goes.
    return context.includeDeclaration && file ? [new vscode.Location(file, await this.bodyRange(file)), ...locations] : locations;
  }

  provideCodeLenses(document: vscode.TextDocument): LoreLens[] {
    const root = this.folders.rootFor(document.uri);
    return root && isInside(vscode.Uri.joinPath(root, LORE_DIR), document.uri) && /\.md$/i.test(document.uri.path) ? [new LoreLens(document)] : [];
  }

  async resolveCodeLens(lens: LoreLens): Promise<LoreLens> {
    const { document } = lens;
    const lore = await this.lore(document.uri);
    const target = lore?.compiled.find((c) => lore.fileOf.get(c.entry.id)?.toString() === document.uri.toString());
    if (!lore || !target) {
      lens.command = { title: 'Not counted: this entry is skipped (see Problems)', command: '' };
      return lens;
    }
    const key = document.uri.toString();
    let cached = this.counts.get(key);
    if (!cached || cached.version !== document.version) {
      cached?.stop.cancel();
      cached?.stop.dispose();
      // Not the resolve's own token: one count serves every resolve of this version, and is stopped only when superseded.
      const stop = new vscode.CancellationTokenSource();
      cached = { version: document.version, stop, result: findMentions(target, lore.compiled, lore.root, stop.token) };
      this.counts.set(key, cached);
    }
    let counted: ManuscriptMentions;
    try {
      counted = await cached.result;
    } catch {
      // Superseded by a change, which asks for the lenses again.
      lens.command = { title: 'Counting mentions…', command: '' };
      return lens;
    }
    const searched = counted.filesCapped ? ` (in the first ${MAX_SEARCHED_FILES.toLocaleString('en-US')} files)` : '';
    const title = mentionSummary(counted.locations.length, counted.files, counted.capped) + searched;
    lens.command = counted.locations.length
      ? { title, command: 'editor.action.showReferences', arguments: [document.uri, lens.range.start, counted.locations], tooltip: 'Show where this entry is mentioned' }
      : { title, command: '' };
    return lens;
  }

  /** The entry named at the cursor, not in a story file's front matter. */
  private async mentionAtPosition(document: vscode.TextDocument, position: vscode.Position): Promise<{ mention: Mention; range: vscode.Range; lore: StoryLore } | undefined> {
    const lore = await this.lore(document.uri);
    if (!lore?.compiled.length) return undefined;
    if (isInside(lore.root, document.uri) && inFrontMatter(document.getText(), position.line)) return undefined;
    const mention = mentionAt(document.lineAt(position.line).text, position.character, lore.compiled);
    if (!mention) return undefined;
    return { mention, lore, range: new vscode.Range(position.line, mention.index, position.line, mention.index + mention.length) };
  }

  private async lore(uri: vscode.Uri): Promise<StoryLore | undefined> {
    const root = this.folders.rootFor(uri);
    if (!root) return undefined;
    const [material, files] = await Promise.all([this.folders.material(uri), this.folders.loreFiles(uri)]);
    return { root, compiled: material.lore, fileOf: new Map(files.map((f) => [f.entry.id, f.uri])) };
  }

  /** The first line of the entry's text, from the open editor or the disk. */
  private async bodyRange(file: vscode.Uri): Promise<vscode.Range> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
    let source = open?.getText();
    if (source === undefined) {
      try {
        const tooLarge = (await vscode.workspace.fs.stat(file)).size > MAX_LORE_FILE_CHARS * 4;
        source = tooLarge ? '' : new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
      } catch {
        source = '';
      }
    }
    const line = loreBodyStart(source);
    const text = source.split(/\r\n|\r|\n/, line + 1)[line] ?? '';
    return new vscode.Range(line, 0, line, text.length);
  }
}

/** appendText escapes Markdown but not HTML; with HTML off this is a second lock on the same door. */
function plain(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function registerLoreLanguageFeatures(context: vscode.ExtensionContext, folders: StoryFolders): void {
  const features = new LoreLanguageFeatures(folders);
  context.subscriptions.push(features, features.register());
}
