// In a real workbench: Set API Key from the command palette against the provider test server
// (as Infermatic, at the address the user settings give), the confirmation, Select Model filled from
// the server's list, the status bar after the choice, and a wrong key refused by the provider.
import * as assert from 'assert';
import type { Page } from 'playwright-core';
import { DEFAULT_MODELS, startProviderTestServer, type ProviderTestServer } from '../server/providerTestServer';
import { useWorkbench } from './harness';

const GOOD_KEY = 'e2e-key';
const WRONG_KEY = 'sk-wrong-e2e-0000';
const QUICK_INPUT = '.quick-input-widget';
const CHOSEN = 'TheDrummer-Rocinante-12B-v1.1';

/**
 * The notification whose message contains `text`, in the notification centre. With the smoke-test
 * driver on (which the development payload needs) the workbench shows no toasts at all: every
 * notification goes straight to the centre, so open it from the bell in the status bar.
 */
async function notification(page: Page, text: string | RegExp) {
  const center = page.locator('.notifications-center');
  if (!(await center.isVisible())) {
    await page.locator('[id="status.notifications"]').click();
    // The bell's hover would cover the notification's buttons.
    await page.mouse.move(300, 300);
  }
  const item = center.locator('.notification-list-item', { hasText: text }).first();
  await item.waitFor();
  return item;
}

/** VS Code keeps a progress notification up for at least 800 ms; wait it out for a clean screenshot. */
async function progressGone(page: Page): Promise<void> {
  await page.locator('.notification-list-item', { hasText: 'checking your' }).waitFor({ state: 'detached', timeout: 5000 });
}

/** Types `filter` into the open quick pick and accepts the row it focuses. */
async function pick(page: Page, filter: string, row: RegExp | string): Promise<void> {
  await page.locator(`${QUICK_INPUT} input.input`).fill(filter);
  await page.locator(`${QUICK_INPUT} .monaco-list-row.focused`, { hasText: row }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** The labels of the rows the open quick pick shows. */
async function quickPickLabels(page: Page): Promise<string[]> {
  const labels = await page.locator(`${QUICK_INPUT} .monaco-list-row .label-name`).allInnerTexts();
  return labels.map((l) => l.trim()).filter(Boolean);
}

/** Runs Set API Key, picks Infermatic and types `key` into the password box. */
async function enterKey(wb: ReturnType<typeof useWorkbench>, key: string, screenshotPrefix: string): Promise<void> {
  await wb.runCommand('Inkwell: Set API Key');
  const input = wb.page.locator(`${QUICK_INPUT} input.input`);
  await wb.page.locator(`${QUICK_INPUT} .monaco-list-row`, { hasText: 'Infermatic' }).first().waitFor();
  await wb.screenshot(`${screenshotPrefix}-1-provider-pick`);
  await pick(wb.page, 'Infermatic', 'Infermatic');

  await wb.page.locator(`${QUICK_INPUT} input.input[type="password"]`).waitFor();
  await wb.page.locator(QUICK_INPUT, { hasText: 'API key for Infermatic' }).waitFor();
  await input.pressSequentially(key);
  assert.equal(await input.getAttribute('type'), 'password', 'the key box does not hide what is typed');
  await wb.screenshot(`${screenshotPrefix}-2-password-box`);
  await wb.page.keyboard.press('Enter');
}

describe('API key and model (e2e)', function () {
  this.timeout(90_000);
  const userSettings: Record<string, unknown> = {};
  let server: ProviderTestServer;

  // Runs before useWorkbench's `before`, so the workbench starts pointed at the server.
  before(async () => {
    server = await startProviderTestServer({ flavor: 'litellm', apiKeys: [GOOD_KEY], maxLifetimeMs: 10 * 60_000 });
    Object.assign(userSettings, { 'inkwell.infermatic.baseUrl': server.url, 'inkwell.provider': 'infermatic' });
  });
  after(async () => {
    await server?.close();
  });

  // No key in the environment either: the extension host inherits it through code-server.
  const wb = useWorkbench({ userSettings, env: { INFERMATIC_API_KEY: '' } });
  const modelItem = () => wb.page.locator('[id="inkwell.inkwell.inkwell.model"]');

  it('shows that no key is set', async () => {
    await wb.openFile('chapter-01.md');
    await modelItem().filter({ hasText: 'Infermatic' }).waitFor();
    assert.ok(await modelItem().locator('.codicon-key').count(), 'the status bar does not say a key is missing');
    await wb.screenshot('apikey-0-no-key');
  });

  it('stores a key, confirms it against the provider, and picks a model from its list', async () => {
    await enterKey(wb, GOOD_KEY, 'apikey');

    const confirmation = await notification(wb.page, 'key works');
    const message = await confirmation.locator('.notification-list-item-message').innerText();
    assert.match(message, new RegExp(`Infermatic key works \\(${DEFAULT_MODELS.length} models available\\)`));
    assert.ok(!message.includes(GOOD_KEY), 'the key is shown in the confirmation');
    const listed = server.requests.filter((r) => r.path.endsWith('/models'));
    assert.ok(listed.length > 0, 'the key was not checked against the model list');
    assert.equal(listed[listed.length - 1].authorization, `Bearer ${GOOD_KEY}`);
    await progressGone(wb.page);
    await wb.screenshot('apikey-3-confirmation');

    await confirmation.locator('.monaco-button', { hasText: 'Select Model' }).click();
    await wb.page.locator(QUICK_INPUT, { hasText: 'Infermatic models' }).waitFor();
    await wb.page.locator(`${QUICK_INPUT} .monaco-list-row`, { hasText: CHOSEN }).first().waitFor();
    const labels = await quickPickLabels(wb.page);
    for (const { id } of DEFAULT_MODELS) assert.ok(labels.includes(id), `${id} is not in the quick pick: ${labels.join(' | ')}`);
    await wb.screenshot('apikey-4-model-list');

    await pick(wb.page, 'Rocinante', CHOSEN);
    await modelItem().filter({ hasText: 'Rocinante-12B-v1.1' }).waitFor();
    const text = (await modelItem().innerText()).trim();
    assert.match(text, /Infermatic · TheDrummer-Rocinante-12B-v1\.1$/);
    assert.equal(await modelItem().locator('.codicon-key').count(), 0, 'the status bar still says a key is missing');
    await wb.screenshot('apikey-5-status-bar');
  });

  it('shows the provider’s refusal of a wrong key, without the key', async () => {
    await enterKey(wb, WRONG_KEY, 'apikey-wrong');
    const refusal = await notification(wb.page, 'refused this key');
    const message = await refusal.locator('.notification-list-item-message').innerText();
    assert.match(message, /Infermatic refused this key/);
    assert.match(message, /refused this key, so it was not saved/);
    assert.ok(!message.includes(WRONG_KEY) && !message.includes(WRONG_KEY.slice(-8)), `the key leaks into the message: ${message}`);
    await refusal.locator('.monaco-button', { hasText: 'Enter Another Key' }).waitFor();
    const tried = server.requests.filter((r) => r.path.endsWith('/models') && r.authorization === `Bearer ${WRONG_KEY}`);
    assert.equal(tried.at(-1)?.status, 401);
    await progressGone(wb.page);
    await wb.screenshot('apikey-wrong-3-refusal');
  });
});
