// A writer's first hour in a real workbench: Inkwell: Get Started opens the walkthrough from the
// command palette, and each step ticks itself off when the writer does what it asks — choose a
// provider (a local server, so the key step is done at once), pick a model, continue a sample
// passage, open the chat. The steps are done through the walkthrough's own buttons, as a writer
// would; the palette is used only where the walkthrough is not on screen.
import * as assert from 'assert';
import type { Page } from 'playwright-core';
import { DEFAULT_MODELS, startProviderTestServer, type ProviderTestServer } from '../server/providerTestServer';
import { activityBarIcon, chatFrame } from './chatPanel';
import { useWorkbench } from './harness';

const QUICK_INPUT = '.quick-input-widget';
const STEPS = ['chooseProvider', 'setApiKey', 'selectModel', 'continueWriting', 'openChat'] as const;
type Step = (typeof STEPS)[number];

function stepButton(page: Page, step: Step) {
  // VS Code names an extension's steps `<extension id>#<walkthrough id>#<step id>`.
  return page.locator(`.gettingStartedContainer button.getting-started-step[data-step-id$="#${step}"]`);
}

async function doneSteps(page: Page): Promise<Step[]> {
  const done: Step[] = [];
  for (const step of STEPS) {
    if ((await stepButton(page, step).getAttribute('aria-checked')) === 'true') done.push(step);
  }
  return done;
}

/** Waits until exactly `expected` are ticked, and says which are when they never are. */
async function waitForDone(page: Page, expected: Step[]): Promise<void> {
  const ticked = await page
    .waitForFunction(
      (want) => {
        const buttons = document.querySelectorAll('.gettingStartedContainer button.getting-started-step[aria-checked="true"]');
        const ids = [...buttons].map((b) => b.getAttribute('data-step-id')?.split('#').pop());
        return JSON.stringify(ids) === JSON.stringify(want);
      },
      expected,
      { timeout: 15_000 },
    )
    .then(() => true, () => false);
  if (!ticked) assert.deepStrictEqual(await doneSteps(page), expected, 'the walkthrough ticked other steps');
}

/**
 * Filters the open pick and clicks the row. A click, not Enter: the walkthrough moves keyboard focus
 * to its next step a moment after a step's button runs its command (the pick stays open, since it
 * ignores focus-out), and on a slow machine an Enter would land on the walkthrough.
 */
async function pick(page: Page, filter: string, row: string): Promise<void> {
  await page.locator(`${QUICK_INPUT} input.input`).fill(filter);
  const target = page.locator(`${QUICK_INPUT} .monaco-list-row`, { hasText: row }).first();
  await target.waitFor();
  await target.click();
  await quickInputClosed(page);
}

/** The pick has gone: the next F1 opens a fresh palette instead of typing into the closing pick. */
async function quickInputClosed(page: Page): Promise<void> {
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
}

/** As a writer would: open the step, then press the button its description offers. */
async function clickStepButton(page: Page, step: Step, label: string): Promise<void> {
  await stepButton(page, step).click();
  await page.locator('.gettingStartedContainer').getByRole('button', { name: label }).first().click();
}

/** Runs a command that opens no pick of its own, and waits for the palette to close. */
async function run(wb: ReturnType<typeof useWorkbench>, title: string): Promise<void> {
  await wb.runCommand(title);
  await quickInputClosed(wb.page);
}

async function showWalkthrough(wb: ReturnType<typeof useWorkbench>): Promise<void> {
  await run(wb, 'Inkwell: Get Started');
  await wb.page.locator('.gettingStartedContainer', { hasText: 'Get started with Inkwell' }).first().waitFor();
}

describe('Getting Started walkthrough (e2e)', function () {
  this.timeout(120_000);
  const userSettings: Record<string, unknown> = {};
  let server: ProviderTestServer;

  before(async () => {
    server = await startProviderTestServer({ flavor: 'vllm', requireAuth: false, maxLifetimeMs: 10 * 60_000 });
    Object.assign(userSettings, {
      'inkwell.provider': 'infermatic',
      'inkwell.providers': [{ id: 'local', name: 'Local story server', kind: 'vllm', baseUrl: `${server.url}/v1`, requiresApiKey: false }],
    });
  });
  after(async () => {
    await server?.close();
  });

  // Infermatic without a key to start with: nothing in the walkthrough is done yet.
  const wb = useWorkbench({ userSettings, env: { INFERMATIC_API_KEY: '' } });

  it('opens from the command palette with no step done', async () => {
    // The palette lists an extension's commands once its host is up; Inkwell's status item says so.
    await wb.statusBarItem('Infermatic').first().waitFor();
    await showWalkthrough(wb);
    for (const step of STEPS) await stepButton(wb.page, step).waitFor();
    await waitForDone(wb.page, []);
    await wb.screenshot('walkthrough-1-opened');
  });

  it('ticks off the provider and, for a server without keys, the key step', async () => {
    await clickStepButton(wb.page, 'chooseProvider', 'Select Provider');
    await pick(wb.page, 'Local story', 'Local story server');
    await waitForDone(wb.page, ['chooseProvider', 'setApiKey']);
  });

  it('ticks off the model once one is picked', async () => {
    await clickStepButton(wb.page, 'selectModel', 'Select Model');
    const model = DEFAULT_MODELS[0].id;
    await pick(wb.page, model, model);
    await waitForDone(wb.page, ['chooseProvider', 'setApiKey', 'selectModel']);
  });

  it('ticks off Continue Writing after a continuation of the sample passage', async () => {
    await clickStepButton(wb.page, 'continueWriting', 'Open a Sample Passage');
    const editor = wb.page.locator('.monaco-editor .view-lines', { hasText: 'chandler' }).first();
    await editor.waitFor();
    const before = (await editor.innerText()).length;
    await run(wb, 'Inkwell: Continue Writing');
    // The continuation lands in the document.
    await wb.page.waitForFunction(
      ([selector, length]) => (document.querySelector(selector as string)?.textContent?.length ?? 0) > (length as number),
      ['.editor-instance .monaco-editor .view-lines', before] as const,
    );
    assert.ok(
      server.requests.some((r) => r.path.endsWith('/completions')),
      'the text grew, but Continue Writing sent nothing to the server',
    );
    await showWalkthrough(wb);
    await waitForDone(wb.page, ['chooseProvider', 'setApiKey', 'selectModel', 'continueWriting']);
  });

  it('ticks off the chat when its view opens, and shows every step done', async () => {
    // As a writer would: the Inkwell icon in the activity bar.
    await activityBarIcon(wb.page).click();
    await chatFrame(wb.page).locator('body').waitFor();
    await showWalkthrough(wb);
    await waitForDone(wb.page, [...STEPS]);
    await wb.screenshot('walkthrough-2-all-done');
  });
});
