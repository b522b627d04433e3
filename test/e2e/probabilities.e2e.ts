// Token probabilities in the real workbench: Continue Writing with inkwell.probabilities.topK 5 and the
// tint on, the unsure tokens tinted in the editor (read from the rendered decorations' computed style
// against the theme's colours, which must be the manifest's), a hover on one showing the probabilities
// the test server sent, and a click on one of its alternatives rerolling from that token. Screenshots
// in dark, light and both high-contrast themes.
import * as assert from 'assert';
import type { Locator } from 'playwright-core';
import { logprobsSeed, logprobsSpecFor, planLogprobs, type ProviderTestServer, type SampledToken } from '../server/providerTestServer';
import { percent, probability } from '../../src/core/logprobs/probabilityBands';
import { visibleToken } from '../../src/core/logprobs/tokenHover';
import { waitFor } from '../waitFor';
import { useWorkbench } from './harness';
import { E2E_KEY_ENV, generationItem as statusItem, startE2eServer, testServerProvider } from './e2eProvider';
import { EDITOR, cursorAfter, editorText, words } from './editorDom';
import { UI_WAIT_MS, assertManifestColours, bandOf, chooseTheme, expectedTint, hoverAt, pointAt, readTint, utf8, waitForTint } from './probabilityPage';

const MODEL = 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic';
const SCRIPT = [' The', ' door', ' creaked', ' open', ',', ' and', ' cold', ' air', ' rushed', ' in', '.'];
const SCENE = 'scene.md';
const LAST_LINE = 'Wren unlocked the shop and lit the first lamp.';
const SCENE_TEXT = `# Chapter Three\n\nThe rain had not stopped by morning. ${LAST_LINE}`;

/** The tokens the test server sent for a prompt (its own model of the wire, not Inkwell's parser). */
function sentTokens(server: ProviderTestServer, prompt: string): SampledToken[] {
  const spec = logprobsSpecFor(server.flavor, 'completions', {}, 5, logprobsSeed(MODEL, prompt));
  return planLogprobs([SCRIPT], spec, false).tokens[0];
}

