import * as vscode from 'vscode';
import { parseWebviewMessage } from '../core/protocol/chatProtocol';
import { Log } from '../log';
import { chatNonce, renderChatHtml } from './chatHtml';
import { ChatSession } from './chatSession';
import { WebviewAssetFiles } from './webviewAssets';

export const CHAT_VIEW_ID = 'inkwell.chat';

/**
 * The sidebar webview. It holds no state of its own: each time the page loads (first show, show
 * after hide, window reload) it says `ready` and the session feeds it the whole conversation.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private viewDisposables: vscode.Disposable[] = [];
  private readonly assets: WebviewAssetFiles;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: ChatSession,
    private readonly log: Log,
  ) {
    this.assets = new WebviewAssetFiles(this.dist);
  }

  get isResolved(): boolean {
    return this.view !== undefined;
  }

  /** Whether the panel is on screen now (tests wait for it to hide). */
  get isVisible(): boolean {
    return this.view?.visible ?? false;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [this.dist, media] };
    view.webview.html = this.html(view.webview);
    this.viewDisposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      view.onDidChangeVisibility(() => {
        // A hidden webview loses its page; the next show reloads it and it says ready again.
        // The page comes back from the HTML it was given: give it the state as it is now.
        if (!view.visible) {
          this.session.disconnect();
          view.webview.html = this.html(view.webview);
        }
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.session.disconnect();
          this.disposeView();
          this.view = undefined;
        }
      }),
    );
  }

  /** Everything the webview sends comes through here, and nothing unvalidated goes further. */
  receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      const probe = this.session.probeIfMade;
      if (probe) probe.rejectedCount++;
      const type = typeof raw === 'object' && raw !== null && typeof (raw as { type?: unknown }).type === 'string' ? (raw as { type: string }).type : typeof raw;
      this.log.info(`Chat: ignored a malformed message from the webview (${type.slice(0, 40)}).`);
      return;
    }
    if (message.type === 'ready') {
      const view = this.view;
      this.session.connect((m) => {
        if (view) void view.webview.postMessage(m);
      });
    }
    this.session.handle(message).catch((error: unknown) => {
      this.log.error(`Chat: ${message.type} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** Reads the page's files now, so the first open of the panel need not. */
  warm(): void {
    try {
      this.assets.warm();
    } catch (error) {
      this.log.error(`Chat: could not read the chat page's files: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private get dist(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'dist');
  }

  html(webview: vscode.Webview): string {
    return renderChatHtml({
      cspSource: webview.cspSource,
      nonce: chatNonce(),
      ...this.assets.read(webview),
      renderedAt: Date.now(),
      initialState: this.session.initialState(),
    });
  }

  /** Shows the panel (resolving it if needed). */
  async reveal(): Promise<void> {
    if (this.view) this.view.show(false);
    else await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }

  private disposeView(): void {
    for (const d of this.viewDisposables) d.dispose();
    this.viewDisposables = [];
  }

  dispose(): void {
    this.disposeView();
  }
}
