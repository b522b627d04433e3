// Token probabilities in the real workbench: Continue Writing with inkwell.probabilities.topK 5 and the
// tint on, the unsure tokens tinted in the editor (read from the rendered decorations' computed style
// against the theme's colours, which must be the manifest's), a hover on one showing the probabilities
// the test server sent, and a click on one of its alternatives rerolling from that token. Screenshots
// in dark, light and both high-contrast themes.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { startProviderTestServer, logprobsSeed, logprobsSpecFor, planLogprobs, type ProviderTestServer, type SampledToken } from '../server/providerTestServer';
import { TINT_UNDERLINE_WIDTH, percent, probability } from '../../src/core/logprobs/probabilityBands';
import { visibleToken } from '../../src/core/logprobs/tokenHover';
import { waitFor } from '../waitFor';
import { repoRoot } from '../host/codeServerHost';
import { pickColorTheme, useWorkbench } from './harness';
import { EDITOR, cursorAfter, editorText, words } from './editorDom';

const KEY = 'e2e-key';
const MODEL = 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic';
const SCRIPT = [' The', ' door', ' creaked', ' open', ',', ' and', ' cold', ' air', ' rushed', ' in', '.'];
const SCENE = 'scene.md';
const LAST_LINE = 'Wren unlocked the shop and lit the first lamp.';
const SCENE_TEXT = `# Chapter Three\n\nThe rain had not stopped by morning. ${LAST_LINE}`;
const UI_WAIT_MS = 20_000;

type Band = 'low' | 'middle' | 'high';
const BAND_STYLE: Record<Band, string> = { low: 'solid', middle: 'dashed', high: 'dotted' };

/** The same bands as the tint, written out here: under 10% low, under 40% middle, under 80% high. */
function bandOf(p: number): Band | undefined {
  return p < 0.1 ? 'low' : p < 0.4 ? 'middle' : p < 0.8 ? 'high' : undefined;
}

const utf8 = (bytes: number[]) => new TextDecoder().decode(Uint8Array.from(bytes));

/** The tokens the test server sent for a prompt (its own model of the wire, not Inkwell's parser). */
function sentTokens(server: ProviderTestServer, prompt: string): SampledToken[] {
  const spec = logprobsSpecFor(server.flavor, 'completions', {}, 5, logprobsSeed(MODEL, prompt));
  return planLogprobs([SCRIPT], spec, false).tokens[0];
}

/** A stretch of text that one band's tint covers, as the editor shows it, and where each character is. */
interface TintRun {
  band: Band;
  text: string;
  points: { x: number; y: number }[];
}

interface TintReading {
  runs: TintRun[];
  /** For a failure's message: the bands' styles, and the styles of the editor's decoration overlays. */
  probes: Record<string, string>;
  seen: string[];
}

/**
 * The editor's tint, in reading order. Monaco draws a decoration's background and border as a div in
 * the view's overlay layer (adjacent ranges of one type as one div), not on the text's spans: a div is
 * in a band when its computed background and bottom border are those of a probe styled with the band's
 * theme colours, so the check holds in every theme and fails when the colours do not reach the editor.
 * Each rendered character is then given the band of the div under it, and runs of one band read off.
 */