describe('Token probabilities (e2e)', function () {
  this.timeout(120_000);
  const userSettings: Record<string, unknown> = {};
  let server: ProviderTestServer;
  /** The first generation's prompt as the server received it (memory and author's note included). */
  let firstPrompt = '';
  let sent: SampledToken[] = [];
  /** The hovered token's index in `sent`. */
  let target = -1;

  before(async () => {
    server = await startE2eServer(SCRIPT);
    Object.assign(userSettings, {
      ...testServerProvider(server.url),
      'inkwell.model': MODEL,
      'inkwell.probabilities.topK': 5,
      'inkwell.probabilities.tint': true,
      'workbench.colorTheme': 'Default Dark Modern',
      'files.autoSave': 'off',
    });
  });
  after(async () => {
    await server?.close();
  });

  const wb = useWorkbench({ userSettings, env: E2E_KEY_ENV, files: { [SCENE]: SCENE_TEXT } });
  const generationItem = () => statusItem(wb.page);

  it('tints the unsure tokens of a continuation by the probabilities the server sent', async () => {
    await wb.openFile(SCENE);
    await cursorAfter(wb.page, LAST_LINE);
    await wb.page.keyboard.press('Control+Alt+Enter');
    await generationItem().filter({ hasText: `${SCRIPT.length} tokens` }).filter({ hasNotText: 'tok/s' }).waitFor({ timeout: UI_WAIT_MS });
    const [request] = server.requests.filter((r) => r.path.endsWith('/completions') && r.body !== undefined);
    assert.equal(request.body.logprobs, 5, 'Continue Writing asked for the top 5');
    firstPrompt = String(request.body.prompt);
    assert.ok(firstPrompt.includes(LAST_LINE), 'the prompt holds the text before the cursor');
    assert.equal(words(await editorText(wb.page)), words(SCENE_TEXT + SCRIPT.join('')));

    sent = sentTokens(server, firstPrompt);
    const expected = expectedTint([sent]);
    const unsure = sent.filter((t) => bandOf(Math.exp(t.logprob))).length;
    assert.ok(unsure > 1 && unsure < SCRIPT.length, `the script has sure and unsure tokens: ${expected.join(', ')}`);
    await waitForTint(wb.page, expected);
    await assertManifestColours(wb.page, 'dark');
    await wb.screenshot('probabilities-1-tint-dark');
  });

  /** Where the hovered token shows. */
  const targetPoint = async () => {
    const token = sent[target];
    return pointAt((await readTint(wb.page)).runs, bandOf(Math.exp(token.logprob))!, utf8(token.bytes));
  };
  const heading = async (hover: Locator) => (await hover.locator('p', { has: wb.page.locator('strong') }).first().innerText()).trim();

  it('hovering a tinted token shows its probability, the alternatives with theirs, the chosen one marked', async () => {
    // The least sure token after the first (so that some generated text comes before it).
    target = sent.reduce((best, t, i) => (i > 0 && t.logprob < sent[best].logprob ? i : best), 1);
    const token = sent[target];
    const text = utf8(token.bytes);
    const hover = await hoverAt(wb.page, await targetPoint());

    assert.equal(await heading(hover), `${visibleToken(text)} ${percent(probability(token.logprob))}`);
    const rows = await hover.locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
    const expectedRows = token.top.map((alt) => [utf8(alt.bytes) === text ? '✓' : '', visibleToken(utf8(alt.bytes)), percent(Math.exp(alt.logprob))]);
    const listed = token.top.reduce((sum, alt) => sum + Math.exp(alt.logprob), 0);
    expectedRows.push(['', 'others', percent(1 - listed)]);
    assert.deepEqual(rows, expectedRows);
    // Every alternative but the chosen one is a link; so is "Reroll from here".
    const links = await hover.locator('table a').allInnerTexts();
    assert.deepEqual(links.map((l) => l.trim()), token.top.map((alt) => utf8(alt.bytes)).filter((t) => t !== text).map(visibleToken));
    await hover.locator('a', { hasText: 'Reroll from here' }).waitFor();
    await wb.screenshot('probabilities-2-hover-dark');
  });

  it('the tint and the hover read in light and high-contrast themes', async () => {
    const expected = expectedTint([sent]);
    const title = `${visibleToken(utf8(sent[target].bytes))} ${percent(probability(sent[target].logprob))}`;
    const themes = [
      ['Light Modern', 'vs', 'light', 'light'],
      ['Dark High Contrast', 'hc-black', 'high-contrast', 'highContrast'],
      ['Light High Contrast', 'hc-light', 'high-contrast-light', 'highContrastLight'],
    ] as const;
    for (const [theme, workbenchClass, name, kind] of themes) {
      await chooseTheme(wb.page, theme, workbenchClass);
      // The same tokens in the same bands, now in this theme's colours.
      await waitForTint(wb.page, expected);
      await assertManifestColours(wb.page, kind);
      const hover = await hoverAt(wb.page, await targetPoint());
      assert.equal(await heading(hover), title);
      await wb.screenshot(`probabilities-3-hover-${name}`);
    }
    await chooseTheme(wb.page, 'Dark Modern', 'vs-dark');
    await waitForTint(wb.page, expected);
  });

  it('clicking an alternative rerolls from that token: the exact prompt is sent and the text after it is written anew', async () => {
    const token = sent[target];
    const text = utf8(token.bytes);
    // An alternative that is not the chosen token (and not a line break, to keep the text on one line).
    const chosen = token.top.map((alt) => utf8(alt.bytes)).find((t) => t !== text && !/\s$/.test(t))!;
    const hover = await hoverAt(wb.page, await targetPoint());
    const link = hover.locator('table a', { hasText: new RegExp(`^${visibleToken(chosen)}$`) });
    assert.equal(await link.getAttribute('title'), 'Reroll with this token');
    await link.click();

    const before = SCRIPT.slice(0, target).join('');
    const generations = () => server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/completions') && r.body !== undefined);
    const reroll = await waitFor('the reroll request', () => generations()[1], UI_WAIT_MS);
    assert.equal(reroll.body.prompt, `${firstPrompt}${before}${chosen}`, 'the reroll prompt');
    assert.equal(reroll.body.logprobs, 5);
    await generationItem().filter({ hasText: 'rerolled' }).waitFor({ timeout: UI_WAIT_MS });
    const expectedText = words(`${SCENE_TEXT}${before}${chosen}${SCRIPT.join('')}`);
    await waitFor('the rerolled text in the editor', async () => words(await editorText(wb.page)) === expectedText, UI_WAIT_MS).catch(async () =>
      assert.equal(words(await editorText(wb.page)), expectedText),
    );
    assert.equal(generations().length, 2, 'one request for the reroll');

    // The tokens before the reroll keep their tint; the chosen one has none (it was not sampled); the new text has its own.
    const expected = expectedTint([sent.slice(0, target), sentTokens(server, String(reroll.body.prompt))]);
    await wb.page.mouse.move(5, 5);
    await waitForTint(wb.page, expected);
    // The replaced text is kept as the first alternative at the spot; the reroll is the second, shown.
    await wb.page.locator(`${EDITOR} .codelens-decoration`).filter({ hasText: '2/2' }).first().waitFor({ timeout: UI_WAIT_MS });
    await wb.screenshot('probabilities-4-rerolled-dark');
  });
});
