// Helpers shared by the chat e2e test and the chat benchmark: a provider test server wired in as
// a keyless custom provider, and the chat webview's frame in the real workbench.
import type { FrameLocator, Page } from 'playwright-core';
import { TIMING } from '../../src/webview/timingMarks';
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
 * VS Code ignores a click on an activity-bar icon that comes within this long of the icon's last one
 * ("to help nervous people": ViewContainerActivityAction.preventDoubleClickDelay, by the page's Date.now()).
 */
const ACTIVITY_DOUBLE_CLICK_GUARD_MS = 300;

/**
 * Closes the panel as a writer would: a second click on the active container's icon hides the side
 * bar, and the page with it. Returns once the side bar is gone and the activity bar takes clicks
 * again: VS Code's guard against a double click has run out, by the page's own clock.
 */
export async function closeChatPanel(page: Page): Promise<void> {
  await activityBarIcon(page).click();
  // The click has run by now: VS Code's last-run stamp is no later than this.
  const clickedBy = await page.evaluate(() => Date.now());
  await chatFrame(page).locator('body').waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator('#workbench\\.parts\\.sidebar').waitFor({ state: 'hidden', timeout: 10_000 });
  await page.waitForFunction((until) => Date.now() > until, clickedBy + ACTIVITY_DOUBLE_CLICK_GUARD_MS);
}

/** The chat page inside VS Code's two webview iframes. */
export function chatFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

/** Wall-clock time (ms) now, as the page sees it; comparable with the chat page's marks (timeOrigin + startTime). */
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
  const t = await readPageTimings(page, [TIMING.firstPaint, TIMING.shellPaint, TIMING.scriptStart, TIMING.render]);
  return {
    firstPaintMs: t.wallClock(TIMING.firstPaint) - clickedAt,
    shellPaintMs: t.wallClock(TIMING.shellPaint) - clickedAt,
    navigationMs: t.timeOrigin - clickedAt,
    scriptMs: t.wallClock(TIMING.scriptStart) - clickedAt,
    renderMs: t.duration(TIMING.render),
  };
}

export interface PageTimings {
  /** The chat page's navigation start, wall-clock ms. */
  timeOrigin: number;
  /** A mark's time, wall-clock ms (comparable with pageNow). */
  wallClock(name: string): number;
  /** A measure's duration, ms. */
  duration(name: string): number;
}

/**
 * The chat page's User Timing entries (src/webview/timingMarks.ts), read inside its frame once all
 * of `names` are there: the page is watched for new marks and measures. A frame replaced while the
 * panel opens fails its evaluation; the next one runs in the frame that replaced it.
 */
export async function readPageTimings(page: Page, names: string[], timeoutMs = 20_000): Promise<PageTimings> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const found = await chatFrame(page)
        .locator('body')
        .evaluate(
          (_body, { wanted, waitMs }) =>
            new Promise<{ timeOrigin: number; entries: { name: string; startTime: number; duration: number }[] } | undefined>((resolve) => {
              const observer = new PerformanceObserver(() => check());
              const giveUp = setTimeout(() => finish(undefined), waitMs);
              function finish(value: Parameters<typeof resolve>[0]) {
                observer.disconnect();
                clearTimeout(giveUp);
                resolve(value);
              }
              function check() {
                const entries = wanted.map((name) => performance.getEntriesByName(name)[0]);
                if (entries.every((e) => e !== undefined)) {
                  finish({ timeOrigin: performance.timeOrigin, entries: entries.map((e) => ({ name: e.name, startTime: e.startTime, duration: e.duration })) });
                }
              }
              observer.observe({ entryTypes: ['mark', 'measure'] });
              check();
            }),
          { wanted: names, waitMs: Math.max(1, deadline - Date.now()) },
          { timeout: Math.max(1, deadline - Date.now()) },
        );
      if (found) {
        const entry = (name: string) => {
          const e = found.entries.find((x) => x.name === name);
          if (!e) throw new Error(`the chat page has no timing entry ${name}`);
          return e;
        };
        return { timeOrigin: found.timeOrigin, wallClock: (name) => found.timeOrigin + entry(name).startTime, duration: (name) => entry(name).duration };
      }
    } catch (e) {
      // The frame went away mid-evaluation: wait for the page that replaces it before asking again.
      lastError = e;
      await chatFrame(page)
        .locator('body')
        .waitFor({ state: 'attached', timeout: Math.max(1, deadline - Date.now()) })
        .catch(() => undefined);
    }
  }
  throw new Error(`the chat page did not record ${names.join(', ')} within ${timeoutMs} ms${lastError ? ` (${lastError instanceof Error ? lastError.message : String(lastError)})` : ''}`);
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
