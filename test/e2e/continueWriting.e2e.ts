// In a real workbench: Continue Writing on a chapter of the sample manuscript with the
// keybinding, the continuation streaming in (read from the editor's DOM) with progress in the status
// bar, and Escape stopping a second generation mid-stream.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { waitFor } from '../waitFor';
import type { ProviderTestServer } from '../server/providerTestServer';
import { useWorkbench } from './harness';
import { E2E_KEY_ENV, generationItem as statusItem, startE2eServer, testServerProvider } from './e2eProvider';
import { EDITOR, cursorAfter, editorText, words } from './editorDom';

const TOKEN_DELAY_MS = 80;
/** What the "model" writes after "…running like small, impatient rivers." (one piece = one token). */
const CONTINUATION = [
  ' Somewhere', ' above', ' the', ' rooftops', ' a', ' bell', ' struck', ' the', ' half', ' hour,', ' thin', ' and', ' late,',
  ' as', ' if', ' it', ' too', ' had', ' been', ' caught', ' in', ' the', ' rain.', ' Wren', ' pulled', ' her', ' collar',
  ' tight', ' and', ' watched', ' a', ' paper', ' boat', ' ride', ' the', ' gutter', ' past', ' the', ' shop', ' door,',
  ' its', ' sail', ' a', ' page', ' torn', ' from', ' a', ' ledger.',
];
const CONTINUATION_TEXT = CONTINUATION.join('');
const PARAGRAPH_END = 'like small, impatient rivers.';
const NEXT_PARAGRAPH = 'She stood under the awning and counted the lamps';
const SECOND_PARAGRAPH_END = 'in a shape like a closed eye.';
const CUT_LINE = '"Then someone put it out," she said.';
/** A chapter of its own for the close-and-save test, which changes the file on disk. */
const SAVED_CHAPTER = 'chapter-03.md';
const SAVED_CHAPTER_TEXT = '# Chapter Three\n\nThe rain had not stopped by morning. Wren unlocked the shop and lit the first lamp.\n';

/** The workbench under load can take a while to show a change. */
const UI_WAIT_MS = 15_000;

