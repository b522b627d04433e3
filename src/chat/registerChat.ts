import * as path from 'path';
import * as vscode from 'vscode';
import { Services } from '../services';
import { openChatHistory } from './chatHistoryHost';
import { ChatSession } from './chatSession';
import { CHAT_VIEW_ID, ChatViewProvider } from './chatViewProvider';
import { ManuscriptEditor } from './manuscriptEditor';

interface Chat {
  session: ChatSession;
  view: ChatViewProvider;
}

/** Set by registerChat; the command table's chat entries reach the panel through it. */
let chat: Chat | undefined;

function current(): Chat {
  if (!chat) throw new Error('the Inkwell chat is not registered');
  return chat;
}

/** The chat panel: its view provider, its session (transcript in workspace storage, oldest chats archived to files). */
export function registerChat(context: vscode.ExtensionContext, services: Services): void {
  const manuscript = new ManuscriptEditor();
  const session = new ChatSession(services, openChatHistory(context, services.log), manuscript);
  const view = new ChatViewProvider(context.extensionUri, session, services.log);
  chat = { session, view };
  context.subscriptions.push(
    manuscript,
    session,
    view,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, view),
    { dispose: () => (chat = undefined) },
  );
  // After activation returns: the first open of the panel then finds its files read.
  const warming = setTimeout(() => view.warm(), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(warming) });
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    // Integration tests drive the panel through the same validation path as the webview.
    context.subscriptions.push(vscode.commands.registerCommand('inkwell.chat.testHook', () => ({ session, view })));
  }
}

/** Inkwell: Send Selection to Chat — the panel opens with the passage attached, cursor in the input. */
export async function sendSelectionToChat(editor = vscode.window.activeTextEditor): Promise<void> {
  const { session, view } = current();
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

export async function newChat(): Promise<void> {
  const { session, view } = current();
  session.newChat();
  await view.reveal();
}

/** Inkwell: Chat History — the earlier conversations of this workspace, most recent first. */
export async function chatHistory(): Promise<void> {
  const { session, view } = current();
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
