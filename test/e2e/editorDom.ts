// Reading and clicking the active editor's DOM in the real workbench, for the e2e suites.
import type { Page } from 'playwright-core';

export const EDITOR = '.editor-group-container.active .monaco-editor';

/** The editor's visible text, line by line in screen order (Monaco reuses line nodes out of order). */
export async function editorText(page: Page): Promise<string> {
  const lines = await page.locator(`${EDITOR} .view-lines .view-line`).evaluateAll((nodes) =>
    nodes
      .map((n) => ({ top: parseFloat((n as HTMLElement).style.top) || 0, text: n.textContent ?? '' }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text),
  );
  // Wrapped lines are separate view lines; joining them with spaces keeps words apart.
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

/** Words only: wrapping turns spaces into line breaks, so compare text with whitespace collapsed. */
export const words = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Puts the cursor at the end of the line that shows `lineEnd` (clicking past the end of the text). */
export async function cursorAfter(page: Page, lineEnd: string): Promise<void> {
  const line = page.locator(`${EDITOR} .view-line`, { hasText: lineEnd }).first();
  await line.click();
  await page.keyboard.press('End');
}
