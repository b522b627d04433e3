// Alternatives cycled in place, in a real extension host against the provider test server:
// one request with n where the server takes it, several where it does not; cycling, Undo and Discard.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinueWritingResult } from '../../src/continueWriting/continueWriting';
import { AlternativesInPlace } from '../../src/continueWriting/alternativesInPlace';
import { LLAMACPP_SLOTS, startProviderTestServer, type ProviderTestServer, type ProviderTestServerOptions } from '../server/providerTestServer';
import { TEST_KEY, closeAllEditors, generationRequests, inkwell, openDocument, resetUserSettings, serverAsInfermatic, setUserSetting, undoInDocument, waitFor } from './testKit';

const run = () => vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');
const BEFORE = 'The lamp went out.';
const AFTER = '\n\nLater that night.';

async function writeAt(): Promise<vscode.TextEditor> {
  const editor = await openDocument(BEFORE + AFTER);
  editor.selection = new vscode.Selection(0, BEFORE.length, 0, BEFORE.length);
  return editor;
}

/** The text between BEFORE and AFTER: the alternative shown. */
function shown(editor: vscode.TextEditor): string {
  const text = editor.document.getText();
  const from = text.indexOf(BEFORE) + BEFORE.length;
  return text.slice(from, text.lastIndexOf(AFTER));
}

/** A provider test server as AI/ML API, which takes no `n`: alternatives come from requests of their own. */
async function serverAsAimlApi(options: ProviderTestServerOptions): Promise<ProviderTestServer> {
  const api = await inkwell();
  const server = await startProviderTestServer({ flavor: 'aimlapi', maxLifetimeMs: 120_000, ...options });
  await setUserSetting('inkwell.aimlapi.baseUrl', `${server.url}/v1`);
  await setUserSetting('inkwell.provider', 'aimlapi');
  await setUserSetting('inkwell.model', 'anthracite-org/magnum-v4-72b');
  const profile = api.services.targets.profile('aimlapi');
  assert.ok(profile);
  await api.services.keys.set(profile, TEST_KEY);
  return server;
}

/** Every generation request the server saw has ended, and none ran to its end after the stop. */
async function everyRequestEnded(server: ProviderTestServer): Promise<void> {
  await waitFor('every generation request to end', () => generationRequests(server).every((r) => r.endTime !== undefined));
}

