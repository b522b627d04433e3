import * as vscode from 'vscode';

/**
 * The status bar while Inkwell writes: tokens so far and the rate; click to stop. Afterwards,
 * the provider's usage figures for a few seconds.
 */
export class GenerationStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('inkwell.generation', vscode.StatusBarAlignment.Right, 99);
  private running = 0;
  private hideTimer: NodeJS.Timeout | undefined;
  private lastProgressAt = 0;

  constructor() {
    this.item.name = 'Inkwell Generation';
  }

  start(): void {
    this.running++;
    this.lastProgressAt = 0;
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.item.text = '$(loading~spin) Inkwell: waiting for the model…';
    this.item.tooltip = 'Click or press Escape to stop';
    this.item.command = 'inkwell.stop';
    this.item.show();
    void vscode.commands.executeCommand('setContext', 'inkwell.generating', true);
  }

  /** Writing goes on after the command's own generation (alternatives): counted as start() is, shown as `what`. */
  alsoWriting(what: string): void {
    this.running++;
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.item.text = `$(loading~spin) Inkwell: ${what}`;
    this.item.tooltip = 'Click or press Escape to stop';
    this.item.command = 'inkwell.stop';
    this.item.show();
    if (this.running === 1) void vscode.commands.executeCommand('setContext', 'inkwell.generating', true);
  }

  /** Before the first token: what the generation waits for (a retry after a busy server, say). */
  waiting(what: string): void {
    if (this.lastProgressAt !== 0) return;
    this.item.text = `$(loading~spin) Inkwell: ${what.length > 80 ? `${what.slice(0, 79)}…` : what}`;
  }

  progress(tokens: number, startedAt: number, firstTokenAt: number | undefined): void {
    // Ten updates a second is as fast as anyone reads; more costs the stream time on every token.
    const now = Date.now();
    if (now - this.lastProgressAt < 100) return;
    this.lastProgressAt = now;
    const seconds = firstTokenAt ? (now - firstTokenAt) / 1000 : 0;
    // N tokens after the first one arrived span N − 1 intervals.
    const rate = seconds > 0.2 && tokens > 1 ? ` · ${((tokens - 1) / seconds).toFixed(0)} tok/s` : '';
    this.item.text = `$(loading~spin) Inkwell: ${tokens} token${tokens === 1 ? '' : 's'}${rate}`;
    this.item.tooltip = `Writing for ${((Date.now() - startedAt) / 1000).toFixed(1)} s. Click or press Escape to stop.`;
  }

  end(summary: string, tooltip?: string): void {
    this.running = Math.max(0, this.running - 1);
    if (this.running > 0) return;
    void vscode.commands.executeCommand('setContext', 'inkwell.generating', false);
    this.item.text = summary;
    this.item.tooltip = tooltip;
    this.item.command = undefined;
    this.hideTimer = setTimeout(() => this.item.hide(), 8000);
  }

  dispose(): void {
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.item.dispose();
  }
}