describe('Continue Writing (e2e)', function () {
  this.timeout(90_000);
  const userSettings: Record<string, unknown> = {};
  let server: ProviderTestServer;

  before(async () => {
    server = await startE2eServer(CONTINUATION);
    Object.assign(userSettings, {
      ...testServerProvider(server.url),
      'inkwell.model': 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic',
      // The web workbench saves after a delay by default; the closing test wants the text unsaved.
      'files.autoSave': 'off',
    });
  });
  after(async () => {
    await server?.close();
  });

  const wb = useWorkbench({ userSettings, env: E2E_KEY_ENV, files: { [SAVED_CHAPTER]: SAVED_CHAPTER_TEXT } });
  const generationItem = () => statusItem(wb.page);

  it('streams the continuation in at the cursor with Ctrl+Alt+Enter, showing progress', async () => {
    server.setScenario({ tokenDelayMs: TOKEN_DELAY_MS });
    await wb.openFile('chapter-01.md');
    await wb.page.locator(`${EDITOR} .view-lines`, { hasText: 'Lamplighter' }).waitFor();
    const before = await editorText(wb.page);
    await cursorAfter(wb.page, PARAGRAPH_END);
    await wb.page.keyboard.press('Control+Alt+Enter');

    // Mid-stream: progress with a rate in the status bar, part of the text in the editor.
    await generationItem().filter({ hasText: /\d+ tokens · \d+ tok\/s/ }).waitFor();
    const early = words(await editorText(wb.page));
    await wb.screenshot('continue-1-streaming');
    const status = (await generationItem().innerText()).trim();
    assert.match(status, /^Inkwell: \d+ tokens · \d+ tok\/s$/);
    const rate = Number(/(\d+) tok\/s/.exec(status)?.[1]);
    assert.ok(rate > 0 && rate <= 2000 / TOKEN_DELAY_MS, `implausible rate in "${status}"`);
    const sofar = early.slice(early.indexOf(PARAGRAPH_END) + PARAGRAPH_END.length, early.indexOf(NEXT_PARAGRAPH)).trim();
    assert.ok(sofar.length > 0 && sofar.length < words(CONTINUATION_TEXT).length, `not mid-stream: "${sofar}"`);
    assert.ok(words(CONTINUATION_TEXT).startsWith(sofar), `the streamed text is not a prefix of the continuation: "${sofar}"`);

    await waitFor('more text', async () => words(await editorText(wb.page)).length > early.length, UI_WAIT_MS);
    await generationItem().filter({ hasText: `${CONTINUATION.length} tokens` }).filter({ hasNotText: 'tok/s' }).waitFor();
    const after = words(await editorText(wb.page));
    assert.equal(after, words(before).replace(PARAGRAPH_END, PARAGRAPH_END + CONTINUATION_TEXT), 'the continuation did not land in place');
    assert.ok(await generationItem().locator('.codicon-check').count(), 'the status bar does not say it finished');
    const [request] = server.requests.filter((r) => r.path.endsWith('/completions'));
    assert.ok(request.body.prompt.endsWith(PARAGRAPH_END), 'the prompt is not the text before the cursor');
    assert.ok(!request.body.prompt.includes(NEXT_PARAGRAPH), 'text after the cursor was sent');
    await wb.screenshot('continue-2-done');
  });

  it('stops at once on Escape, keeping what arrived', async () => {
    server.reset();
    server.setScenario({ tokenDelayMs: TOKEN_DELAY_MS, scriptLoop: true });
    await cursorAfter(wb.page, SECOND_PARAGRAPH_END);
    const before = words(await editorText(wb.page));
    await wb.page.keyboard.press('Control+Alt+Enter');
    await generationItem().filter({ hasText: /\d+ tokens · \d+ tok\/s/ }).waitFor();
    await waitFor('a few words', async () => words(await editorText(wb.page)).length > before.length + 20, UI_WAIT_MS);
    await wb.screenshot('continue-3-before-escape');

    await wb.page.keyboard.press('Escape');
    await generationItem().filter({ hasText: /stopped at \d+ tokens/ }).waitFor({ timeout: 5000 });
    const stopped = await server.waitForRequest((r) => r.path.endsWith('/completions') && r.aborted, 5000);
    assert.equal(stopped.completed, false, 'the request ran to the end');

    // Nothing more can come, by its causes rather than by watching a while: the server has seen the request
    // go and wrote its last token before that (`tokensWritten` is final once `aborted` is set), and the status
    // says "stopped" only after the insertion has finished. So the document keeps exactly the tokens the
    // status counts, no more than the server sent.
    const tokens = Number(/stopped at (\d+) tokens/.exec(await generationItem().innerText())?.[1]);
    assert.ok(tokens > 0 && tokens < 300, `stopped at ${tokens} tokens`);
    assert.ok(tokens <= stopped.tokensWritten, `stopped at ${tokens} tokens, but the server wrote ${stopped.tokensWritten}`);
    const arrived = words(Array.from({ length: tokens }, (_, i) => CONTINUATION[i % CONTINUATION.length]).join(''));
    const keptText = async () => {
      const text = words(await editorText(wb.page));
      return text.slice(text.indexOf(SECOND_PARAGRAPH_END) + SECOND_PARAGRAPH_END.length, text.indexOf('"You\'re late,"')).trim();
    };
    // The editor's DOM draws the document on its next frame: wait for that drawing, not for time to pass.
    const kept = await waitFor('the editor to show what arrived', async () => ((await keptText()) === arrived ? arrived : undefined), UI_WAIT_MS).catch(
      async (e: Error) => assert.fail(`${e.message}: the ${tokens} tokens that arrived are "${arrived}", the document keeps "${await keptText()}"`),
    );
    assert.ok(kept.length > 0, 'what arrived before Escape was lost');
    await wb.screenshot('continue-4-stopped');
  });

  /** Continue Writing streams into `file` until a few words are in, then the tab's own close button asks about saving. */
  async function closeWhileStreaming(file: string) {
    server.reset();
    server.setScenario({ tokenDelayMs: TOKEN_DELAY_MS, scriptLoop: true });
    await wb.openFile(file);
    const tab = wb.page.locator('.tabs-container .tab', { hasText: file });
    await tab.waitFor();
    await wb.page.locator(`${EDITOR} .view-line`).first().click();
    await wb.page.keyboard.press('Control+End');
    const before = words(await editorText(wb.page)).length;
    await wb.page.keyboard.press('Control+Alt+Enter');
    await waitFor('a few words', async () => words(await editorText(wb.page)).length > before + 20, UI_WAIT_MS);
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    const dialog = wb.page.locator('.monaco-dialog-box', { hasText: 'Do you want to save the changes' });
    await dialog.waitFor();
    return { tab, dialog };
  }

  it('closing the tab while it streams, answered "Don’t Save", stops the generation; the tab closes, at once or from the warning', async () => {
    // The tab's own close button, then Don't Save in the question it asks, as a writer would.
    const { tab, dialog } = await closeWhileStreaming('chapter-02.md');
    await wb.screenshot('continue-5-close-question');
    await dialog.locator('.monaco-button', { hasText: /Don.t Save/ }).click();
    const stopped = await server.waitForRequest((r) => r.path.endsWith('/completions') && r.aborted, 5000);
    assert.equal(stopped.completed, false, 'the request ran on after the tab was closed');
    // VS Code's revert gives up if a flush lands while it reads the file (it keeps the tab rather
    // than lose an edit); Inkwell then stops and asks, in a dialog, whether to revert again.
    const question = wb.page.locator('.monaco-dialog-box', { hasText: 'Inkwell stopped writing into chapter-02.md' });
    // Promise.any: the one that does not happen times out later, handled.
    const outcome = await Promise.any([
      tab.waitFor({ state: 'detached', timeout: 8000 }).then(() => 'closed' as const),
      question.waitFor({ timeout: 8000 }).then(() => 'asked' as const),
    ]);
    if (outcome === 'asked') {
      await wb.screenshot('continue-6-revert-defeated');
      await question.locator('.monaco-button', { hasText: 'Revert and Close' }).click();
      await tab.waitFor({ state: 'detached', timeout: 5000 });
    }
    await wb.screenshot('continue-6-tab-closed');
  });

  it('closing the tab while it streams, answered "Save", stops the generation; the file keeps what arrived and the tab closes', async () => {
    const { tab, dialog } = await closeWhileStreaming(SAVED_CHAPTER);
    await dialog.locator('.monaco-button', { hasText: /^Save$/ }).click();
    const stopped = await server.waitForRequest((r) => r.path.endsWith('/completions') && r.aborted, 5000);
    assert.equal(stopped.completed, false, 'the request ran on after the tab was closed');
    await tab.waitFor({ state: 'detached', timeout: 8000 });
    await wb.screenshot('continue-6b-saved-and-closed');

    const file = path.join(wb.workspace, SAVED_CHAPTER);
    const saved = fs.readFileSync(file, 'utf8');
    assert.ok(saved.startsWith(SAVED_CHAPTER_TEXT), 'the chapter on disk lost its own text');
    const streamed = words(saved.slice(SAVED_CHAPTER_TEXT.length));
    assert.ok(streamed.length > 20, `what arrived before the close was not saved: "${streamed}"`);
    assert.ok(words(CONTINUATION_TEXT.repeat(3)).startsWith(streamed), `the saved text is not the stream's start: "${streamed}"`);
  });

  it('resumes a cut stream where it stopped, even after the writer typed above it', async () => {
    server.reset();
    // The first answer is cut after six tokens; Continue's request then runs to the end.
    server.setScenario([{ truncate: { afterTokens: 6 } }, {}]);
    await cursorAfter(wb.page, CUT_LINE);
    await wb.page.keyboard.press('Control+Alt+Enter');
    const notice = wb.page.locator('.notification-list-item', { hasText: 'stopped after 6 tokens' }).first();
    if (!(await wb.page.locator('.notifications-center').isVisible())) await wb.page.locator('[id="status.notifications"]').click();
    await notice.waitFor();
    assert.match(await notice.innerText(), /stopped after 6 tokens; the text so far is kept\./);

    // The writer adds a word at the top of the chapter before answering.
    const title = wb.page.locator(`${EDITOR} .view-line`, { hasText: 'Chapter One' }).first();
    await title.click();
    await wb.page.keyboard.press('Home');
    await wb.page.keyboard.type('NEW ');
    await notice.locator('.monaco-button', { hasText: 'Continue' }).click();
    // A request is recorded before its body has arrived: look only at those that have one.
    const resumed = await server.waitForRequest((r) => r.path.endsWith('/completions') && String(r.body?.prompt ?? '').includes('NEW # Chapter One'), 15_000);
    const cut = CONTINUATION.slice(0, 6).join('');
    assert.ok(resumed.body.prompt.endsWith(CUT_LINE + cut), `Continue did not resume where the stream stopped: …${resumed.body.prompt.slice(-60)}`);
    await waitFor('the resumed continuation', async () => words(await editorText(wb.page)).includes(words(CUT_LINE + cut + CONTINUATION_TEXT)), UI_WAIT_MS);
    assert.ok(words(await editorText(wb.page)).startsWith('NEW # Chapter One'), 'the writer’s word is gone');
    await wb.screenshot('continue-7-resumed');
  });
});
