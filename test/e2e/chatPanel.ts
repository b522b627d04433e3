// Helpers shared by the chat e2e test and the chat benchmark: a provider test server wired in as
// a keyless custom provider, and the chat webview's frame in the real workbench.
import type { FrameLocator, Page } from 'playwright-core';
import type { ProviderTestServer } from '../server/providerTestServer';

export const CHAT_MODEL = 'story-model';

/** User settings that make the test server the active provider (no key: the server wants none). */
export function testServerSettings(server: ProviderTestServer): Record<string, unknown> {
  return {
    'inkwell.providers': [
      { id: 'testserver', name: 'Test Server', kind: 'vllm', baseUrl: server.url, requiresApiKey: false, defaultModel: CHAT_MODEL },
    ],
    'inkwell.provider': 'testserver',
    'inkwell.model': CHAT_MODEL,
    'inkwell.sampling.maxTokens': 400,
  };
}

/** The activity-bar entry of Inkwell's view container. */
export function activityBarIcon(page: Page) {
  return page.locator('.activitybar .action-item a.action-label[aria-label^="Inkwell"]').first();
}

/**
 * Closes the panel as a writer would: a second click on the active container's icon hides the side
 * bar, and the page with it. Returns once the side bar is gone and the activity bar takes clicks
 * again (a click while the side bar is still closing is ignored).
 */
export async function closeChatPanel(page: Page): Promise<void> {
  await activityBarIcon(page).click();
  await chatFrame(page).locator('body').waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator('#workbench\\.parts\\.sidebar').waitFor({ state: 'hidden', timeout: 10_000 });
  await page.waitForTimeout(300);
}

/** The chat page inside VS Code's two webview iframes. */
export function chatFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

/** Wall-clock time (ms) now, as the page sees it; comparable with the webview's firstPaint mark. */
export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.timeOrigin + performance.now());
}

export interface OpenTiming {
  /** Click → first frame with the conversation in it. */
  firstPaintMs: number;
  /** Click → first frame with the panel's controls, before the conversation arrives. */
  shellPaintMs: number;
  /** Click → the chat page's navigation start, and → its script start. */
  navigationMs: number;
  scriptMs: number;
  /** Time spent building the conversation's DOM. */
  renderMs: number;
}

/** Opens the chat by clicking the activity-bar icon; returns ms from the click to the panel's first paint. */
export async function clickOpenChat(page: Page): Promise<number> {
  return (await clickOpenChatTimed(page)).firstPaintMs;
}

export async function clickOpenChatTimed(page: Page): Promise<OpenTiming> {
  const icon = activityBarIcon(page);
  await icon.waitFor({ state: 'visible' });
  const clickedAt = await page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('.activitybar .action-item a.action-label[aria-label^="Inkwell"]');
    if (!el) throw new Error('no Inkwell activity-bar icon');
    const t = performance.timeOrigin + performance.now();
    // The workbench opens views on mousedown; send the whole click sequence.
    for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click']) {
      el.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, button: 0, view: window }));
    }
    return t;
  });
  const body = chatFrame(page).locator('body[data-first-paint]');
  await body.waitFor({ state: 'attached', timeout: 20_000 });
  const read = async (name: string) => Number(await body.getAttribute(name));
  return {
    firstPaintMs: (await read('data-first-paint')) - clickedAt,
    shellPaintMs: (await read('data-shell-paint')) - clickedAt,
    navigationMs: (await read('data-navigation-start')) - clickedAt,
    scriptMs: (await read('data-script-start')) - clickedAt,
    renderMs: await read('data-render-ms'),
  };
}

/** A reply of about 150 words with the markdown a writer gets: paragraphs, a list, emphasis, a quote. */
export function markdownReplyPieces(): string[] {
  const text =
    'Here are three names that fit a river town in decline:\n\n' +
    '1. **Ashford** — plain, a little worn, the kind of name a ferryman would say without thinking.\n' +
    '2. *Mere* — short and cold; it sounds like the water has the last word.\n' +
    '3. **Coldwater Reach** — formal, the name on the old survey maps.\n\n' +
    '> The town had been called three things in a hundred years, and none of them had stuck.\n\n' +
    'If the story leans darker, *Mere* does the most work: it suggests stillness, drowning and an ending. ' +
    'Ashford keeps things grounded. You could also let the characters disagree about the name — the old ' +
    'families still say Coldwater, the newcomers say Mere — which tells the reader about the town without a word of exposition.';
  return text.split(/(?<=\s)/);
}
