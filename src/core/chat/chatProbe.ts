// The chat's test hooks in one object, made only when a test or benchmark asks for it
// (ChatController.probe()): what was posted to the page, how often a page said ready, how many of
// the page's messages validation dropped, the render timing the page last reported, and what
// storage holds.
import type { ExtensionToWebview } from '../protocol/chatProtocol';
import type { ChatStore } from './transcript';

export class ChatProbe {
  readyCount = 0;
  /** Messages from the page that validation dropped (counted by the view, only while a probe exists). */
  rejectedCount = 0;
  lastRender: { messages: number; ms: number } | undefined;
  /**
   * Reads the chat's storage afresh. The controller only sees storage through ChatStorage, so the
   * glue that opened the storage wires this when it makes the probe.
   */
  readStored: (() => ChatStore) | undefined;
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

  /** What storage holds now: what a reloaded window would start from. */
  persisted(): ChatStore {
    if (!this.readStored) throw new Error('the chat probe was not given a way to read storage');
    return this.readStored();
  }
}
