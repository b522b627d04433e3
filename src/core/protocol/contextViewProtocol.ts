// The context view's messages, both ways, and the check the extension runs on everything the page
// sends (docs/security.md, item 9). The page's own script (contextViewPage.ts) checks what it receives.
import { isRecord } from '../json';
import type { ContextTab } from '../story/contextSnapshot';

export type ContextViewToWebview =
  /** One tab's content, replacing what the page shows there (escaped HTML from contextViewHtml.ts). */
  | { type: 'update'; tab: ContextTab; html: string }
  /** The request body of that tab is on the clipboard. */
  | { type: 'copied'; tab: ContextTab };

export type ContextWebviewToExtension = { type: 'ready' } | { type: 'copy'; tab: ContextTab };

const isTab = (v: unknown): v is ContextTab => v === 'next' || v === 'last';

/** The message with exactly the fields it allows, as a fresh object; undefined for anything else. */
export function parseContextViewMessage(raw: unknown): ContextWebviewToExtension | undefined {
  if (!isRecord(raw)) return undefined;
  const keys = Object.keys(raw);
  if (raw.type === 'ready') return keys.length === 1 ? { type: 'ready' } : undefined;
  if (raw.type === 'copy') return keys.length === 2 && isTab(raw.tab) ? { type: 'copy', tab: raw.tab } : undefined;
  return undefined;
}
