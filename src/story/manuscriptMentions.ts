import * as vscode from 'vscode';
import { CompiledEntry } from '../core/story/loreActivation';
import { LineIndex, MentionSearch } from '../core/story/loreMentions';

/** The prose languages whose open documents are searched besides the files on disk. */
export const MANUSCRIPT_LANGUAGES: readonly string[] = ['markdown', 'plaintext'];
/** A manuscript is chapters, not a library: past this many files the rest are not searched. */
export const MAX_SEARCHED_FILES = 2000;
/** A chapter is well under this; a larger file is an export or a log, and is skipped. */
export const MAX_FILE_BYTES = 1024 * 1024;
const MAX_MENTIONS = 10_000;
/** Files read at once: enough to hide the disk's latency, few enough to keep memory flat. */
const READ_AHEAD = 8;

export interface ManuscriptMentions {
  /** In file-path order, first to last within a file. */
  locations: vscode.Location[];
  /** How many files hold at least one mention. */
  files: number;
  /** More than MAX_MENTIONS were found; the rest are not listed. */
  capped: boolean;
  /** The workspace folder holds more manuscript files than are searched. */
  filesCapped: boolean;
}

/** Whether `uri` lies inside the folder `root`. */
export function isInside(root: vscode.Uri, uri: vscode.Uri): boolean {
  return uri.scheme === root.scheme && uri.authority === root.authority && uri.path.startsWith(`${root.path}/`);
}

/**
 * Every mention of `target` in the manuscripts of the story folder's workspace folder: `*.md` and
 * `*.txt` files outside the story folder, node_modules and .git, plus open Markdown and plain-text
 * documents there (their unsaved text wins over the disk). Each file is read once; see MentionSearch.
 */
export async function findMentions(
  target: CompiledEntry,
  entries: readonly CompiledEntry[],
  storyRoot: vscode.Uri,
  token: vscode.CancellationToken,
): Promise<ManuscriptMentions> {
  const none: ManuscriptMentions = { locations: [], files: 0, capped: false, filesCapped: false };
  const folder = vscode.workspace.getWorkspaceFolder(storyRoot);
  if (!folder || !target.keys.length) return none;
  const { uris, filesCapped } = await manuscriptFiles(folder, storyRoot, token);
  const search = new MentionSearch(target, entries);
  const perFile: vscode.Location[][] = new Array(uris.length).fill([]);
  let next = 0;
  let total = 0;
  const worker = async () => {
    while (next < uris.length && total <= MAX_MENTIONS && !token.isCancellationRequested) {
      const i = next++;
      perFile[i] = await mentionsInFile(uris[i], search);
      total += perFile[i].length;
    }
  };
  await Promise.all(Array.from({ length: READ_AHEAD }, worker));
  if (token.isCancellationRequested) throw new vscode.CancellationError();
  const all = perFile.flat();
  return {
    locations: all.slice(0, MAX_MENTIONS),
    files: perFile.filter((l) => l.length > 0).length,
    capped: all.length > MAX_MENTIONS,
    filesCapped,
  };
}

async function manuscriptFiles(folder: vscode.WorkspaceFolder, storyRoot: vscode.Uri, token: vscode.CancellationToken) {
  const excluded = ['**/node_modules/**', '**/.git/**'];
  const story = isInside(folder.uri, storyRoot) ? storyRoot.path.slice(folder.uri.path.length + 1) : '';
  // A folder name with glob characters cannot be written into the pattern; it is filtered out below instead.
  if (story && !/[*?[\]{},!\\]/.test(story)) excluded.push(`${story}/**`);
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.{md,txt}'), `{${excluded.join(',')}}`, MAX_SEARCHED_FILES + 1, token);
  const byKey = new Map<string, vscode.Uri>();
  for (const uri of found.slice(0, MAX_SEARCHED_FILES)) byKey.set(uri.toString(), uri);
  // Open documents add what the disk does not have yet: unsaved text. One that is not dirty is on disk
  // (found above) or gone (VS Code keeps a closed document's model a while, deleted file or not).
  for (const document of vscode.workspace.textDocuments) {
    if (!document.isDirty) continue;
    if (!MANUSCRIPT_LANGUAGES.includes(document.languageId) || !isInside(folder.uri, document.uri)) continue;
    if (/\/(?:node_modules|\.git)\//.test(document.uri.path)) continue;
    if (byKey.size < MAX_SEARCHED_FILES) byKey.set(document.uri.toString(), document.uri);
  }
  const uris = [...byKey.values()].filter((uri) => !isInside(storyRoot, uri)).sort((a, b) => a.path.localeCompare(b.path));
  return { uris, filesCapped: found.length > MAX_SEARCHED_FILES };
}

async function mentionsInFile(uri: vscode.Uri, search: MentionSearch): Promise<vscode.Location[]> {
  const read = await readManuscript(uri);
  if (!read) return [];
  const { mentions } = search.in(read.text, MAX_MENTIONS + 1);
  return mentions.map((m) => new vscode.Location(uri, new vscode.Range(read.position(m.index), read.position(m.index + m.length))));
}

/** The open document's text, else the disk's; undefined for a file too large or gone. */
async function readManuscript(uri: vscode.Uri): Promise<{ text: string; position: (offset: number) => vscode.Position } | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    const text = open.getText();
    return text.length > MAX_FILE_BYTES ? undefined : { text, position: (offset) => open.positionAt(offset) };
  }
  try {
    if ((await vscode.workspace.fs.stat(uri)).size > MAX_FILE_BYTES) return undefined;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const lines = new LineIndex(text);
    return {
      text,
      position: (offset) => {
        const p = lines.position(offset);
        return new vscode.Position(p.line, p.character);
      },
    };
  } catch {
    return undefined;
  }
}
