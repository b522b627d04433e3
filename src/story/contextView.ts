import * as vscode from 'vscode';
import { chatNonce } from '../chat/chatHtml';
import { isManuscript } from '../core/manuscripts';
import { ContextViewToWebview, parseContextViewMessage } from '../core/protocol/contextViewProtocol';
import { ContextPanelState, ContextSnapshot, ContextTab, EmptySnapshot, isEmptySnapshot, statusText } from '../core/story/contextSnapshot';
import { contextSections, maskSecrets, renderContextTab } from '../core/story/contextViewHtml';
import { renderContextPage } from '../core/story/contextViewPage';
import { formatContextShort, formatInt } from '../core/tokens';
import { Services } from '../services';
import { Settings } from '../settings';
import { ContextWatch } from './contextWatch';

/**
 * "What the model sees": a panel beside the editor with the prompt the next Continue Writing would send
 * and the last one sent (contextViewHtml.ts draws it), and a status item with the active lore entries and
 * the share of the context the prompt takes. Both follow the ContextWatch; the panel is drawn only while
 * it is visible, and its page asks for content when it (re)loads.
 */
export class ContextView implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('inkwell.context', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private panel: vscode.WebviewPanel | undefined;
  private pageReady = false;
  private pendingDraw: NodeJS.Immediate | undefined;
  /** The snapshot each tab of the page shows, and the content drawn for each snapshot. */
  private shown: Partial<Record<ContextTab, ContextSnapshot | EmptySnapshot>> = {};
  private readonly drawn = new WeakMap<ContextSnapshot | EmptySnapshot, string>();

  constructor(
    private readonly services: Services,
    readonly watch: ContextWatch,
  ) {
    this.item.name = 'Inkwell: What the Model Sees';
    this.item.command = 'inkwell.showContext';
    this.disposables.push(
      watch.onDidUpdate((state) => {
        this.updateItem(state);
        this.drawSoon();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateItem(watch.state)),
    );
    this.updateItem(watch.state);
  }

  /** Whether the panel is open and showing (the integration tests read it). */
  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** The content the page shows (or is about to), both tabs; the integration tests read it. */
  get html(): string {
    const { next, last } = this.shown;
    return (next ? (this.drawn.get(next) ?? '') : '') + (last ? (this.drawn.get(last) ?? '') : '');
  }

  /** The command: opens the panel beside the editor (or brings it forward) and plans at once. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
    } else {
      const panel = vscode.window.createWebviewPanel(
        'inkwell.context',
        'What the Model Sees',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [], retainContextWhenHidden: false },
      );
      this.panel = panel;
      this.pageReady = false;
      const { next, last } = this.watch.state;
      panel.webview.html = renderContextPage({ nonce: chatNonce(), fragment: contextSections({ next: this.draw(next), last: this.draw(last) }) });
      this.shown = { next, last };
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.pageReady = false;
        this.shown = {};
      });
      // Hidden, the page is gone (no retained context); shown again, it reloads from the first content
      // and says `ready`, and every tab is sent again.
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible) return;
        this.pageReady = false;
        this.shown = {};
      });
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw));
    }
    this.watch.refresh();
  }

  private draw(snapshot: ContextSnapshot | EmptySnapshot): string {
    let html = this.drawn.get(snapshot);
    if (html === undefined) this.drawn.set(snapshot, (html = renderContextTab(snapshot, { secrets: this.services.secrets.known() })));
    return html;
  }

  private post(message: ContextViewToWebview): void {
    void this.panel?.webview.postMessage(message);
  }

  /**
   * Brings the page up to date a tab at a time, each on turns of its own: the tab's content on one, the
   * message carrying it on the next (a long prompt is a few hundred kilobytes to draw and to send), and
   * a tab whose snapshot the page already shows not at all.
   */
  private drawSoon(): void {
    this.pendingDraw ??= setImmediate(() => {
      this.pendingDraw = undefined;
      if (!this.panel?.visible || !this.pageReady) return;
      const state = this.watch.state;
      const tab = (['next', 'last'] as const).find((t) => this.shown[t] !== state[t]);
      if (!tab) return;
      const snapshot = state[tab];
      const html = this.draw(snapshot);
      this.pendingDraw = setImmediate(() => {
        this.pendingDraw = undefined;
        if (!this.pageReady) return;
        this.post({ type: 'update', tab, html });
        this.shown[tab] = snapshot;
        this.drawSoon();
      });
    });
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseContextViewMessage(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.pageReady = true;
        this.drawSoon();
        return;
      case 'copy':
        return this.copy(message.tab);
    }
  }

  /** The whole body as it goes (or would go): no headers, so no key; a key that found its way into the text is masked all the same. */
  async copy(tab: ContextTab): Promise<void> {
    const snapshot = this.watch.state[tab];
    if (isEmptySnapshot(snapshot) || !snapshot.request) return;
    await vscode.env.clipboard.writeText(maskSecrets(JSON.stringify(snapshot.request.body, null, 2), this.services.secrets.known()));
    this.post({ type: 'copied', tab });
  }

  private updateItem(state: ContextPanelState): void {
    const active = vscode.window.activeTextEditor;
    // Focus in the panel leaves no active editor: the item stays for the manuscript the panel follows.
    const document = active?.document ?? this.watch.document;
    if (!document || document !== this.watch.document || !isManuscript({ scheme: document.uri.scheme, languageId: document.languageId }, new Settings().manuscriptLanguages)) {
      this.item.hide();
      return;
    }
    const next = state.next;
    const tooltip = new vscode.MarkdownString('', true);
    if (isEmptySnapshot(next)) {
      this.item.text = '$(book) Context';
      tooltip.appendText(next.empty);
      this.item.backgroundColor = undefined;
    } else {
      this.item.text = `$(book) ${statusText(next)}`;
      const active = next.lore.filter((r) => r.active).length;
      const o = next.outcome;
      tooltip.appendMarkdown('**What the model sees**\n\n');
      tooltip.appendText(
        o.fits
          ? `The next Continue Writing sends ${formatInt(o.tokens)} tokens, ${Math.round((o.tokens / next.contextSize) * 100)}% of the ` +
              `${formatContextShort(next.contextSize)} context, with ${active} lore ${active === 1 ? 'entry' : 'entries'} of ${next.lore.length}. ` +
              `Room for the reply: ${formatInt(next.contextSize - o.tokens)} tokens.`
          : `The next Continue Writing would not send: the prompt does not fit the ${formatContextShort(next.contextSize)} context.`,
      );
      tooltip.appendMarkdown('\n\nClick to see each part, why each lore entry is in or out, and the request.');
      this.item.backgroundColor = o.fits ? undefined : new vscode.ThemeColor('statusBarItem.warningBackground');
    }
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    if (this.pendingDraw) clearImmediate(this.pendingDraw);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
