import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinueWritingResult } from '../../src/continueWriting/continueWriting';
import type { RerollResult } from '../../src/probabilities/rerollFromToken';
import type { ProviderTestServer } from '../server/providerTestServer';
import { logprobsSeed, logprobsSpecFor, planLogprobs } from '../server/providerTestServer';
import { percent } from '../../src/core/logprobs/probabilityBands';
import { closeAllEditors, endOf, generationRequests, inkwell, openDocument, resetUserSettings, serverAsInfermatic, setUserSetting, undoInDocument, waitFor } from './testKit';

const SCRIPT = [' The', ' door', ' creaked', ' open', ',', ' and', ' cold', ' air', ' rushed', ' in', '.'];
const PROMPT = 'It was late.';
const run = () => vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');

/** The tokens the test server sent for `prompt` (its own model of the wire, written apart from Inkwell's parser). */
function sentTokens(server: ProviderTestServer, prompt: string, model: string, top = 5) {
  const spec = logprobsSpecFor(server.flavor, 'completions', {}, top, logprobsSeed(model, prompt));
  return planLogprobs([SCRIPT], spec, false).tokens[0];
}

const utf8 = (bytes: number[]) => new TextDecoder().decode(Uint8Array.from(bytes));

async function hoverAt(document: vscode.TextDocument, offset: number): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(offset));
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .filter((v) => v.includes('probability'))
    .join('\n');
}

