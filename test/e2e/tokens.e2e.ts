// In a real workbench: the token count in the status bar follows the selection, and its
// tooltip says which tokenizer counted and how much room is left.
import * as assert from 'assert';
import { useWorkbench } from './harness';

const EDITOR = '.editor-group-container.active .monaco-editor';

describe('token count in the status bar (e2e)', function () {
  this.timeout(90_000);
  // AI/ML API's magnum-v4-72b counts with the Qwen2.5 tokenizer shipped with Inkwell: no server needed.
  const wb = useWorkbench({
    userSettings: { 'inkwell.provider': 'aimlapi', 'inkwell.model': 'anthracite-org/magnum-v4-72b', 'inkwell.aimlapi.baseUrl': 'http://127.0.0.1:9/v1' },
  });
  const tokenItem = () => wb.page.locator('[id="inkwell.inkwell.inkwell.tokens"]');

  it('counts the document, then the selection, with the model’s tokenizer', async () => {
    await wb.openFile('chapter-01.md');
    await wb.page.locator(`${EDITOR} .view-lines`, { hasText: 'Lamplighter' }).waitFor();
    // The estimate (≈) shows first; the exact count follows once the worker has loaded the vocabulary.
    await tokenItem().filter({ hasText: /^[^≈]*\d[\d,]* tokens · <?\d+% of 32k/ }).waitFor({ timeout: 30_000 });
    const whole = await tokenItem().innerText();
    const documentCount = Number(/([\d,]+) tokens/.exec(whole)![1].replace(/,/g, ''));
    assert.ok(documentCount > 150 && documentCount < 600, whole);
    assert.ok(!whole.includes('≈'), `the count is an estimate: ${whole}`);

    // Select the first line, "# Chapter One: The Lamplighter's Apprentice".
    await wb.page.locator(`${EDITOR} .view-line`, { hasText: 'Chapter One' }).first().click();
    await wb.page.keyboard.press('Home');
    await wb.page.keyboard.press('Shift+End');
    await wb.page.waitForFunction(
      ({ selector, before }) => {
        const text = document.querySelector(selector)?.textContent ?? '';
        return /tokens/.test(text) && !text.includes('≈') && text !== before;
      },
      { selector: '[id="inkwell.inkwell.inkwell.tokens"]', before: await tokenItem().textContent() },
      { timeout: 15_000 },
    );
    const selection = await tokenItem().innerText();
    const selectionCount = Number(/([\d,]+) tokens/.exec(selection)![1].replace(/,/g, ''));
    assert.ok(selectionCount >= 8 && selectionCount <= 14, selection);

    await tokenItem().hover();
    const hover = wb.page.locator('.monaco-hover', { hasText: 'Qwen2' }).first();
    await hover.waitFor({ timeout: 10_000 });
    assert.match(await hover.innerText(), /Room left for a reply of 300 tokens/);
    await wb.screenshot('tokens-selection-tooltip');
  });
});
