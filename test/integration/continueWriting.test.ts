import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinueWritingResult } from '../../src/continueWriting/continueWriting';
import type { ProviderTestServer } from '../server/providerTestServer';
import { UNICODE_PIECES } from '../server/providerTestServer';
import {
  closeAllEditors,
  endOf,
  generationRequests,
  inkwell,
  openDocument,
  resetUserSettings,
  serverAsInfermatic,
  setUserSetting,
  undoInDocument,
  waitFor,
} from './testKit';

/** Types like the writer: an extension's edit is refused when the document moved on under it, so retry. */
async function typeInto(editor: vscode.TextEditor, where: () => vscode.Position, text: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await editor.edit((b) => b.insert(where(), text), { undoStopBefore: true, undoStopAfter: true })) return;
  }
  throw new Error(`could not type ${JSON.stringify(text)}`);
}

const run = () => vscode.commands.executeCommand<ContinueWritingResult>('inkwell.continueWriting');
const SCRIPT = [' The', ' door', ' creaked', ' open', ',', ' and', ' cold', ' air', ' rushed', ' in', '.'];
const SCRIPT_TEXT = SCRIPT.join('');

describe('Continue Writing', function () {
  this.timeout(30_000);
  let server: ProviderTestServer;

  beforeEach(async () => {
    server = await serverAsInfermatic({ script: SCRIPT });
  });
  afterEach(async () => {
    await closeAllEditors();
    await server.close();
    await resetUserSettings();
  });

  it('streams the continuation in at the cursor, sending the text before it', async () => {
    const editor = await openDocument('It was late.\n\nShe listened at the threshold');
    editor.selection = new vscode.Selection(0, 12, 0, 12);
    const result = await run();
    assert.equal(result.outcome, 'done');
    assert.equal(editor.document.getText(), `It was late.${SCRIPT_TEXT}\n\nShe listened at the threshold`);
    const [request] = generationRequests(server);
    assert.equal(request.path, '/v1/completions');
    assert.equal(request.body.prompt, 'It was late.');
    assert.equal(request.body.max_tokens, 300);
    assert.equal(request.body.stream, true);
  });

  it('continues after a selection, sending only the selection', async () => {
    const editor = await openDocument('First line.\nSecond line.\nThird line.');
    editor.selection = new vscode.Selection(1, 0, 1, 12);
    await run();
    assert.equal(editor.document.getText(), `First line.\nSecond line.${SCRIPT_TEXT}\nThird line.`);
    assert.equal(generationRequests(server)[0].body.prompt, 'Second line.');
  });

  it('sends only the sampling parameters that are set', async () => {
    await setUserSetting('inkwell.sampling.temperature', 0.8);
    await setUserSetting('inkwell.sampling.minP', 0.05);
    await setUserSetting('inkwell.sampling.topA', 0.3);
    await setUserSetting('inkwell.sampling.stop', ['\n\n\n']);
    const editor = await openDocument('Rain.');
    endOf(editor);
    await run();
    const body = generationRequests(server)[0].body;
    assert.equal(body.temperature, 0.8);
    assert.equal(body.min_p, 0.05);
    assert.deepEqual(body.stop, ['\n\n\n']);
    assert.equal('top_a' in body, false, 'Infermatic does not take top_a');
    assert.equal('top_k' in body, false, 'an unset parameter was sent');
  });

  it('is undone in one step, restoring the text byte for byte', async () => {
    const original = 'Line one.\r\nLine two ends here';
    const editor = await openDocument(original);
    endOf(editor);
    server.setScenario({ tokenDelayMs: 15 });
    const result = await run();
    assert.equal(result.outcome, 'done');
    assert.notEqual(editor.document.getText(), original);
    await undoInDocument(editor.document);
    assert.equal(editor.document.getText(), original);
    await vscode.commands.executeCommand('redo');
    assert.equal(editor.document.getText(), original + SCRIPT_TEXT);
  });

  it('stops on Inkwell: Stop, keeps what arrived, and drops the connection', async () => {
    const editor = await openDocument('Begin.');
    endOf(editor);
    server.setScenario({ tokenDelayMs: 150 });
    const pending = run();
    await waitFor('some text', () => editor.document.getText().length > 'Begin.'.length + 4);
    await vscode.commands.executeCommand('inkwell.stop');
    const result = await pending;
    assert.equal(result.outcome, 'aborted');
    const text = editor.document.getText();
    assert.ok(text.startsWith('Begin.') && text.length < 'Begin.'.length + SCRIPT_TEXT.length, text);
    assert.ok(SCRIPT_TEXT.startsWith(text.slice('Begin.'.length)), 'the partial text is not a prefix of the stream');
    const request = await server.waitForRequest((r) => r.aborted, 3000);
    assert.equal(request.completed, false);
  });

  it('keeps writing into its own document when the writer switches tabs', async () => {
    const editor = await openDocument('Chapter one.');
    endOf(editor);
    server.setScenario({ tokenDelayMs: 40 });
    const pending = run();
    await waitFor('some text', () => editor.document.getText().length > 'Chapter one.'.length);
    const other = await openDocument('Notes, untouched.');
    const result = await pending;
    assert.equal(result.outcome, 'done');
    assert.equal(editor.document.getText(), `Chapter one.${SCRIPT_TEXT}`);
    assert.equal(other.document.getText(), 'Notes, untouched.');
  });

  it('moves along when the writer types above, and stops when they type inside', async () => {
    await setUserSetting('inkwell.sampling.maxTokens', 60);
    const editor = await openDocument('Title\n\nBody.');
    endOf(editor);
    // A slow, long stream, so the writer's edits land while it runs even on a busy machine.
    server.setScenario({ tokenDelayMs: 120, scriptLoop: true });
    const pending = run();
    await waitFor('some text', () => editor.document.getText().length > 'Title\n\nBody.'.length + 3);
    await typeInto(editor, () => new vscode.Position(0, 0), 'NEW ');
    const afterAbove = editor.document.getText().length;
    await waitFor('more text after typing above', () => editor.document.getText().length > afterAbove + 8);
    assert.ok(editor.document.getText().startsWith('NEW Title\n\nBody. The'), 'typing above broke the stream');
    await typeInto(editor, () => editor.document.positionAt(editor.document.getText().length), '!');
    const result = await pending;
    assert.equal(result.outcome, 'aborted');
    const text = editor.document.getText();
    assert.ok(text.startsWith('NEW Title\n\nBody.'), text);
    assert.ok(text.endsWith('!'), 'the writer’s typing was overwritten or moved');
    const streamed = text.slice('NEW Title\n\nBody.'.length, -1);
    const looped = SCRIPT_TEXT.repeat(6);
    assert.ok(looped.startsWith(streamed) && streamed.length < looped.length, streamed);
    assert.ok(result.tokens < 60, 'the stream ran to the end');
    await server.waitForRequest((r) => r.aborted, 3000);
  });

  it('aborts the request when the document is closed', async () => {
    const editor = await openDocument('Closing soon.');
    endOf(editor);
    server.setScenario({ tokenDelayMs: 150 });
    const pending = run();
    await waitFor('some text', () => editor.document.getText().length > 'Closing soon.'.length);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    const request = await server.waitForRequest((r) => r.aborted, 5000);
    assert.equal(request.completed, false);
    const result = await pending;
    assert.equal(result.outcome, 'aborted');
  });

  it('keeps the text of a truncated stream and says it was cut', async () => {
    const editor = await openDocument('Cut.');
    endOf(editor);
    server.setScenario({ truncate: { afterTokens: 4 } });
    const result = await run();
    assert.equal(result.outcome, 'truncated');
    assert.equal(result.error?.kind, 'cut');
    assert.equal(editor.document.getText(), `Cut.${SCRIPT.slice(0, 4).join('')}`);
  });

  it('keeps the text and shows the provider message of an error inside the stream', async () => {
    const editor = await openDocument('Err.');
    endOf(editor);
    server.setScenario({ midStreamError: { afterTokens: 3, message: 'upstream model crashed' } });
    const result = await run();
    assert.notEqual(result.outcome, 'done');
    assert.match(result.error?.message ?? '', /upstream model crashed/);
    assert.equal(editor.document.getText(), `Err.${SCRIPT.slice(0, 3).join('')}`);
  });

  it('calls a silent stream stalled after the idle timeout, keeping the text', async () => {
    await setUserSetting('inkwell.network.idleTimeoutSeconds', 1);
    const editor = await openDocument('Stall.');
    endOf(editor);
    server.setScenario({ stall: { afterTokens: 3 } });
    const result = await run();
    assert.equal(result.outcome, 'truncated');
    assert.equal(result.error?.kind, 'timeout');
    assert.equal(editor.document.getText(), `Stall.${SCRIPT.slice(0, 3).join('')}`);
    await server.waitForRequest((r) => r.aborted, 3000);
  });

  it('counts keep-alive comments as activity during a long wait', async () => {
    await setUserSetting('inkwell.network.idleTimeoutSeconds', 1);
    const editor = await openDocument('Patience.');
    endOf(editor);
    server.setScenario({ stall: { afterTokens: 2, resumeAfterMs: 2500 }, keepAliveEveryMs: 300 });
    const result = await run();
    assert.equal(result.outcome, 'done');
    assert.equal(editor.document.getText(), `Patience.${SCRIPT_TEXT}`);
  });

  it('retries a 429 before the first token, then succeeds', async () => {
    const editor = await openDocument('Busy.');
    endOf(editor);
    server.setScenario({ error: { kind: 'rateLimit', retryAfterSeconds: 0 }, failTimes: 1 });
    const result = await run();
    assert.equal(result.outcome, 'done');
    assert.equal(generationRequests(server).length, 2);
    assert.equal(editor.document.getText(), `Busy.${SCRIPT_TEXT}`);
  });

  it('says what it waits for while a busy provider is retried', async () => {
    const api = await inkwell();
    server.setScenario({ error: { kind: 'rateLimit', retryAfterSeconds: 1 }, failTimes: 1 });
    const waiting: string[] = [];
    const result = await api.services.generator.generate({
      target: api.services.targets.active(),
      mode: 'completion',
      sampling: { max_tokens: 20 },
      prompt: 'Busy.',
      signal: new AbortController().signal,
      onText: () => undefined,
      onWaiting: (what) => waiting.push(what),
    });
    assert.equal(result.outcome, 'done');
    assert.equal(waiting.length, 1, waiting.join(' | '));
    assert.match(waiting[0], /^retry 1 in 1 s: The provider is rate limiting requests/);
  });

  it('does not retry a 401, and names the next step', async () => {
    const editor = await openDocument('Locked.');
    endOf(editor);
    server.setScenario({ error: { kind: 'unauthorized' } });
    const result = await run();
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.kind, 'auth');
    assert.match(result.error?.userMessage ?? '', /Authentication Error/);
    assert.match(result.error?.userMessage ?? '', /Set API Key/);
    assert.equal(generationRequests(server).length, 1);
    assert.equal(editor.document.getText(), 'Locked.');
  });

  it('folds the system prompt into the user turn when the model answers 500 to it', async () => {
    await setUserSetting('inkwell.generation.mode', 'chat');
    await setUserSetting('inkwell.model', 'Some-New-Model');
    server.configure({ systemPromptRejectingModels: ['Some-New-Model'] });
    const editor = await openDocument('She waited');
    endOf(editor);
    const result = await run();
    assert.equal(result.outcome, 'done');
    const [first, second] = generationRequests(server);
    assert.equal(first.path, '/v1/chat/completions');
    assert.equal(first.body.messages[0].role, 'system');
    assert.equal(first.status, 500);
    assert.deepEqual(second.body.messages.map((m: { role: string }) => m.role), ['user']);
    assert.match(second.body.messages[0].content, /She waited$/);
    // Chat replies start bare: a space joins them to the last word.
    assert.equal(editor.document.getText(), `She waited ${SCRIPT_TEXT.trimStart()}`);
  });

  it('refuses a selection larger than the context before sending anything', async () => {
    await setUserSetting('inkwell.contextSize', 300);
    await setUserSetting('inkwell.sampling.maxTokens', 200);
    const passage = 'word '.repeat(600).trim();
    const editor = await openDocument(passage);
    editor.selection = new vscode.Selection(editor.document.positionAt(0), editor.document.positionAt(passage.length));
    const result = await run();
    assert.equal(result.outcome, 'not-started');
    assert.equal(result.error?.kind, 'context-overflow');
    assert.equal(generationRequests(server).length, 0);
    assert.equal(editor.document.getText(), passage);
  });

  it('trims the text before the cursor from the start to fit the context', async () => {
    await setUserSetting('inkwell.contextSize', 400);
    await setUserSetting('inkwell.sampling.maxTokens', 100);
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ${'and so on '.repeat(20).trim()}.`);
    const editor = await openDocument(paragraphs.join('\n\n'));
    endOf(editor);
    await run();
    const prompt: string = generationRequests(server)[0].body.prompt;
    assert.ok(prompt.length < paragraphs.join('\n\n').length, 'nothing was trimmed');
    assert.ok(prompt.startsWith('Paragraph '), `the prompt does not start at a paragraph: ${prompt.slice(0, 40)}`);
    assert.ok(prompt.endsWith(paragraphs[11]));
  });

  it('writes Unicode split across network chunks intact', async () => {
    const editor = await openDocument('Unicode:');
    endOf(editor);
    server.setScenario({ unicode: true, chunking: { bytes: 1, splitInsideMultibyte: true } });
    const result = await run();
    assert.equal(result.outcome, 'done');
    const expected = UNICODE_PIECES.join('');
    const got = editor.document.getText().slice('Unicode:'.length);
    assert.equal(got.trimStart(), expected.trimStart());
  });
  it('learns a smaller context from the server’s overflow error, refits the prompt and retries once', async () => {
    // Inkwell's table gives this Llama 3.3 fine-tune its native 131,072 tokens; the test server
    // serves it with 16,384 and answers a longer prompt with a context-overflow 400.
    const passage = 'The lamp burned low. '.repeat(5000).trimEnd();
    const editor = await openDocument(passage);
    endOf(editor);
    const result = await run();
    assert.equal(result.outcome, 'done', `not written after the refit: ${result.error?.message ?? ''}`);
    const [first, second, third] = generationRequests(server);
    assert.ok(first && second, 'no second request after the overflow');
    assert.equal(third, undefined, 'retried more than once');
    assert.equal(first.body.prompt, passage);
    assert.ok(second.body.prompt.length < passage.length, 'the second prompt was not trimmed');
    assert.ok(passage.endsWith(second.body.prompt), 'the refitted prompt is not the end of the passage');
    assert.ok(editor.document.getText().startsWith(passage + SCRIPT_TEXT), 'the continuation did not land after the passage');
  });
});
