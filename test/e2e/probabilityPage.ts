// The probability tint and hover as the workbench draws them, for probabilities.e2e.ts: the tint read
// off the editor's rendered decorations against probes in the theme's colours (and the colours held
// to the manifest's), the tint a list of tokens should give, and the hover over one token.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import type { SampledToken } from '../server/providerTestServer';
import { TINT_UNDERLINE_WIDTH } from '../../src/core/logprobs/probabilityBands';
import { waitFor } from '../waitFor';
import { repoRoot } from '../host/codeServerHost';
import { pickColorTheme } from './harness';
import { EDITOR } from './editorDom';

export const UI_WAIT_MS = 20_000;

export type Band = 'low' | 'middle' | 'high';
const BAND_STYLE: Record<Band, string> = { low: 'solid', middle: 'dashed', high: 'dotted' };

/** The same bands as the tint, written out here: under 10% low, under 40% middle, under 80% high. */
export function bandOf(p: number): Band | undefined {
  return p < 0.1 ? 'low' : p < 0.4 ? 'middle' : p < 0.8 ? 'high' : undefined;
}

export const utf8 = (bytes: number[]) => new TextDecoder().decode(Uint8Array.from(bytes));

/** A stretch of text that one band's tint covers, as the editor shows it, and where each character is. */
export interface TintRun {
  band: Band;
  text: string;
  points: { x: number; y: number }[];
}

export interface TintReading {
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
export async function readTint(page: Page): Promise<TintReading> {
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
export function expectedTint(generations: readonly (readonly SampledToken[])[]): string[] {
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
export async function waitForTint(page: Page, expected: string[]): Promise<TintRun[]> {
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
export function pointAt(runs: readonly TintRun[], band: Band, text: string): { x: number; y: number } {
  const word = text.trim();
  const run = runs.find((r) => r.band === band && r.text.includes(word));
  assert.ok(run, `"${word}" is tinted ${band}`);
  return run.points[run.text.indexOf(word) + Math.floor(word.length / 2)];
}

export type ThemeKind = 'dark' | 'light' | 'highContrast' | 'highContrastLight';

/**
 * Holds the workbench's band colours to the manifest's defaults for the theme kind: both as computed
 * by the browser, so that a colour that is not registered (and so falls back alike in the probe and in
 * the editor) cannot pass for one that is.
 */
export async function assertManifestColours(page: Page, kind: ThemeKind): Promise<void> {
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
export async function hoverAt(page: Page, point: { x: number; y: number }) {
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
export async function chooseTheme(page: Page, theme: string, workbenchClass: string): Promise<void> {
  await page.keyboard.press('Escape');
  await pickColorTheme(page, theme, UI_WAIT_MS);
  await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ state: 'attached', timeout: UI_WAIT_MS });
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_WAIT_MS });
}
