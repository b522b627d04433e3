// Alternatives cycled in place in the real workbench: Continue Writing makes three, the CodeLens above
// the text counts them, and Alt+] swaps the next one in.
import * as assert from 'assert';
import { waitFor } from '../waitFor';
import { startProviderTestServer, type ProviderTestServer } from '../server/providerTestServer';
import { useWorkbench } from './harness';
import { EDITOR, cursorAfter, editorText, words } from './editorDom';

const PARAGRAPH_END = 'like small, impatient rivers.';
const NEXT_PARAGRAPH = 'She stood under the awning and counted the lamps';

/** What the editor shows between the paragraph's end and the next paragraph: the alternative shown. */
async function shownAlternative(text: Promise<string>): Promise<string> {
  const all = words(await text);
  return all.slice(all.indexOf(PARAGRAPH_END) + PARAGRAPH_END.length, all.indexOf(NEXT_PARAGRAPH)).trim();
}

describe('Alternatives in place (e2e)', function () {
  this.timeout(90_000);
  const userSettings: Record<string, unknown> = {};
  let server: ProviderTestServer;

  before(async () => {
    // No script: the server writes different prose for each choice of an n > 1 request.
    server = await startProviderTestServer({ flavor: 'litellm', requireAuth: false, maxStreamTokens: 12, maxLifetimeMs: 10 * 60_000 });
    Object.assign(userSettings, {
      'inkwell.providers': [{ id: 'vllm-e2e', name: 'vLLM (test server)', kind: 'vllm', baseUrl: server.url, requiresApiKey: false }],
      'inkwell.provider': 'vllm-e2e',
      'inkwell.model': 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic',
      'inkwell.alternatives.count': 3,
      'files.autoSave': 'off',
    });
  });
  after(async () => {
    await server?.close();
  });

  const wb = useWorkbench({ userSettings });

  it('makes three in one request, shows 1/3 above the text, and Alt+] swaps in the next', async () => {
    await wb.openFile('chapter-01.md');
    await cursorAfter(wb.page, PARAGRAPH_END);
    await wb.page.keyboard.press('Control+Alt+Enter');
    const lens = wb.page.locator(`${EDITOR} .codelens-decoration`);
    await lens.filter({ hasText: '1/3' }).first().waitFor({ timeout: 20_000 });
    const request = await server.waitForRequest((r) => r.path.endsWith('/completions') && r.body !== undefined, 5000);
    assert.equal(request.body.n, 3);
    const first = await shownAlternative(editorText(wb.page));
    assert.ok(first.length > 0, 'the first alternative is in the document');
    await wb.screenshot('alternatives-1-codelens');

    await wb.page.keyboard.press('Alt+BracketRight');
    await lens.filter({ hasText: '2/3' }).first().waitFor({ timeout: 10_000 });
    const second = await waitFor('the next alternative in the editor', async () => {
      const now = await shownAlternative(editorText(wb.page));
      return now !== first && now.length > 0 ? now : undefined;
    });
    assert.notEqual(second, first);
    await wb.screenshot('alternatives-2-next');

    await wb.page.keyboard.press('Alt+BracketLeft');
    await lens.filter({ hasText: '1/3' }).first().waitFor({ timeout: 10_000 });
    assert.equal(await shownAlternative(editorText(wb.page)), first);
  });
});

describe('Alternatives in place: Escape while they are still written (e2e)', function () {
  this.timeout(90_000);
  const userSettings: Record<string, unknown> = {};
  let server: ProviderTestServer;

  before(async () => {
    // OpenRouter takes no n: the first alternative and two requests of their own at once, the fourth
    // when one of those ends.
    server = await startProviderTestServer({ flavor: 'openrouter', requireAuth: false, maxStreamTokens: 12, maxLifetimeMs: 10 * 60_000 });
    Object.assign(userSettings, {
      'inkwell.providers': [{ id: 'openrouter-e2e', name: 'OpenRouter (test server)', kind: 'openrouter', baseUrl: `${server.url}/api/v1`, requiresApiKey: false }],
      'inkwell.provider': 'openrouter-e2e',
      'inkwell.model': 'anthracite-org/magnum-v4-72b',
      'inkwell.alternatives.count': 4,
      'files.autoSave': 'off',
    });
  });
  after(async () => {
    await server?.close();
  });

  const wb = useWorkbench({ userSettings });

  it('after the first is in, Escape aborts the request still streaming and none is left coming', async () => {
    // The first three requests run to their end; the fourth stalls after 3 tokens until it is stopped.
    server.setScenario([{}, {}, {}, { stall: { afterTokens: 3 } }]);
    await wb.openFile('chapter-01.md');
    await cursorAfter(wb.page, PARAGRAPH_END);
    await wb.page.keyboard.press('Control+Alt+Enter');
    const lens = wb.page.locator(`${EDITOR} .codelens-decoration`);
    await lens.filter({ hasText: '1/4 · 1 coming' }).first().waitFor({ timeout: 20_000 });
    const generations = () => server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/completions'));
    await waitFor('the fourth request streaming', () => generations().length === 4 && generations()[3].status === 200);
    await wb.statusBarItem('1 more alternative coming').waitFor({ timeout: 5000 });
    await wb.screenshot('alternatives-3-one-coming');

    await wb.page.keyboard.press('Escape');
    const stopped = await server.waitForRequest((r) => r.path.endsWith('/completions') && r.aborted, 5000);
    assert.equal(stopped.seq, generations()[3].seq, 'the stalled request was the one aborted');
    await lens.filter({ hasText: '1/4' }).filter({ hasNotText: 'coming' }).first().waitFor({ timeout: 5000 });
    await wb.statusBarItem('stopped; 3 of 4 alternatives complete').waitFor({ timeout: 5000 });
    await waitFor('every request ended', () => generations().every((r) => r.endTime !== undefined), 5000);
    assert.deepEqual(generations().map((r) => r.aborted), [false, false, false, true]);
    await wb.screenshot('alternatives-4-escape');
  });
});
