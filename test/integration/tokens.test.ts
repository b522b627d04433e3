import * as assert from 'assert';
import * as vscode from 'vscode';
import { startProviderTestServer, type ProviderTestServer } from '../server/providerTestServer';
import type { TokenStatusState } from '../../src/tokens/tokenStatusItem';
import { closeAllEditors, inkwell, openDocument, resetUserSettings, serverAsInfermatic, setUserSetting, waitFor } from './testKit';

async function shown(predicate: (s: TokenStatusState) => boolean, what: string, timeoutMs = 10_000): Promise<TokenStatusState> {
  const { tokenStatus } = await inkwell();
  return waitFor(what, () => {
    const s = tokenStatus.state;
    return s && predicate(s) ? s : undefined;
  }, timeoutMs);
}

/** The token counter's default debounce before asking the server (tokenCounter.ts, serverDebounceMs). */
const SERVER_DEBOUNCE_MS = 750;

const tokenizeCalls = (server: ProviderTestServer) => server.requests.filter((r) => r.path === '/tokenize').length;

describe('token counts in the status bar', function () {
  this.timeout(40_000);
  afterEach(async () => {
    await closeAllEditors();
    await resetUserSettings();
  });

  describe('with a vLLM server', () => {
    let server: ProviderTestServer;
    beforeEach(async () => {
      server = await startProviderTestServer({ flavor: 'vllm', requireAuth: false, maxLifetimeMs: 120_000 });
      await setUserSetting('inkwell.providers', [{ name: 'Local vLLM', kind: 'vllm', baseUrl: server.url }]);
      await setUserSetting('inkwell.provider', 'local-vllm');
      await setUserSetting('inkwell.model', 'anthracite-org/magnum-v4-72b');
    });
    afterEach(() => server.close());

    it("counts the document with the server's tokenizer against the model's context", async () => {
      await openDocument('one two three four five six seven');
      const s = await shown((s) => s.count.source === 'server' && s.count.count === 7, 'the server count of the document');
      assert.equal(s.scope, 'document');
      assert.equal(s.count.exact, true);
      assert.equal(s.context.tokens, 32768);
      assert.equal(s.text, '7 tokens · <1% of 32k');
      assert.equal(server.requests.find((r) => r.path === '/tokenize')?.body.model, 'anthracite-org/magnum-v4-72b');
    });

    it('follows the selection and edits', async () => {
      const editor = await openDocument('alpha beta gamma delta');
      await shown((s) => s.count.source === 'server' && s.count.count === 4, 'the document count');
      editor.selection = new vscode.Selection(0, 0, 0, 10);
      await shown((s) => s.scope === 'selection' && s.count.source === 'server' && s.count.count === 2, 'the selection count');
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'zeta eta theta '));
      await shown((s) => s.scope === 'document' && s.count.source === 'server' && s.count.count === 7, 'the count after an edit');
    });

    it('asks the server no more often than the debounce allows while the writer types', async () => {
      const editor = await openDocument('The lamp was lit.');
      await shown((s) => s.count.source === 'server' && s.count.count === 4, 'the first count');
      const before = tokenizeCalls(server);
      // A writer's pace: a keystroke every 40 ms, well inside the counter's 750 ms debounce, for 1.3 s in all.
      // That pause is the scenario (typing), not a wait for something to happen.
      const typedAt: number[] = [];
      for (const ch of ' And then the rain came down hard') {
        const end = editor.document.positionAt(editor.document.getText().length);
        await editor.edit((b) => b.insert(end, ch));
        typedAt.push(Date.now());
        await new Promise((r) => setTimeout(r, 40));
      }
      const final = await shown((s) => s.count.source === 'server' && s.count.count === 11, 'the count after typing');
      assert.equal(final.count.exact, true);
      const calls = tokenizeCalls(server) - before;
      // One call for the typed text, one spare (as before); and a loaded host can leave a gap between two
      // keystrokes as long as the debounce, when the server is rightly asked in between: one more call per such
      // gap (counted from half the debounce, for the difference between when the test and the counter saw each
      // edit). Without the debounce every keystroke asks.
      const longGaps = typedAt.slice(1).filter((t, i) => t - typedAt[i] >= SERVER_DEBOUNCE_MS / 2).length;
      assert.ok(calls >= 1 && calls <= 2 + longGaps, `${calls} tokenize calls for ${typedAt.length} keystrokes (${longGaps} pauses of ${SERVER_DEBOUNCE_MS / 2} ms or more)`);
    });
  });

  it('switches source with the provider and the tokenizer setting', async () => {
    await setUserSetting('inkwell.provider', 'aimlapi');
    await setUserSetting('inkwell.model', 'anthracite-org/magnum-v4-72b');
    // Hello world in Qwen2.5's vocabulary: "Hello" and " world" are single tokens.
    await openDocument('Hello world');
    const local = await shown((s) => s.count.source === 'local' && /qwen/i.test(s.count.tokenizer), 'a count with the Qwen tokenizer', 20_000);
    assert.equal(local.count.count, 2);
    assert.equal(local.count.exact, true);
    await setUserSetting('inkwell.tokenizer', 'estimate');
    const estimate = await shown((s) => s.count.source === 'estimate', 'an estimate');
    assert.equal(estimate.count.exact, false);
    assert.match(estimate.text, /^≈/);
  });

  it("marks litellm's fallback tokenizer as an estimate", async () => {
    const server = await serverAsInfermatic({}, 'Some-Unknown-Model');
    try {
      await setUserSetting('inkwell.tokenizer', 'auto');
      await openDocument('a b c d e f g h');
      const s = await shown((s) => s.count.source === 'server', 'the token_counter answer');
      assert.equal(s.count.exact, false, 'openai_tokenizer is not the model tokenizer');
      assert.match(s.text, /^≈/);
      assert.ok(server.requests.some((r) => r.path === '/utils/token_counter' && r.authorization === 'Bearer test-key'));
    } finally {
      await server.close();
    }
  });
});