async function readTint(page: Page): Promise<TintReading> {
  return page.evaluate(
    ({ editor, styles, width }) => {
      const root = document.querySelector('.monaco-workbench')!;
      const looks = (el: Element) => {
        const s = getComputedStyle(el);
        return `${s.backgroundColor}|${s.borderBottomColor}|${s.borderBottomStyle}|${s.borderBottomWidth}`;
      };
      const bands: Record<string, string> = {};
      for (const [band, style] of Object.entries(styles)) {
        const probe = document.createElement('div');
        probe.style.backgroundColor = `var(--vscode-inkwell-probability-${band})`;
        probe.style.borderStyle = style;
        probe.style.borderColor = `var(--vscode-inkwell-probability-${band}Border)`;
        probe.style.borderWidth = `0 0 ${width} 0`;
        root.appendChild(probe);
        bands[looks(probe)] = band;
        probe.remove();
      }
      const seen = new Set<string>();
      const overlays: { band: string; rect: DOMRect }[] = [];
      for (const div of document.querySelectorAll(`${editor} .view-overlays > div > div`)) {
        seen.add(`${looks(div)} ${div.className}`);
        const band = bands[looks(div)];
        if (band) overlays.push({ band, rect: div.getBoundingClientRect() });
      }
      const lines = [...document.querySelectorAll(`${editor} .view-lines .view-line`)].sort(
        (a, b) => (parseFloat((a as HTMLElement).style.top) || 0) - (parseFloat((b as HTMLElement).style.top) || 0),
      );
      const runs: { band: string; text: string; points: { x: number; y: number }[] }[] = [];
      let current: (typeof runs)[number] | undefined;
      const range = document.createRange();
      for (const line of lines) {
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? '';
          for (let i = 0; i < text.length; i++) {
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const r = range.getBoundingClientRect();
            const x = r.left + r.width / 2;
            const y = r.top + r.height / 2;
            const band = overlays.find((o) => x >= o.rect.left && x < o.rect.right && y >= o.rect.top && y < o.rect.bottom)?.band ?? '';
            if (current?.band !== band) runs.push((current = { band, text: '', points: [] }));
            current.text += text[i] === '\u00a0' ? ' ' : text[i];
            current.points.push({ x, y });
          }
        }
      }
      return {
        runs: runs.filter((run) => run.band !== '' && run.text.trim() !== '') as TintRun[],
        probes: Object.fromEntries(Object.entries(bands).map(([k, v]) => [v, k])),
        seen: [...seen],
      };
    },
    { editor: EDITOR, styles: BAND_STYLE, width: TINT_UNDERLINE_WIDTH },
  );
}

/**
 * What the tint should show for the given generations' tokens (each generation's in order, its text
 * unbroken): the unsure ones by band, neighbours of one band as one run, trimmed (the first token's
 * leading space is the seam with the text before, outside the tint).
 */
function expectedTint(generations: readonly (readonly SampledToken[])[]): string[] {
  const runs: string[] = [];
  for (const tokens of generations) {
    let band: Band | undefined;
    let text = '';
    for (const t of [...tokens, undefined]) {
      const next = t && bandOf(Math.exp(t.logprob));
      if (t && next === band) {
        text += utf8(t.bytes);
        continue;
      }
      if (band) runs.push(`${band}:${text.trim()}`);
      band = next;
      text = t ? utf8(t.bytes) : '';
    }
  }
  return runs;
}
const shownTint = (runs: readonly TintRun[]) => runs.map((r) => `${r.band}:${r.text.trim()}`);

/** Waits until the editor's tint is `expected`, and returns its runs. */
async function waitForTint(page: Page, expected: string[]): Promise<TintRun[]> {
  let last: TintReading = { runs: [], probes: {}, seen: [] };
  try {
    return await waitFor('the tint', async () => {
      last = await readTint(page);
      return shownTint(last.runs).join('\n') === expected.join('\n') ? last.runs : undefined;
    }, UI_WAIT_MS);
  } catch (error) {
    const styles = `bands: ${JSON.stringify(last.probes)}\nthe editor's overlays: ${JSON.stringify(last.seen)}`;
    assert.deepEqual(shownTint(last.runs), expected, `the tinted tokens in the editor\n${styles}`);
    throw error;
  }
}

/** Where the token `text` shows inside a tinted run of its band (the middle of its visible characters). */
function pointAt(runs: readonly TintRun[], band: Band, text: string): { x: number; y: number } {
  const word = text.trim();
  const run = runs.find((r) => r.band === band && r.text.includes(word));
  assert.ok(run, `"${word}" is tinted ${band}`);
  return run.points[run.text.indexOf(word) + Math.floor(word.length / 2)];
}

type ThemeKind = 'dark' | 'light' | 'highContrast' | 'highContrastLight';

/**
 * Holds the workbench's band colours to the manifest's defaults for the theme kind: both as computed
 * by the browser, so that a colour that is not registered (and so falls back alike in the probe and in
 * the editor) cannot pass for one that is.
 */
