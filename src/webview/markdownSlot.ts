// Where the markdown bundle hands its renderer to the page's script. The renderer (marked and
// DOMPurify, most of the page's code) is its own bundle so that a page with nothing to format yet
// can paint before it is parsed: see renderChatHtml. The slot is a symbol-keyed window property,
// which no markup can clobber (named access on window is by string).
import type { MarkdownRenderer } from '../core/chat/renderMarkdown';

const SLOT = Symbol.for('inkwell.markdownRenderer');
const READY_EVENT = 'inkwell-markdown-ready';

type WithSlot = Window & { [SLOT]?: MarkdownRenderer };

export function provideMarkdownRenderer(renderer: MarkdownRenderer): void {
  (window as WithSlot)[SLOT] = renderer;
  window.dispatchEvent(new Event(READY_EVENT));
}

/** The renderer, once its bundle has run. */
export function markdownRenderer(): MarkdownRenderer | undefined {
  return (window as WithSlot)[SLOT];
}

/** Calls `listener` once the renderer is there (at once if it already is). */
export function whenMarkdownRenderer(listener: (renderer: MarkdownRenderer) => void): void {
  const now = markdownRenderer();
  if (now) return listener(now);
  window.addEventListener(READY_EVENT, () => listener(markdownRenderer()!), { once: true });
}
