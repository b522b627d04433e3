// What the model sees, in a real workbench: the status item over a chapter with a story folder, the view
// opened by clicking it, the lore verdicts and the bar read from the page, an update as the writer types,
// the last-sent tab after a Continue Writing, and screenshots in dark, light and high-contrast themes.
import * as assert from 'assert';
import type { FrameLocator, Page } from 'playwright-core';
import type { ProviderTestServer } from '../server/providerTestServer';
import { pickColorTheme, useWorkbench } from './harness';
import { E2E_KEY, E2E_KEY_ENV, startE2eServer, testServerProvider } from './e2eProvider';


const UI_WAIT_MS = 20_000;
const lore = (front: string, body: string) => `---\n${front}\n---\n${body}\n`;
/** The chapter's editor: with the view open beside it, the view's group may be the active one. */
const EDITOR = '.editor-group-container .monaco-editor';

/** Puts the cursor at the end of the line that shows `lineEnd`, by clicking it as the writer does. */
async function cursorAfter(page: Page, lineEnd: string): Promise<void> {
  await page.locator(`${EDITOR} .view-line`, { hasText: lineEnd }).first().click();
  await page.keyboard.press('End');
}

/** The chapter's visible text, wrapped lines joined, whitespace collapsed (the view beside it narrows the editor). */
async function visibleWords(page: Page): Promise<string> {
  const lines = await page.locator(`${EDITOR} .view-lines .view-line`).evaluateAll((nodes) =>
    nodes.map((n) => ({ top: parseFloat((n as HTMLElement).style.top) || 0, text: n.textContent ?? '' })).sort((a, b) => a.top - b.top).map((l) => l.text),
  );
  return lines.join(' ').replace(/\s+/g, ' ');
}

/** The view's page inside VS Code's two webview iframes (the only webview open in this workbench). */
function viewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

