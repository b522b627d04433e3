import * as vscode from 'vscode';
import { ChatHistory, HistoryArchive, HistoryNotice } from '../core/chat/chatHistory';
import { assertNever } from '../core/protocol/chatProtocol';
import { Log } from '../log';

/** Conversations over the history's bound, one JSON file each, in the extension's storage folder. */
class FolderArchive implements HistoryArchive {
  /** Where each archived conversation went, by the words the writer was shown. */
  readonly files = new Map<string, vscode.Uri>();

  constructor(private readonly folder: vscode.Uri) {}

  async keep(id: string, json: string): Promise<string> {
    // The id comes from storage: only a plain one names a file.
    const name = /^[\w-]{1,100}$/.test(id) ? id : `conversation-${Date.now()}`;
    const file = vscode.Uri.joinPath(this.folder, `${name}.json`);
    await vscode.workspace.fs.createDirectory(this.folder);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(json));
    const where = file.scheme === 'file' ? file.fsPath : file.toString();
    this.files.set(where, file);
    return where;
  }
}

/** Opens the workspace's chat history, and tells the writer, plainly and once, what happened to it. */
export function openChatHistory(context: vscode.ExtensionContext, log: Log): ChatHistory {
  // Without a folder open there is no workspace storage folder; the global one still keeps the file.
  const archive = new FolderArchive(vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'chat-archive'));
  const told = new Set<HistoryNotice['kind']>();
  const onNotice = (notice: HistoryNotice) => {
    if (notice.kind === 'archiveFailed') log.error(`Chat history: "${notice.title}" could not be archived: ${notice.reason}`);
    // Archiving happens one chat at a time as new ones start: a message for the first, the log for the rest.
    if (told.has(notice.kind)) return;
    told.add(notice.kind);
    void show(notice, context.workspaceState, archive);
  };
  return ChatHistory.open(context.workspaceState, { archive, onNotice, log: (line) => log.info(line) });
}

/** A chat's title in a notification, which would turn [text](link) into a link: brackets go. */
function plainTitle(title: string): string {
  return title.replace(/[[\]]/g, '');
}

async function show(notice: HistoryNotice, storage: vscode.Memento, archive: FolderArchive): Promise<void> {
  switch (notice.kind) {
    case 'keptAside': {
      const pick = await vscode.window.showWarningMessage(
        "Inkwell: part of this workspace's chat history could not be read. Nothing was deleted: what was stored is kept unchanged beside the chat, which goes on with what could be read.",
        'Show Kept Copy',
      );
      if (pick !== 'Show Kept Copy') return;
      const kept = Object.fromEntries(notice.copies.map((c) => [c.to, storage.get(c.to)]));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(kept, null, 2) }));
      return;
    }
    case 'newer':
      void vscode.window.showInformationMessage(
        'Inkwell: a newer version of Inkwell kept chat history in this workspace. This version leaves it untouched, so it is there when you update, and keeps its own chats beside it.',
      );
      return;
    case 'archived': {
      const pick = await vscode.window.showInformationMessage(
        `Inkwell: the chat history keeps the most recent chats; older ones are moved to files, not deleted. "${plainTitle(notice.title)}" is now in ${notice.where}.`,
        'Open',
      );
      const file = archive.files.get(notice.where);
      if (pick === 'Open' && file) await vscode.window.showTextDocument(file);
      return;
    }
    case 'archiveFailed':
      void vscode.window.showWarningMessage(`Inkwell: "${plainTitle(notice.title)}" could not be moved to the chat archive, so it stays in the history. The log has the reason.`);
      return;
    default:
      assertNever(notice);
  }
}
