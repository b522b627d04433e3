import * as path from 'path';
import * as vscode from 'vscode';
import type { Probabilities } from '../probabilities/probabilities';
import { readHistory } from '../core/chat/historyRead';
import { ChatStore } from '../core/chat/transcript';
import { Services } from '../services';
import { openChatHistory } from './chatHistoryHost';
import { ChatSession } from './chatSession';
import { CHAT_VIEW_ID, ChatViewProvider } from './chatViewProvider';
import { ManuscriptEditor } from './manuscriptEditor';
import { StoryFolders } from '../story/storyFolder';

/** The chat panel's commands, bound to the session and view `registerChat` made. */
export interface ChatPanel {
  sendSelection(editor?: vscode.TextEditor): Promise<void>;
  newChat(): Promise<void>;
  history(): Promise<void>;
}

/** The chat panel: its view provider, its session (transcript in workspace storage, oldest chats archived to files). */
export function registerChat(context: vscode.ExtensionContext, services: Services, folders: StoryFolders, probabilities: Probabilities): ChatPanel {
  const manuscript = new ManuscriptEditor();
  const session = new ChatSession(services, openChatHistory(context, services.log), manuscript, folders, probabilities);
  const view = new ChatViewProvider(context.extensionUri, session, services.log);
  context.subscriptions.push(manuscript, session, view, vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, view));
  // After activation returns: the first open of the panel then finds its files read.
  const warming = setTimeout(() => view.warm(), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(warming) });
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    // Integration tests drive the panel through the same validation path as the webview. The probe is
    // made now so that it counts the first page's ready too; it reads back the memento the history
    // writes, as a reloaded window would.
    session.probe().readStored = () => new ChatStore(readHistory(context.workspaceState, Date.now()).data);
    context.subscriptions.push(vscode.commands.registerCommand('inkwell.chat.testHook', () => ({ session, view })));
  }
  return {
    sendSelection: (editor = vscode.window.activeTextEditor) => sendSelectionToChat(session, view, editor),
    newChat: () => newChat(session, view),
    history: () => chatHistory(session, view),
  };
}

/** Inkwell: Send Selection to Chat — the panel opens with the passage attached, cursor in the input. */
async function sendSelectionToChat(session: ChatSession, view: ChatViewProvider, editor: vscode.TextEditor | undefined): Promise<void> {
  if (!editor || editor.selection.isEmpty) {
    void vscode.window.showInformationMessage('Inkwell: select a passage first, then send it to the chat.');
    return;
  }
  const { document, selection } = editor;
  const text = document.getText(selection);
  const first = selection.start.line + 1;
  const last = selection.end.line + (selection.end.character === 0 && selection.end.line > selection.start.line ? 0 : 1);
  const name = document.isUntitled ? document.uri.path : path.basename(document.uri.path);
  const source = first === last ? `${name}, line ${first}` : `${name}, lines ${first}–${last}`;
  session.attachPassage({ text, source });
  await view.reveal();
}

async function newChat(session: ChatSession, view: ChatViewProvider): Promise<void> {
  session.newChat();
  await view.reveal();
}

/** Inkwell: Chat History — the earlier conversations of this workspace, most recent first. */
async function chatHistory(session: ChatSession, view: ChatViewProvider): Promise<void> {
  const items = session.store.history().map((c) => ({
    label: c.title,
    description: `${c.messages.length} message${c.messages.length === 1 ? '' : 's'}`,
    detail: new Date(c.updatedAt).toLocaleString(),
    id: c.id,
  }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Inkwell: no earlier chats in this workspace yet.');
    return;
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Reopen an earlier chat', matchOnDetail: true });
  if (!picked) return;
  session.openConversation(picked.id);
  await view.reveal();
}
