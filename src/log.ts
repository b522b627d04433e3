import * as vscode from 'vscode';
import { redactSecrets } from './core/errors/redact';

/**
 * The "Inkwell" output channel. Every line passes through the redactor, which knows every key
 * Inkwell has read this session, so a key cannot reach the log even inside a provider's message.
 */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Inkwell');
  private readonly secrets = new Set<string>();
  /** The latest lines, already redacted: shown by nothing, read by tests to prove redaction. */
  private readonly recent: string[] = [];

  rememberSecret(secret: string): void {
    if (secret.length >= 4) this.secrets.add(secret);
  }

  private redact(text: string): string {
    return redactSecrets(text, [...this.secrets]);
  }

  knownSecrets(): string[] {
    return [...this.secrets];
  }

  info(line: string): void {
    const entry = `${new Date().toISOString()} ${this.redact(line)}`;
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
