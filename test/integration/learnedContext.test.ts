// The context a server names in its overflow error is what counts from then on. Inkwell's table gives
// this Llama 3.3 fine-tune its native 131,072 tokens; the test server serves it with 16,384 and answers
// a longer prompt with a context-overflow 400. A selection is never cut, so one that fits the table
// but not the learned context is refused with the learned numbers, and nothing more is sent.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinueWritingResult } from '../../src/continueWriting/continueWriting';
import type { ProviderTestServer } from '../server/providerTestServer';
import { EURYALE, closeAllEditors, generationRequests, inkwell, openDocument, resetUserSettings, serverAsInfermatic } from './testKit';

const SERVED_CONTEXT = 16_384;
const TABLE_CONTEXT = 131_072;
const MAX_TOKENS = 300; // Inkwell's default inkwell.sampling.maxTokens
const n = (v: number) => v.toLocaleString('en-US');

describe('Continue Writing: a context learned from the server', function () {
  this.timeout(30_000);
  let server: ProviderTestServer;

  beforeEach(async () => {
    server = await serverAsInfermatic({ script: [' and', ' on'], models: [{ id: EURYALE, contextLength: SERVED_CONTEXT }] });
  });
  afterEach(async () => {
    await closeAllEditors();
    await server.close();
    await resetUserSettings();
  });

  it('refuses a selection that cannot fit the learned context, naming it, and sends nothing more', async () => {
    const { log } = (await inkwell()).services;
    const startedAt = new Date().toISOString();
    const passage = 'The lamp burned low. '.repeat(5000).trimEnd();
    const editor = await openDocument(passage);
    editor.selection = new vscode.Selection(editor.document.positionAt(0), editor.document.positionAt(passage.length));
    const result = await vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');

    assert.equal(result.outcome, 'not-started', `the selection was written: ${result.outcome}`);
    assert.equal(result.error?.kind, 'context-overflow');
    assert.equal(result.error?.contextLength, SERVED_CONTEXT, 'the refusal is not measured against the learned context');
    const requests = generationRequests(server);
    assert.equal(requests.length, 1, `${requests.length} requests, not the one that taught the context (none: learnt elsewhere; two: sent again)`);
    assert.equal(requests[0].status, 400);
    assert.equal(requests[0].body.prompt, passage, 'the first request was not the whole selection');
    assert.equal(editor.document.getText(), passage, 'the document changed');

    const refusal = log.recentLines().find((line) => line >= startedAt && line.includes('Continue Writing refused:'));
    assert.ok(refusal, 'no refusal was said');
    const said = /The selection is ([\d,]+) tokens, but only ([\d,]+) fit \(([^:]+): ([\d,]+) context, (\d+) kept for the reply\)/.exec(refusal);
    assert.ok(said, `the refusal does not give the numbers: ${refusal}`);
    const [, selectionTokens, available, model, context, kept] = said;
    assert.equal(model, EURYALE);
    assert.equal(context, n(SERVED_CONTEXT), `the refusal names ${context} tokens of context, not the server's ${n(SERVED_CONTEXT)}`);
    assert.notEqual(context, n(TABLE_CONTEXT));
    assert.equal(Number(kept), MAX_TOKENS);
    const toNumber = (s: string) => Number(s.replace(/,/g, ''));
    assert.ok(toNumber(available) <= SERVED_CONTEXT - MAX_TOKENS, `${available} tokens said to fit in ${n(SERVED_CONTEXT)} with ${MAX_TOKENS} kept`);
    assert.ok(toNumber(selectionTokens) > toNumber(available), `${selectionTokens} tokens said not to fit in ${available}`);
  });
});
