import * as vscode from 'vscode';
import type { SecretRegistry } from './core/errors/secretRegistry';

/**
 * The "Inkwell" output channel. Every line passes through the secret registry, which knows every key
 * Inkwell has read this session, so a key cannot reach the log even inside a provider's message.
 */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Inkwell');
  /** The latest lines, already redacted: shown by nothing, read by tests to prove redaction. */
  private readonly recent: string[] = [];

  constructor(private readonly secrets: SecretRegistry) {}

  info(line: string): void {
    const entry = `${new Date().toISOString()} ${this.secrets.redact(line)}`;
    this.recent.push(entry);
    if (this.recent.length > 500) this.recent.shift();
    this.channel.appendLine(entry);
  }

  recentLines(): readonly string[] {
    return this.recent;
  }

  error(line: string): void {
    this.info(`ERROR ${line}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