async function assertManifestColours(page: Page, kind: ThemeKind): Promise<void> {
  // The workbench can paint before it wears the theme the settings name: wait for the theme's class.
  const themeClass: Record<ThemeKind, string> = { dark: 'vs-dark', light: 'vs', highContrast: 'hc-black', highContrastLight: 'hc-light' };
  await page.locator(`.monaco-workbench.${themeClass[kind]}`).waitFor({ state: 'attached', timeout: UI_WAIT_MS });
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as {
    contributes: { colors: { id: string; defaults: Record<ThemeKind, string> }[] };
  };
  const colour = (id: string) => manifest.contributes.colors.find((c) => c.id === id)!.defaults[kind];
  const pairs = Object.keys(BAND_STYLE).map((band) => ({
    band,
    variables: [`var(--vscode-inkwell-probability-${band})`, `var(--vscode-inkwell-probability-${band}Border)`],
    literals: [colour(`inkwell.probability.${band}`), colour(`inkwell.probability.${band}Border`)],
  }));
  const computed = await page.evaluate((list) => {
    const root = document.querySelector('.monaco-workbench')!;
    const resolve = ([background, border]: string[]) => {
      const probe = document.createElement('div');
      probe.style.backgroundColor = background;
      probe.style.borderBottom = `1px solid ${border}`;
      root.appendChild(probe);
      const s = getComputedStyle(probe);
      const out = `${s.backgroundColor} / ${s.borderBottomColor}`;
      probe.remove();
      return out;
    };
    return list.map(({ band, variables, literals }) => ({ band, theme: resolve(variables), manifest: resolve(literals) }));
  }, pairs);
  for (const { band, theme, manifest: expected } of computed) assert.equal(theme, expected, `${band} band colours in the ${kind} theme`);
}

/** The hover showing a token's probabilities (the workbench keeps hidden hover widgets in the page). */
const probabilityHover = (page: Page) => page.locator('.monaco-hover', { hasText: 'probability' }).filter({ visible: true }).first();

/** The probability hover, after moving the mouse off the text and onto the point. */
async function hoverAt(page: Page, point: { x: number; y: number }) {
  await page.keyboard.press('Escape');
  const box = (await page.locator(`${EDITOR} .view-lines`).boundingBox())!;
  await page.mouse.move(box.x + box.width - 5, box.y + box.height - 5);
  await probabilityHover(page).waitFor({ state: 'hidden', timeout: UI_WAIT_MS });
  await page.mouse.move(point.x - 1, point.y, { steps: 2 });
  await page.mouse.move(point.x, point.y, { steps: 2 });
  const hover = probabilityHover(page);
  await hover.locator('table').waitFor({ timeout: UI_WAIT_MS });
  // The widget fades in: a screenshot taken during the fade shows it washed out.
  await hover.evaluate((el) =>
    Promise.all(
      el.ownerDocument
        .getAnimations()
        .filter((a) => {
          const target = (a.effect as KeyframeEffect | null)?.target;
          return target instanceof Element && (target.contains(el) || el.contains(target));
        })
        .map((a) => a.finished),
    ),
  );
  return hover;
}

/** Picks a colour theme through the palette and waits for the workbench to wear it. */
async function chooseTheme(page: Page, theme: string, workbenchClass: string): Promise<void> {
  await page.keyboard.press('Escape');
  await pickColorTheme(page, theme, UI_WAIT_MS);
  await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ state: 'attached', timeout: UI_WAIT_MS });
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_WAIT_MS });
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
    server = await startProviderTestServer({ flavor: 'litellm', apiKeys: [KEY], script: SCRIPT, maxLifetimeMs: 10 * 60_000 });
    Object.assign(userSettings, {
      'inkwell.providers': [{ id: 'infermatic-e2e', name: 'Infermatic (test server)', kind: 'litellm', baseUrl: server.url, apiKeyEnvVar: 'INKWELL_E2E_KEY', requiresApiKey: true }],
      'inkwell.provider': 'infermatic-e2e',
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

  const wb = useWorkbench({ userSettings, env: { INKWELL_E2E_KEY: KEY }, files: { [SCENE]: SCENE_TEXT } });
  const generationItem = () => wb.page.locator('[id="inkwell.inkwell.inkwell.generation"]');

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