describe('Continue Writing: alternatives in place', function () {
  this.timeout(60_000);
  let server: ProviderTestServer;

  afterEach(async () => {
    await closeAllEditors();
    await server?.close();
    await resetUserSettings();
  });

  it('with n (vLLM-flavoured Infermatic): one request with n: 3; cycling, Undo and Discard restore as they should', async () => {
    server = await serverAsInfermatic({ flavor: 'vllm', maxStreamTokens: 12 });
    await setUserSetting('inkwell.alternatives.count', 3);
    const api = await inkwell();
    const editor = await writeAt();
    const result = await run();
    assert.equal(result.outcome, 'done');
    const requests = generationRequests(server);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].body.n, 3);
    const set = api.alternatives.setFor(editor.document.uri);
    assert.ok(set, 'the spot has alternatives');
    await waitFor('every alternative', () => set.items.every((a) => a.state !== 'streaming'), 10_000);
    const first = shown(editor);
    assert.ok(first.length > 0);
    assert.equal(set.items[0].text, first);

    // The writer types above the text: the swap still replaces exactly the generated range.
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'Night. '), { undoStopBefore: true, undoStopAfter: true });
    await vscode.commands.executeCommand('inkwell.nextAlternative');
    const second = shown(editor);
    assert.notEqual(second, first, 'the next alternative is a different text');
    assert.equal(editor.document.getText(), `Night. ${BEFORE}${second}${AFTER}`);
    await vscode.commands.executeCommand('inkwell.nextAlternative');
    const third = shown(editor);
    assert.ok(third !== first && third !== second);

    // Each swap is one undo step: Undo shows the previous alternative, and the cycle follows.
    await undoInDocument(editor.document);
    assert.equal(shown(editor), second);
    await vscode.commands.executeCommand('inkwell.previousAlternative');
    assert.equal(shown(editor), first);

    // Discard puts back what was there, in one step.
    await vscode.commands.executeCommand('inkwell.discardAlternatives');
    assert.equal(editor.document.getText(), `Night. ${BEFORE}${AFTER}`);
    assert.equal(api.alternatives.setFor(editor.document.uri), undefined, 'discarding ends the alternatives');
  });

  it('without n (AI/ML API): three requests; past the last alternative a new request is sent', async () => {
    const api = await inkwell();
    server = await serverAsAimlApi({ maxStreamTokens: 10 });
    await setUserSetting('inkwell.alternatives.count', 3);
    const editor = await writeAt();
    assert.equal((await run()).outcome, 'done');
    const set = api.alternatives.setFor(editor.document.uri);
    assert.ok(set);
    await waitFor('every alternative', () => set.items.every((a) => a.state !== 'streaming'), 20_000);
    const requests = generationRequests(server);
    assert.equal(requests.length, 3);
    assert.ok(requests.every((r) => r.body.n === undefined), 'AI/ML API is sent no n');
    await vscode.commands.executeCommand('inkwell.nextAlternative');
    await vscode.commands.executeCommand('inkwell.nextAlternative');
    assert.equal(shown(editor), set.items[2].text);
    await vscode.commands.executeCommand('inkwell.nextAlternative');
    assert.equal(generationRequests(server).length, 4, 'cycling past the last asked for one more');
    assert.equal(set.items.length, 4);
    assert.equal(shown(editor), set.items[3].text);

    // Retry, from inside the text: one more, shown when written.
    editor.selection = new vscode.Selection(0, BEFORE.length + 2, 0, BEFORE.length + 2);
    await vscode.commands.executeCommand('inkwell.retryAlternative');
    assert.equal(generationRequests(server).length, 5);
    assert.equal(set.items.length, 5);
    assert.equal(shown(editor), set.items[4].text);
  });

  it('typing inside the generated text keeps it and ends the alternatives', async () => {
    server = await serverAsInfermatic({ flavor: 'vllm', maxStreamTokens: 8 });
    await setUserSetting('inkwell.alternatives.count', 2);
    const api = await inkwell();
    const editor = await writeAt();
    await run();
    assert.ok(api.alternatives.setFor(editor.document.uri));
    const inside = new vscode.Position(0, BEFORE.length + 2);
    await editor.edit((b) => b.insert(inside, 'x'));
    assert.equal(api.alternatives.setFor(editor.document.uri), undefined);
    const before = editor.document.getText();
    await vscode.commands.executeCommand('inkwell.nextAlternative');
    assert.equal(editor.document.getText(), before, 'nothing swaps once the writer has taken over');
  });

  it("llama.cpp: n past its slot count is refused; Inkwell asks again with the number it names, the rest on their own", async () => {
    const api = await inkwell();
    server = await startProviderTestServer({ flavor: 'llamacpp', requireAuth: false, maxStreamTokens: 8, models: [{ id: 'rocinante.gguf', contextLength: 8192 }], maxLifetimeMs: 120_000 });
    await setUserSetting('inkwell.providers', [{ id: 'local-llama', name: 'Local llama', kind: 'llamacpp', baseUrl: server.url }]);
    await setUserSetting('inkwell.provider', 'local-llama');
    await setUserSetting('inkwell.model', 'rocinante.gguf');
    await setUserSetting('inkwell.alternatives.count', 3);
    const editor = await writeAt();
    assert.equal((await run()).outcome, 'done');
    const set = api.alternatives.setFor(editor.document.uri);
    assert.ok(set);
    await waitFor('every alternative', () => set.items.every((a) => a.state !== 'streaming'), 20_000);
    const asked = generationRequests(server).map((r) => r.body.n ?? 1);
    // The retry's two requests start together, so either may reach the server first.
    assert.equal(asked[0], 3);
    assert.deepEqual(asked.slice(1).sort(), [1, LLAMACPP_SLOTS], 'refused at 3, then the slot count and one request for the third');
    assert.ok(set.items.every((a) => a.text.length > 0 && a.state === 'done'));
  });

  it('are kept in workspace storage: the next session finds them while the text there is the one shown', async () => {
    server = await serverAsInfermatic({ flavor: 'vllm', maxStreamTokens: 8 });
    await setUserSetting('inkwell.alternatives.count', 2);
    const api = await inkwell();
    const editor = await writeAt();
    await run();
    const set = api.alternatives.setFor(editor.document.uri);
    assert.ok(set);
    await waitFor('both alternatives', () => set.items.every((a) => a.state !== 'streaming'));
    const first = shown(editor);
    await api.alternatives.save();
    const stored = api.workspaceState.get('inkwell.alternatives');
    assert.ok(Array.isArray(stored) && stored.some((k: { uri?: string }) => k.uri === editor.document.uri.toString()), 'the spot is in storage');
    // What the next window's Inkwell starts from: this storage, read-only here.
    const frozen: vscode.Memento = { get: <T>() => stored as T, update: async () => undefined, keys: () => ['inkwell.alternatives'] };

    const next = new AlternativesInPlace(frozen);
    try {
      const kept = next.setFor(editor.document.uri);
      assert.ok(kept, 'restored from storage');
      assert.deepEqual(kept.items.map((a) => a.text), set.items.map((a) => a.text));
      await next.next(editor.document.uri);
      assert.notEqual(shown(editor), first);
      assert.equal(shown(editor), set.items[1].text);
    } finally {
      next.dispose();
    }

    // The document now shows the second alternative, not the one storage says: nothing is restored.
    const after = new AlternativesInPlace(frozen);
    try {
      assert.equal(after.setFor(editor.document.uri), undefined);
    } finally {
      after.dispose();
    }
  });
  describe('Stop (Escape, "Inkwell: Stop") while the alternatives are written aborts every request', () => {
    // 300 tokens at 50 a second: six seconds of streaming, so a stop lands well inside every stream.
    const SLOW = { tokenDelayMs: 20 };

    it('with n: the one request for all four is aborted, and no alternative is left coming', async () => {
      server = await serverAsInfermatic({ flavor: 'vllm', scenario: SLOW });
      await setUserSetting('inkwell.alternatives.count', 4);
      await setUserSetting('inkwell.sampling.maxTokens', 300);
      const api = await inkwell();
      const editor = await writeAt();
      const writing = run();
      await waitFor('the first alternative streaming in', () => shown(editor).length > 20);
      assert.equal(await vscode.commands.executeCommand<number>('inkwell.stop'), 1, 'Stop found the generation');
      assert.equal((await writing).outcome, 'aborted');
      await everyRequestEnded(server);
      const requests = generationRequests(server);
      assert.equal(requests.length, 1);
      assert.equal(requests[0].body.n, 4);
      assert.ok(requests[0].aborted && !requests[0].completed, 'the server saw the request aborted');
      const set = api.alternatives.setFor(editor.document.uri);
      assert.ok(set, 'what arrived is offered');
      assert.deepEqual(set.items.map((a) => a.state), ['cut', 'cut', 'cut', 'cut'], 'every choice ended with the request');
      assert.ok(set.items.every((a) => a.text.length > 0), 'each choice keeps what arrived');
    });

    it('parallel requests (AI/ML API), stopped while the first streams: both others aborted, the one waiting its turn never sent', async () => {
      server = await serverAsAimlApi({ scenario: SLOW });
      await setUserSetting('inkwell.alternatives.count', 4);
      await setUserSetting('inkwell.sampling.maxTokens', 300);
      const api = await inkwell();
      const editor = await writeAt();
      const writing = run();
      await waitFor('three requests streaming', () => generationRequests(server).filter((r) => r.status === 200).length === 3);
      await waitFor('the first alternative streaming in', () => shown(editor).length > 20);
      assert.equal(await vscode.commands.executeCommand<number>('inkwell.stop'), 1);
      assert.equal((await writing).outcome, 'aborted');
      const set = api.alternatives.setFor(editor.document.uri);
      assert.ok(set);
      await waitFor('no alternative still coming', () => set.items.every((a) => a.state !== 'streaming'));
      await everyRequestEnded(server);
      const requests = generationRequests(server);
      assert.equal(requests.length, 3, 'the fourth alternative waited its turn and was never asked for');
      assert.ok(requests.every((r) => r.aborted && !r.completed), 'the server saw every request aborted');
      assert.deepEqual(set.items.map((a) => a.state), ['cut', 'cut', 'cut', 'error']);
    });

    it('parallel requests (AI/ML API), stopped after the first is in: the one still streaming is aborted; Retry still works', async () => {
      // The first three requests (the first alternative and two of their own) run to their end; the
      // fourth, sent when one of the two ends, stalls after 3 tokens until it is stopped.
      server = await serverAsAimlApi({ scenario: [{}, {}, {}, { stall: { afterTokens: 3 } }] });
      await setUserSetting('inkwell.alternatives.count', 4);
      await setUserSetting('inkwell.sampling.maxTokens', 12);
      const api = await inkwell();
      const editor = await writeAt();
      assert.equal((await run()).outcome, 'done', 'the command returns once the first is in');
      const set = api.alternatives.setFor(editor.document.uri);
      assert.ok(set);
      await waitFor('the fourth alternative streaming', () => set.items[3].text.length > 0);
      assert.equal(set.items[3].state, 'streaming');
      assert.equal(await vscode.commands.executeCommand<number>('inkwell.stop'), 1, 'Stop reaches the alternatives still written');
      await waitFor('no alternative still coming', () => set.items.every((a) => a.state !== 'streaming'));
      await everyRequestEnded(server);
      const requests = generationRequests(server);
      assert.equal(requests.length, 4);
      assert.deepEqual(requests.map((r) => r.aborted), [false, false, false, true], 'the stalled request was aborted, the others had ended');
      assert.equal(set.items[3].state, 'cut');

      // The stop ended the gathering, not the spot: one more is still written on request.
      server.setScenario(null);
      await vscode.commands.executeCommand('inkwell.retryAlternative');
      assert.equal(generationRequests(server).length, 5);
      assert.equal(set.items[4].state, 'done');
      assert.ok(set.items[4].text.length > 0);
      assert.equal(shown(editor), set.items[4].text);
    });
  });
});
