import * as vscode from 'vscode';

/**
 * The status bar while Inkwell writes: tokens so far and the rate; click to stop. Afterwards,
 * the provider's usage figures for a few seconds.
 */
export class GenerationStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('inkwell.generation', vscode.StatusBarAlignment.Right, 99);
  private running = 0;
  private hideTimer: NodeJS.Timeout | undefined;

  constructor() {
    this.item.name = 'Inkwell Generation';
  }

  start(): void {
    this.running++;
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.item.text = '$(loading~spin) Inkwell: waiting for the model…';
    this.item.tooltip = 'Click or press Escape to stop';
    this.item.command = 'inkwell.stop';
    this.item.show();
    void vscode.commands.executeCommand('setContext', 'inkwell.generating', true);
  }

  progress(tokens: number, startedAt: number, firstTokenAt: number | undefined): void {
    const seconds = firstTokenAt ? (Date.now() - firstTokenAt) / 1000 : 0;
    const rate = seconds > 0.2 ? ` · ${(tokens / seconds).toFixed(0)} tok/s` : '';
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
