// A reply's body in the chat page: its markdown formatted, without ever breaking or stalling the page.
// - A finished reply is formatted in one pass (the renderer bounds it and falls back to text itself),
//   or, when that would take more than a frame, block by block over a few tasks.
// - A streaming reply is formatted block by block (core/chat/markdownBlocks.ts): each frame only the
//   blocks that changed, the last one or two, are formatted again; the others keep their nodes.
// - Until the markdown bundle has run, and if formatting throws all the same, the text is shown as it is.
import { BlockScan, MARKDOWN_LIMITS, blockRanges, scanBlocks } from '../core/chat/markdownBlocks';
import type { MarkdownRenderer } from '../core/chat/renderMarkdown';
import { markdownRenderer } from './markdownSlot';

/** A finished reply this long is formatted in one pass (about 8 ms in Chromium here; see the README). */
export const ONE_PASS_CHARS = 16_000;
/** Work per task when a longer reply is formatted block by block. */
const STEP_MS = 8;
/** A block of a long reply not formatted yet: its text, white-space kept. */
const PENDING_BLOCK_CLASS = 'pending-block';

interface ShownBlock {
  text: string;
  nodes: ChildNode[];
}

export class ReplyBody {
  private streamed: { text: string; scan: BlockScan; blocks: ShownBlock[] } | undefined;
  private step: ReturnType<typeof setTimeout> | undefined;
  /** Blocks formatted by the last `showStreaming` (for tests and the benchmark: the work one frame did). */
  lastFormattedBlocks = 0;

  constructor(readonly el: HTMLElement) {}

  /**
   * The whole reply: in one pass when that fits in a frame; a longer one block by block, a few
   * milliseconds a task, its blocks shown as text until their turn.
   */
  showFinished(text: string): void {
    this.streamed = undefined;
    this.stopFormatting();
    const render = markdownRenderer();
    this.el.classList.toggle('unformatted', !render);
    if (!render) {
      this.el.textContent = text;
      return;
    }
    if (text.length <= ONE_PASS_CHARS || text.length > MARKDOWN_LIMITS.maxReplyChars) {
      this.safely(text, () => this.el.replaceChildren(render.fragment(text)));
      return;
    }
    this.safely(text, () => this.formatInSteps(render, text));
  }

  /** True while a long finished reply is still being formatted. */
  get formatting(): boolean {
    return this.step !== undefined;
  }

  private formatInSteps(render: MarkdownRenderer, text: string): void {
    const doc = this.el.ownerDocument;
    const waiting = blockRanges(text, scanBlocks(text, undefined, true)).map((r) => {
      const p = doc.createElement('p');
      p.className = PENDING_BLOCK_CLASS;
      p.textContent = text.slice(r.start, r.end);
      return p;
    });
    this.el.replaceChildren(...waiting);
    let next = 0;
    let first = true;
    const step = () => {
      this.step = undefined;
      // The first step runs while the message is built, before it is in the page; later ones stop if
      // the message has left the page (its conversation was replaced).
      if (!first && !this.el.isConnected) return;
      first = false;
      const started = performance.now();
      this.safely(text, () => {
        while (next < waiting.length && performance.now() - started < STEP_MS) {
          const p = waiting[next++];
          p.replaceWith(render.blockFragment(p.textContent ?? ''));
        }
      });
      if (next < waiting.length) this.step = setTimeout(step, 0);
    };
    step();
  }

  private stopFormatting(): void {
    if (this.step !== undefined) clearTimeout(this.step);
    this.step = undefined;
  }

  /** The reply as it grows: only the blocks that changed since the last call are formatted. */
  showStreaming(text: string): void {
    this.stopFormatting();
    const render = markdownRenderer();
    this.el.classList.toggle('unformatted', !render);
    if (!render || text.length > MARKDOWN_LIMITS.maxReplyChars) {
      // Past the bound the renderer would show text anyway; so do we, without scanning.
      this.streamed = undefined;
      this.el.textContent = text;
      this.lastFormattedBlocks = 0;
      return;
    }
    this.safely(text, () => this.formatChangedBlocks(render, text));
  }

  private formatChangedBlocks(render: MarkdownRenderer, text: string): void {
    let shown = this.streamed;
    if (!shown || !shown.text || !text.startsWith(shown.text)) {
      // Not a continuation of what is shown (a new reply, the first text after the waiting line): start over.
      this.el.replaceChildren();
      shown = { text: '', scan: { starts: [0] }, blocks: [] };
    }
    shown.scan = scanBlocks(text, shown.scan);
    shown.text = text;
    this.streamed = shown;
    const ranges = blockRanges(text, shown.scan);
    let first = 0;
    while (first < ranges.length && first < shown.blocks.length && shown.blocks[first].text === text.slice(ranges[first].start, ranges[first].end)) first++;
    for (const old of shown.blocks.splice(first)) for (const node of old.nodes) node.remove();
    for (const range of ranges.slice(first)) {
      const blockText = text.slice(range.start, range.end);
      const fragment = render.blockFragment(blockText);
      const nodes = Array.from(fragment.childNodes);
      this.el.append(fragment);
      shown.blocks.push({ text: blockText, nodes });
    }
    this.lastFormattedBlocks = ranges.length - first;
  }

  /** Runs `format`; if it throws anyway, the reply is shown as its text and the page goes on. */
  private safely(text: string, format: () => void): void {
    try {
      format();
    } catch {
      this.streamed = undefined;
      this.stopFormatting();
      this.el.classList.add('unformatted');
      this.el.textContent = text;
    }
  }
}
