// The stream reader carries each choice's `logprobs` object on, in order with its text, only when asked;
// and over real HTTP from the test server (streamed and not), the token list is the server's, a flavour
// that ignores the request or refuses it is told apart.

import * as assert from 'node:assert/strict';
import { CompletionStreamDecoder, type StreamPiece } from '../../src/core/stream/completionStream';
import { streamCompletion } from '../../src/core/http/streamCompletion';
import { GenerationLogprobs } from '../../src/core/logprobs/choiceLogprobs';
import { judgeLogprobs, logprobsFields } from '../../src/core/logprobs/logprobsRequest';
import {
  logprobsSeed,
  logprobsSpecFor,
  planLogprobs,
  startProviderTestServer,
  type Flavor,
  type LogprobsServerOptions,
  type ProviderTestServer,
} from '../server/providerTestServer';
import { collect, sseHead, startLoopback } from './fixtures/httpLoopback';

const KEY = 'test-key';
const SCRIPT = [' Snow', ' fell', ' on', ' the', ' café', ' 雪', '.', '\n\nShe', ' smiled', ' 😀'];

const legacy = (token: string) => ({ tokens: [token], token_logprobs: [-0.5], top_logprobs: [{ [token]: -0.5 }], text_offset: [0] });
const event = (obj: unknown) => ({ data: JSON.stringify(obj) });