describe('Token probabilities', function () {
  this.timeout(30_000);
  let server: ProviderTestServer;

  afterEach(async () => {
    await closeAllEditors();
    await server.close();
    await resetUserSettings();
  });

  async function generate(options: Parameters<typeof serverAsInfermatic>[0] = {}) {
    server = await serverAsInfermatic({ script: SCRIPT, ...options });
    await setUserSetting('inkwell.probabilities.topK', 5);
    const api = await inkwell();
    await api.probabilities.support.forget();
    const editor = await openDocument(PROMPT);
    endOf(editor);
    const result = await run();
    assert.equal(result.outcome, 'done');
    return { api, editor, document: editor.document, model: String(generationRequests(server)[0].body.model) };
  }

  it('asks for the top K of each token and hovers a known token with the probabilities the server sent', async () => {
    const { api, document, model } = await generate();
    assert.equal(generationRequests(server)[0].body.logprobs, 5);
    const [generation] = api.probabilities.records.generations(document.uri);
    assert.equal(generation.tokens.length, SCRIPT.length);
    const sent = sentTokens(server, PROMPT, model);
    // " creaked" is the third token: it starts after the prompt and " The door".
    const offset = PROMPT.length + ' The door'.length + 2;
    const hover = await hoverAt(document, offset);
    assert.ok(hover.startsWith(`**␣creaked** ${percent(Math.exp(sent[2].logprob))}`), hover);
    for (const alt of sent[2].top) assert.ok(hover.includes(percent(Math.exp(alt.logprob))), `${percent(Math.exp(alt.logprob))} in\n${hover}`);
    assert.match(hover, /✓ \| \*\*/, 'the chosen token is marked');
    assert.match(hover, /\*others\*/);
    assert.equal(await hoverAt(document, 3), '', 'the writer’s own text has no probabilities');
  });

  it('reroll with another token: the server gets the original prompt, the text before and the chosen token; the old text is an alternative; one undo', async () => {
    const { api, document, model } = await generate();
    const before = document.getText();
    const [generation] = api.probabilities.records.generations(document.uri);
    const sent = sentTokens(server, PROMPT, model);
    const alt = sent[2].top.findIndex((t) => utf8(t.bytes) !== ' creaked');
    const chosen = utf8(sent[2].top[alt].bytes);
    const result = await vscode.commands.executeCommand<RerollResult>('inkwell.rerollWithToken', document.uri.toString(), generation.id, 2, alt);
    assert.equal(result.outcome, 'done');
    const requests = generationRequests(server);
    assert.equal(requests.length, 2);
    assert.equal(requests[1].body.prompt, `${PROMPT} The door${chosen}`);
    assert.equal(requests[1].body.logprobs, 5);
    assert.equal(document.getText(), `${PROMPT} The door${chosen}${SCRIPT.join('')}`);
    const set = api.alternatives.setFor(document.uri)!;
    assert.deepEqual(
      set.items.map((a) => a.text),
      [' creaked open, and cold air rushed in.', `${chosen}${SCRIPT.join('')}`],
    );
    assert.equal(set.shown, 1);
    // The new text has probabilities of its own, placed after the chosen token.
    const newest = api.probabilities.records.generations(document.uri).at(-1)!;
    assert.notEqual(newest.id, generation.id);
    // (Its first token's leading space is the seam, which the document already had: it is placed from "The".)
    assert.equal(newest.placed[0].start, `${PROMPT} The door${chosen} `.length);
    await undoInDocument(document);
    assert.equal(document.getText(), before, 'one undo puts the replaced text back');
  });

  it('a plain reroll from a token sends the text before it and nothing more', async () => {
    const { api, document } = await generate();
    const [generation] = api.probabilities.records.generations(document.uri);
    const result = await vscode.commands.executeCommand<RerollResult>('inkwell.rerollFromHere', document.uri.toString(), generation.id, 3);
    assert.equal(result.outcome, 'done');
    assert.equal(generationRequests(server)[1].body.prompt, `${PROMPT} The door creaked`);
    assert.equal(document.getText(), `${PROMPT} The door creaked${SCRIPT.join('')}`);
  });

  it('typing inside generated text drops the probabilities of what changed and keeps the rest on their text', async () => {
    const { api, editor, document } = await generate();
    const at = PROMPT.length + ' The door cr'.length;
    assert.ok(await editor.edit((b) => b.insert(document.positionAt(at), 'X')));
    const placed = api.probabilities.records.generations(document.uri)[0].placed;
    const texts = placed.map((p) => document.getText(new vscode.Range(document.positionAt(p.start), document.positionAt(p.end))));
    // The first token's leading space is the seam with the writer's text: placed from "The".
    assert.deepEqual(texts, ['The', ...SCRIPT.slice(1).filter((t) => t !== ' creaked')]);
    assert.equal(await hoverAt(document, at), '', 'no hover on the edited token');
  });

  it('a provider that ignores the request: the text is written, no probabilities, and the writer is told once', async () => {
    const { api, document } = await generate({ logprobs: { support: 'ignore' } });
    assert.equal(document.getText(), PROMPT + SCRIPT.join(''));
    assert.equal(api.probabilities.records.generations(document.uri).length, 0);
    const told = () => api.services.log.recentLines().filter((l) => l.includes('sent no token probabilities')).length;
    await waitFor('the writer told', () => told() === 1, 5000);
    endOf(vscode.window.activeTextEditor!);
    assert.equal((await run()).outcome, 'done');
    assert.equal(told(), 1, 'told once, not on every generation');
    assert.equal(generationRequests(server)[1].body.logprobs, 5, 'still asked: a provider that ignores it costs nothing');
  });

  it('a provider that refuses the request: asked again without it, the text is written, and the next generation does not ask', async () => {
    const { api, document } = await generate({ logprobs: { support: 'reject' } });
    assert.equal(document.getText(), PROMPT + SCRIPT.join(''));
    const requests = generationRequests(server);
    assert.equal(requests.length, 2);
    assert.equal(requests[0].body.logprobs, 5);
    assert.equal('logprobs' in requests[1].body, false);
    await waitFor('the writer told', () => api.services.log.recentLines().some((l) => l.includes('refused token probabilities')), 5000);
    endOf(vscode.window.activeTextEditor!);
    assert.equal((await run()).outcome, 'done');
    assert.equal(generationRequests(server).length, 3, 'no failed request first');
    assert.equal('logprobs' in generationRequests(server)[2].body, false);
  });

  it('tints the unsure tokens by band, only when the writer turns it on', async () => {
    const { api, document, model } = await generate();
    const sent = sentTokens(server, PROMPT, model);
    const count = (r: Record<string, vscode.Range[]>) => Object.values(r).reduce((n, list) => n + list.length, 0);
    const unsure = sent.filter((t) => Math.exp(t.logprob) < 0.8).length;
    assert.ok(unsure > 0, 'the script has unsure tokens to tint');
    assert.equal(count(api.tint.bandRanges(document)), 0, 'off by default');
    await setUserSetting('inkwell.probabilities.tint', true);
    const tinted = await waitFor('the tint', () => count(api.tint.bandRanges(document)) || undefined, 5000);
    assert.equal(tinted, unsure);
    const low = api.tint.bandRanges(document).low.map((r) => document.getText(r));
    assert.deepEqual(low, SCRIPT.filter((_, i) => Math.exp(sent[i].logprob) < 0.1));
  });
});