/** Picks a colour theme through the palette, as a writer does, and waits for the view's page to take it. */
async function chooseTheme(page: Page, theme: string, kind: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.locator(`${EDITOR} .view-lines`).first().click();
  await pickColorTheme(page, theme, UI_WAIT_MS);
  // VS Code puts the theme kind on the webview's body.
  const body = viewFrame(page).locator(`body.${kind}`);
  await body.waitFor({ state: 'attached', timeout: UI_WAIT_MS });
  // The page's colours follow the class on its next frames: wait for two to be painted.
  await body.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

describe('What the model sees (e2e)', function () {
  this.timeout(120_000);
  const userSettings: Record<string, unknown> = { 'workbench.colorTheme': 'Default Dark Modern', 'files.autoSave': 'off' };
  let server: ProviderTestServer;

  before(async () => {
    server = await startE2eServer([' The', ' pole', ' was', ' cold.']);
    Object.assign(userSettings, {
      ...testServerProvider(server.url),
      'inkwell.model': 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic',
      'inkwell.contextSize': 4096,
    });
  });
  after(async () => {
    await server?.close();
  });

  const wb = useWorkbench({
    userSettings,
    env: E2E_KEY_ENV,
    files: {
      'story/memory.md': 'A gaslight mystery in a city of lamplighters. Wren is seventeen and apprenticed to Master Odell.\n',
      'story/authors-note.md': '[Style: slow, sensory, close on Wren.]\n',
      'story/lore/wren.md': lore('keys: [Wren]', 'Wren: the lamplighter’s apprentice, quick and stubborn; carries her mother’s brass key.'),
      'story/lore/odell.md': lore('name: Master Odell\nkeys: [Odell]', 'Master Odell: the old lamplighter, exact and tired.'),
      'story/lore/brass-key.md': lore('keys: [brass key]', 'The brass key fits no lock in the city.'),
      'story/lore/city.md': lore('name: The City\nalwaysOn: true', 'The city burns gas; the lamps are lit by hand at dusk.'),
      'story/lore/bridge.md': lore('keys: [bridge]\nenabled: false', 'The bridge floods every spring.'),
      'story/lore/ash.md': lore('name: Ash <script>alert(1)</script>\nkeys: [Ash]', 'Ash never appears in chapter one.'),
    },
  });
  const statusItem = () => wb.page.locator('[id="inkwell.inkwell.inkwell.context"]');

  it('shows the active lore and the share of the context in the status bar, and opens the view on a click', async () => {
    await wb.openFile('chapter-01.md');
    await wb.page.locator(`${EDITOR} .view-lines`, { hasText: 'Lamplighter' }).waitFor();
    await cursorAfter(wb.page, 'your key."');
    await statusItem().filter({ hasText: /\d+ lore · \d+%/ }).waitFor({ timeout: UI_WAIT_MS });
    const text = (await statusItem().innerText()).trim();
    assert.match(text, /^4 lore · \d+%$/, text);

    await statusItem().click();
    const frame = viewFrame(wb.page);
    const next = frame.locator('[data-tab-panel="next"]');
    await next.locator('svg.bar').waitFor({ timeout: UI_WAIT_MS });
    const rows = await next.locator('table.lore tr.in, table.lore tr.out').allInnerTexts();
    const verdict = (name: string) => rows.find((r) => r.startsWith(name)) ?? `(no row for ${name})`;
    assert.match(verdict('The City'), /always on/);
    assert.match(verdict('wren'), /key “Wren” at line \d+ · \d+ matches/);
    assert.match(verdict('Master Odell'), /key “Odell” at line/);
    assert.match(verdict('brass-key'), /key “brass key” at line 17/);
    assert.match(verdict('bridge'), /disabled/);
    assert.match(verdict('Ash <script>alert(1)</script>'), /no key in the last 2,048 tokens/);
    // The hostile name is text in its cell, and no script in the page carries it.
    assert.equal(await frame.locator('script', { hasText: 'alert(1)' }).count(), 0, 'the lore name became a script');
    const shares = await next.locator('table.parts td.num:last-child').allInnerTexts();
    const sum = shares.reduce((s, t) => s + Number(t.replace('%', '')), 0);
    assert.ok(Math.abs(sum - 100) < 0.5, `shares add up to ${sum}`);
    await wb.screenshot('context-view-dark');
  });

  it('updates as the writer types, without taking the focus from the editor', async () => {
    const frame = viewFrame(wb.page);
    await cursorAfter(wb.page, 'sound was the rain.');
    await wb.page.keyboard.type(' Ash drifted down.');
    await frame.locator('[data-tab-panel="next"] table.lore tr.in', { hasText: 'Ash <script>' }).waitFor({ timeout: UI_WAIT_MS });
    assert.ok((await visibleWords(wb.page)).includes('the rain. Ash drifted down.'), 'the typed text is in the editor');
    assert.ok(await wb.page.evaluate(() => document.activeElement?.closest('.monaco-editor') !== null), 'the editor kept the focus');
  });

  it('shows the last request sent after Continue Writing, on its own tab', async () => {
    const frame = viewFrame(wb.page);
    await cursorAfter(wb.page, 'your key."');
    await wb.page.keyboard.press('Control+Alt+Enter');
    await frame.locator('button[data-tab="last"]').click();
    const last = frame.locator('[data-tab-panel="last"]');
    await last.locator('pre.body', { hasText: '"prompt"' }).waitFor({ timeout: UI_WAIT_MS });
    assert.match(await last.locator('.meta').innerText(), /sent at \d\d:\d\d:\d\d/);
    const body = JSON.parse(await last.locator('pre.body').innerText()) as { prompt: string; model: string };
    assert.equal(body.model, 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic');
    assert.ok(body.prompt.startsWith('A gaslight mystery'), body.prompt.slice(0, 80));
    assert.ok(!(await last.innerText()).includes(E2E_KEY), 'the key is not in the view');
    await wb.screenshot('context-view-last-sent-dark');
    await last.locator('pre.body').scrollIntoViewIfNeeded();
    await wb.screenshot('context-view-request-dark');
    await frame.locator('button[data-tab="next"]').click();
  });

  it('reads in light and high-contrast themes', async () => {
    for (const [theme, kind, name] of [['Light Modern', 'vscode-light', 'light'], ['Dark High Contrast', 'vscode-high-contrast', 'high-contrast']] as const) {
      await chooseTheme(wb.page, theme, kind);
      await wb.screenshot(`context-view-${name}`);
    }
  });
});
