// The chat's test hooks in one object, made only when a test or benchmark asks for it
// (ChatController.probe()): what was posted to the page, how often a page said ready, and the
// render timing the page last reported.
import type { ExtensionToWebview } from '../protocol/chatProtocol';

export class ChatProbe {
  readyCount = 0;
  lastRender: { messages: number; ms: number } | undefined;
  private readonly listeners = new Set<(message: ExtensionToWebview) => void>();

  /** Every message posted to the page (or that would be posted, with no page). */
  onDidPost(listener: (message: ExtensionToWebview) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get listening(): boolean {
    return this.listeners.size > 0;
  }

  posted(message: ExtensionToWebview): void {
    for (const listener of this.listeners) listener(message);
  }
}
