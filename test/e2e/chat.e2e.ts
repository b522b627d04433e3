// The chat panel clicked and read in a real workbench (code-server + headless Chromium).
import * as assert from 'assert';
import { startProviderTestServer, type ProviderTestServer } from '../server/providerTestServer';
import { waitFor } from '../waitFor';
import { pickColorTheme, useWorkbench } from './harness';
import { chatFrame, closeChatPanel, clickOpenChatTimed, markdownReplyPieces, testServerSettings } from './chatPanel';

describe('chat panel (e2e)', function () {
  this.timeout(90_000);
  const userSettings: Record<string, unknown> = { 'workbench.colorTheme': 'Default Dark Modern' };
  let server: ProviderTestServer;

  // Runs before useWorkbench's own `before`, so the workbench starts with the server's address.
  before(async () => {
    server = await startProviderTestServer({ flavor: 'vllm', requireAuth: false, script: markdownReplyPieces(), maxLifetimeMs: 10 * 60_000 });
    Object.assign(userSettings, testServerSettings(server));
  });
  after(async () => {
    await server?.close();
  });

  const wb = useWorkbench({ userSettings });

  it('opens from the activity bar', async () => {
    await wb.openFile('chapter-01.md');
    const t = await clickOpenChatTimed(wb.page);
    console.log(
      `      click → first paint of the chat panel, workbench just started (bench/chatPanel.ts has the settled figure): ${t.firstPaintMs.toFixed(0)} ms ` +
        `(page navigation at ${t.navigationMs.toFixed(0)} ms, script at ${t.scriptMs.toFixed(0)} ms)`,
    );
    const frame = chatFrame(wb.page);
    await frame.locator('.empty').waitFor();
    await frame.locator('select.model option:checked', { hasText: 'story-model' }).waitFor({ state: 'attached' });
    // An empty chat paints without the markdown renderer, which loads from dist/ right after.
    assert.match((await frame.locator('script#inkwell-markdown').getAttribute('src')) ?? '', /\/dist\/markdown\.js$/);
  });

  it('sends with Enter, streams the reply, and stops it with the Stop button', async () => {
    server.setScenario({ times: 1, tokenDelayMs: 60 });
    const frame = chatFrame(wb.page);
    const input = frame.locator('textarea.input');
    await input.click();
    await input.fill('Give me three names for this town.');
    await input.press('Shift+Enter');
    await input.type('Darker, if you can.');
    assert.equal(await input.inputValue(), 'Give me three names for this town.\nDarker, if you can.');
    await input.press('Enter');
    await frame.locator('.msg-user .msg-body', { hasText: 'Darker, if you can.' }).waitFor();
    assert.equal(await input.inputValue(), '', 'the input is cleared after sending');

    const reply = frame.locator('.msg-assistant').last();
    const body = reply.locator('.msg-body');
    await frame.locator('.msg-assistant.streaming').waitFor();
    await body.filter({ hasText: 'Here are' }).waitFor();
    const early = (await body.innerText()).length;
    // The reply's next words arriving (about 150 tokens at 60 ms each: seconds of streaming still to come).
    const later = await waitFor('the reply to grow', async () => {
      const length = (await body.innerText()).length;
      return length > early ? length : undefined;
    }, 15_000);
    assert.ok(await frame.locator('.msg-assistant.streaming').count(), `the reply grew (${early} → ${later}) only once it had stopped streaming`);
    await wb.screenshot('chat-streaming-dark');

    await frame.locator('button.stop').click();
    await frame.locator('.msg-assistant.status-stopped').waitFor();
    await frame.locator('button.send').waitFor();
    const kept = await body.innerText();
    assert.ok(kept.length > 0 && !kept.includes('exposition'), 'the reply was not cut by Stop');
  });

  it('renders a full reply as markdown and inserts it at the cursor', async () => {
    const frame = chatFrame(wb.page);
    const input = frame.locator('textarea.input');
    await input.fill('Once more, in full.');
    await input.press('Enter');
    const reply = frame.locator('.msg-assistant.status-done').last();
    await reply.waitFor();
    assert.equal(await reply.locator('.msg-body ol > li').count(), 3);
    assert.equal(await reply.locator('.msg-body strong', { hasText: 'Ashford' }).count(), 1);
    assert.equal(await reply.locator('.msg-body blockquote').count(), 1);
    await wb.screenshot('chat-reply-dark');

    // Hidden and shown again, the page opens on the conversation: the renderer comes inlined, and the
    // reply is formatted in the first frame.
    await closeChatPanel(wb.page);
    await clickOpenChatTimed(wb.page);
    assert.equal(await frame.locator('script#inkwell-markdown').getAttribute('src'), null);
    const reopened = frame.locator('.msg-assistant.status-done').last();
    assert.equal(await reopened.locator('.msg-body strong', { hasText: 'Ashford' }).count(), 1);
    assert.equal(await frame.locator('.msg-body.unformatted').count(), 0);

    await reopened.hover();
    await reopened.locator('button[data-action="insert"]').click();
    const editorLines = wb.page.locator('.editor-group-container .monaco-editor .view-lines');
    await editorLines.filter({ hasText: 'Here are three names that fit a river town' }).first().waitFor();
  });

  it('a reply that once broke the panel is shown as text, and the panel still works after reopening on it', async () => {
    // 1.9 KB of '>' overflowed the renderer's recursion: the page never said ready again on this chat.
    server.setScenario({ times: 1, script: Array.from({ length: 190 }, () => '>'.repeat(10)) });
    const frame = chatFrame(wb.page);
    const input = frame.locator('textarea.input');
    await input.fill('Quote yourself.');
    await input.press('Enter');
    const hostile = frame.locator('.msg-assistant.status-done').last();
    await hostile.locator('.msg-body .plain-block').waitFor();
    assert.equal((await hostile.locator('.msg-body').innerText()).length, 1900);
    await wb.screenshot('chat-hostile-reply-dark');

    await closeChatPanel(wb.page);
    await clickOpenChatTimed(wb.page);
    await frame.locator('.msg-assistant .plain-block').waitFor();
    await input.fill('And now in prose.');
    await input.press('Enter');
    const next = frame.locator('.msg-assistant.status-done').last();
    await next.locator('.msg-body strong', { hasText: 'Ashford' }).waitFor();
  });

  it('regenerates a reply into alternatives and shows each with ◀ / ▶', async () => {
    const original = ['The', ' *Heron*,', ' by the', ' ferry', ' steps.'];
    const scripts = [
      ['**Mere**', ' — short', ' and cold;', ' the water', ' has the last word.'],
      ['Or *Coldwater', ' Reach*,', ' the name', ' on the old', ' survey maps.'],
    ];
    server.setScenario([original, ...scripts].map((script) => ({ times: 1, script })));
    const frame = chatFrame(wb.page);
    const input = frame.locator('textarea.input');
    // Run alone (INKWELL_TEST_GREP), the panel is not open yet.
    if (!(await input.isVisible())) {
      await wb.openFile('chapter-01.md');
      await clickOpenChatTimed(wb.page);
    }
    await input.fill('Name the inn.');
    await input.press('Enter');
    await frame.locator('article.msg-assistant.status-done:last-child .msg-body', { hasText: 'ferry steps' }).waitFor();
    const reply = frame.locator('.msg-assistant').last();
    const count = reply.locator('.alternatives .alternative-count');
    const body = reply.locator('.msg-body');
    assert.equal(await reply.locator('.alternatives').count(), 0, 'no arrows on a reply written once');
    for (const [i, script] of scripts.entries()) {
      await reply.hover();
      await reply.locator('button[data-action="regenerate"]').click();
      await count.filter({ hasText: `${i + 2}/${i + 2}` }).waitFor();
      await frame.locator('article.msg-assistant.status-done:last-child').waitFor();
      assert.equal((await body.innerText()).trim(), script.join('').replace(/[*]/g, ''));
    }
    const previous = reply.locator('button[data-action="previous-alternative"]');
    const next = reply.locator('button[data-action="next-alternative"]');
    assert.equal(await next.isDisabled(), true, 'nothing after the newest');
    await previous.click();
    await count.filter({ hasText: '2/3' }).waitFor();
    assert.equal(await reply.locator('.msg-body strong').innerText(), 'Mere');
    await previous.click();
    await count.filter({ hasText: '1/3' }).waitFor();
    assert.equal((await body.innerText()).trim(), original.join('').replace(/[*]/g, ''));
    assert.equal(await previous.isDisabled(), true, 'nothing before the first');
    await next.click();
    await count.filter({ hasText: '2/3' }).waitFor();
    assert.equal(await reply.locator('.msg-body strong').innerText(), 'Mere');
    // Pointed at: the reply's buttons show beside the arrows.
    await reply.hover();
    await reply.locator('button[data-action="copy"]').waitFor();
    await wb.screenshot('chat-alternatives-hover-dark');
    // Moved off the reply: the arrows and the count stay, the other buttons hide.
    await frame.locator('textarea.input').hover();
    await reply.locator('button[data-action="copy"]').waitFor({ state: 'hidden' });
    assert.ok(await count.isVisible());
    await wb.screenshot('chat-alternatives-dark');
  });

  it('attaches the selection from the editor context menu, with the cursor in the input', async () => {
    const page = wb.page;
    const line = page.locator('.editor-group-container .monaco-editor .view-line', { hasText: 'said Master Odell' }).first();
    await line.click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    const selected = (await line.innerText()).replace(/\u00a0/g, ' ').trim();
    await line.click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-item', { hasText: 'Send Selection to Chat' }).first();
    await item.waitFor();
    // The menu may still be placing itself when it first shows: hover until the menu marks the item as the
    // one under the pointer, then click, and if the menu is still open, Enter on the hovered item.
    await item.hover();
    await page.locator('.monaco-menu .action-item.focused', { hasText: 'Send Selection to Chat' }).first().waitFor();
    await item.click();
    // Enter only while the menu is really still open: once it has closed, Enter would go to the
    // editor and replace the selected line.
    const menu = page.locator('.monaco-menu').first();
    const closed = await menu.waitFor({ state: 'hidden', timeout: 3000 }).then(() => true, () => false);
    if (!closed) await page.keyboard.press('Enter');
    const frame = chatFrame(page);
    const chip = frame.locator('.passage-chip:not([hidden])');
    await chip.waitFor();
    assert.ok((await chip.locator('.passage-text').innerText()).includes(selected.slice(0, 20)), 'the passage is not the selection');
    assert.match(await chip.locator('.passage-source').innerText(), /chapter-01\.md, line \d+/);
    await frame.locator('textarea.input:focus').waitFor();
    // The composer grew by the passage; the conversation still shows its end.
    const offEnd = await frame.locator('main.messages').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    assert.ok(offEnd < 2, `the conversation is ${offEnd} px above its end`);
    await page.keyboard.type('What is she feeling here?');
    assert.equal(await frame.locator('textarea.input').inputValue(), 'What is she feeling here?');
  });

  it('looks right in light, dark and high-contrast themes', async () => {
    const page = wb.page;
    const themes: [string, string, string][] = [
      ['Light Modern', 'vscode-light', 'chat-light'],
      ['Dark High Contrast', 'vscode-high-contrast', 'chat-high-contrast'],
      ['Dark Modern', 'vscode-dark', 'chat-dark'],
    ];
    for (const [theme, kind, name] of themes) {
      await page.keyboard.press('Escape');
      await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
      await pickColorTheme(page, theme);
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
      // VS Code puts the theme kind on the webview's body, with the theme's colours in the same step.
      const body = chatFrame(page).locator(`body.${kind}`);
      await body.waitFor({ state: 'attached', timeout: 15_000 });
      // The page's colours follow on its next frames: wait for two to be painted.
      await body.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
      await wb.screenshot(name);
    }
  });
});
