import * as vscode from 'vscode';
import { TokenCount, describeCount, formatInt, formatTokenStatus, isAbortError } from '../core/tokens';
import { Services, ContextSize } from '../services';
import { Settings } from '../settings';
import { isManuscript } from '../core/manuscripts';

const RECOUNT_DELAY_MS = 120;

/** What the token item shows now; tests and the details command read it. */
export interface TokenStatusState {
  scope: 'selection' | 'document';
  count: TokenCount;
  context: ContextSize;
  maxTokens: number;
  text: string;
}

/**
 * `1,234 tokens · 4% of 32k` for the selection, or the whole document when nothing is selected.
 * Recounts after a short pause (each change aborts the count before it); the counter itself caches
 * by paragraph and debounces the server, so typing never waits on it.
 */
export class TokenStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('inkwell.tokens', vscode.StatusBarAlignment.Right, 101);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: AbortController | undefined;
  private current: TokenStatusState | undefined;

  constructor(private readonly services: Services) {
    this.item.name = 'Inkwell Token Count';
    this.item.command = 'inkwell.showTokenDetails';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      // A document's language can change after it opens (auto-detection, the writer's choice).
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (d === vscode.window.activeTextEditor?.document) this.schedule(0);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) this.schedule();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document && e.contentChanges.length) this.schedule();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Settings.affects(e)) this.schedule(0);
      }),
      services.targets.onDidChange(() => this.schedule(0)),
    );
    this.schedule(0);
  }

  get state(): TokenStatusState | undefined {
    return this.current;
  }

  private schedule(delay = RECOUNT_DELAY_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.recount(), delay);
  }

  private async recount(): Promise<void> {
    this.inFlight?.abort();
    const editor = vscode.window.activeTextEditor;
    // Only manuscripts: a count may be sent to the provider, and nothing else leaves the machine unasked.
    if (!editor || !isManuscript({ scheme: editor.document.uri.scheme, languageId: editor.document.languageId }, new Settings().manuscriptLanguages)) {
      this.current = undefined;
      this.item.hide();
      return;
    }
    const controller = new AbortController();
    this.inFlight = controller;
    const selections = editor.selections.filter((s) => !s.isEmpty);
    const scope = selections.length ? 'selection' : 'document';
    const text = selections.length ? selections.map((s) => editor.document.getText(s)).join('\n') : editor.document.getText();
    const target = this.services.targets.active();
    const settings = Settings.forDocument(editor.document);
    try {
      const context = await this.services.contextSize(target, settings);
      const show = (count: TokenCount) => {
        if (controller.signal.aborted) return;
        this.show({ scope, count, context, maxTokens: settings.sampling.max_tokens, text: '' });
      };
      show(await this.services.tokens.countForStatus(text, target, settings, { signal: controller.signal, onProgress: show }));
    } catch (error) {
      if (!isAbortError(error)) this.services.log.error(`Token count failed: ${String(error)}`);
    }
  }

  private show(state: TokenStatusState): void {
    const { count, context, maxTokens, scope } = state;
    state.text = formatTokenStatus(count, context.tokens);
    this.current = state;
    this.item.text = `$(symbol-numeric) ${state.text}`;
    const room = context.tokens - count.count - maxTokens;
    const tooltip = new vscode.MarkdownString(
      `**${scope === 'selection' ? 'Selection' : 'Document'}:** ${formatInt(count.count)} tokens${count.exact ? '' : ' (estimate)'}\n\n` +
        `${describeCount(count, context).replace(/\n/g, '\n\n')}\n\n` +
        (room >= 0
          ? `Room left for a reply of ${formatInt(maxTokens)} tokens: ${formatInt(room)} tokens.`
          : `$(warning) Over the context by ${formatInt(-room)} tokens once ${formatInt(maxTokens)} are kept for the reply: Continue Writing will trim from the start.`),
      true,
    );
    this.item.tooltip = tooltip;
    this.item.backgroundColor = room < 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  /** Click: the same facts, with the two settings that change them. */
  async showDetails(): Promise<void> {
    const state = this.current;
    if (!state) return;
    const { count, context, maxTokens } = state;
    const message =
      `${state.text} (${state.scope}). ${describeCount(count, context).replace(/\n/g, ' ')} ` +
      `Room left for a ${formatInt(maxTokens)}-token reply: ${formatInt(context.tokens - count.count - maxTokens)}.`;
    const choice = await vscode.window.showInformationMessage(message, 'Choose Tokenizer', 'Set Context Size');
    if (choice === 'Choose Tokenizer') void vscode.commands.executeCommand('workbench.action.openSettings', 'inkwell.tokenizer');
    if (choice === 'Set Context Size') void vscode.commands.executeCommand('workbench.action.openSettings', 'inkwell.contextSize');
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.inFlight?.abort();
    for (const d of this.disposables) d.dispose();
  }
}