describe('logprobs: the stream reader passes them on', () => {
  const chunk = (text: string, logprobs: unknown) => event({ choices: [{ index: 1, text, logprobs, finish_reason: null }] });

  it('as a piece after the choice’s text, only when asked, skipping null', () => {
    const asked = new CompletionStreamDecoder('completion', { withLogprobs: true });
    assert.deepEqual(asked.push(chunk(' a', legacy(' a'))), [
      { kind: 'text', index: 1, text: ' a' },
      { kind: 'logprobs', index: 1, logprobs: legacy(' a') },
    ]);
    assert.deepEqual(asked.push(chunk('', legacy('bytes:\\xc3'))), [{ kind: 'logprobs', index: 1, logprobs: legacy('bytes:\\xc3') }]);
    assert.deepEqual(asked.push(chunk(' b', null)), [{ kind: 'text', index: 1, text: ' b' }]);
    const notAsked = new CompletionStreamDecoder('completion');
    assert.deepEqual(notAsked.push(chunk(' a', legacy(' a'))), [{ kind: 'text', index: 1, text: ' a' }]);
  });

  it('an attempt retried before its first text leaves no probabilities behind', async () => {
    const s = await startLoopback((_req, res, _seen, n) => {
      sseHead(res);
      const first = JSON.stringify({ choices: [{ index: 0, text: '', logprobs: legacy('bytes:\\xc3'), finish_reason: null }] });
      if (n === 1) res.end(`data: ${first}\n\ndata: {"error":{"code":503,"message":"overloaded"}}\n\n`);
      else res.end(`data: ${JSON.stringify({ choices: [{ index: 0, text: ' ok', logprobs: legacy(' ok'), finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
    });
    try {
      const pieces = await collect(
        streamCompletion({ url: s.url, body: {}, mode: 'completion', withLogprobs: true }, { retry: { maxRetries: 1, sleep: async () => undefined } }),
      );
      const logprobs = pieces.filter((p) => p.kind === 'logprobs');
      assert.deepEqual(logprobs, [{ kind: 'logprobs', index: 0, logprobs: legacy(' ok') }]);
      assert.equal(s.requests.length, 2);
    } finally {
      await s.close();
    }
  });
});

describe('logprobs: against the test server over HTTP', () => {
  let server: ProviderTestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function generate(flavor: Flavor, mode: 'completion' | 'chat', logprobs: LogprobsServerOptions, stream: boolean, k = 3) {
    server = await startProviderTestServer({ flavor, script: SCRIPT, logprobs });
    const prompt = 'The square was empty.';
    const body = {
      model: 'M',
      ...(mode === 'completion' ? { prompt } : { messages: [{ role: 'user', content: prompt }] }),
      max_tokens: 64,
      stream,
      ...logprobsFields(mode, k),
    };
    const url = `${server.url}/v1/${mode === 'completion' ? 'completions' : 'chat/completions'}`;
    const pieces: StreamPiece[] = await collect(
      streamCompletion({ url, headers: { authorization: `Bearer ${KEY}` }, body, mode, withLogprobs: true }, { retry: { maxRetries: 0 } }),
    );
    const collected = new GenerationLogprobs();
    let text = '';
    let error: { status?: number; message?: string } | undefined;
    for (const p of pieces) {
      if (p.kind === 'text') {
        collected.addText(p.index, p.text);
        text += p.text;
      } else if (p.kind === 'logprobs') collected.addLogprobs(p.index, p.logprobs);
      else if (p.kind === 'error') error = { status: p.error.status, message: p.error.providerMessage };
    }
    const serverMode = mode === 'completion' ? 'completions' : 'chat';
    const spec = logprobsSpecFor(flavor, serverMode, logprobs, k, logprobsSeed('M', prompt));
    const expected = planLogprobs([SCRIPT], spec, logprobs.splitCharacters ?? false).tokens[0];
    const verdict = judgeLogprobs({ sawLogprobs: collected.sawLogprobs, sawText: text.length > 0, errorStatus: error?.status, errorMessage: error?.message });
    return { tokens: collected.tokens(0), expected, text, verdict };
  }

  const cases: [Flavor, 'completion' | 'chat', LogprobsServerOptions][] = [
    ['vllm', 'completion', { spelling: 'byteLevel', splitCharacters: true }],
    ['litellm', 'completion', { spelling: 'sentencePiece', splitCharacters: true }],
    ['vllm', 'completion', { spelling: 'decoded', partial: 'escaped', splitCharacters: true }],
    ['llamacpp', 'completion', { splitCharacters: true }],
    ['llamacpp', 'chat', { splitCharacters: true }],
    ['vllm', 'chat', {}],
  ];
  for (const [flavor, mode, options] of cases) {
    for (const stream of [true, false]) {
      it(`${flavor} ${mode} ${JSON.stringify(options)}, ${stream ? 'streamed' : 'not streamed'}: the server’s tokens, tiling its text`, async () => {
        const { tokens, expected, text, verdict } = await generate(flavor, mode, options, stream);
        assert.equal(verdict, 'given');
        assert.equal(text, SCRIPT.join(''));
        assert.equal(tokens.map((t) => t.text).join(''), text);
        assert.deepEqual(
          tokens.map((t) => [t.text, t.logprob, t.top.map((a) => a.logprob)]),
          expected.map((s) => [s.emits, s.logprob, s.top.map((a) => a.logprob)]),
        );
      });
    }
  }

  it('a flavour that ignores the request: text, no probabilities, judged ignored', async () => {
    const { tokens, text, verdict } = await generate('vllm', 'completion', { support: 'ignore' }, true);
    assert.equal(text, SCRIPT.join(''));
    assert.deepEqual(tokens, []);
    assert.equal(verdict, 'ignored');
  });

  it('a flavour that refuses it with a 400: judged refused', async () => {
    const { text, verdict } = await generate('litellm', 'chat', { support: 'reject' }, true);
    assert.equal(text, '');
    assert.equal(verdict, 'refused');
  });

  it('vLLM refuses more than 20 alternatives; clamped, the same request is answered', async () => {
    server = await startProviderTestServer({ flavor: 'vllm', script: SCRIPT });
    const url = `${server.url}/v1/completions`;
    const ask = (fields: Record<string, unknown>) =>
      collect(streamCompletion({ url, headers: { authorization: `Bearer ${KEY}` }, body: { model: 'M', prompt: 'x', stream: true, ...fields }, mode: 'completion', withLogprobs: true }, { retry: { maxRetries: 0 } }));
    const refused = (await ask({ logprobs: 21 })).find((p) => p.kind === 'error');
    assert.ok(refused && refused.kind === 'error');
    assert.equal(judgeLogprobs({ sawLogprobs: false, sawText: false, errorStatus: refused.error.status, errorMessage: refused.error.providerMessage }), 'refused');
    const answered = await ask(logprobsFields('completion', 21));
    assert.ok(answered.some((p) => p.kind === 'logprobs'));
  });
});
