// Faults the server answers with an error: context overflow, the system-prompt 500, status errors in each flavor's
// shape (with Retry-After and a number of failures before success), and errors in the middle of a stream.
import * as assert from 'node:assert/strict';
import { type Flavor, type ProviderTestServer, FLAVORS, generateProse, startProviderTestServer } from '../server/providerTestServer';
import { chat, describeProviderTestServer, get, interpret, json, post } from './providerTestServerClient';

describeProviderTestServer('faults', () => {
  let server: ProviderTestServer;
  afterEach(async () => { await server?.close(); });

  it('context overflow from the model table: vLLM wording, llama.cpp shape', async () => {
    server = await startProviderTestServer({ flavor: 'vllm' });
    const words = Array.from({ length: 60 }, () => 'word').join(' ');
    const r = await post(server, '/v1/chat/completions', { model: 'tiny-test-model', messages: [{ role: 'user', content: words }], max_tokens: 10, stream: true });
    assert.equal(r.status, 400);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    const b = await json(r);
    assert.match(b.error.message, /maximum context length is 64 tokens/i);
    assert.match(b.error.message, /you requested 70 tokens \(60 in the messages, 10 in the completion\)/);
    server.configure({ flavor: 'llamacpp' });
    const l = await json(post(server, '/v1/completions', { model: 'tiny-test-model', prompt: words + ' ' + words, stream: true }));
    assert.deepEqual(l.error.type, 'exceed_context_size_error');
    assert.equal(l.error.code, 400);
    server.configure({ flavor: 'litellm' });
    server.setScenario({ error: { kind: 'contextOverflow' } });
    const lit = await json(post(server, '/v1/chat/completions', chat('Midnight-Miqu-70B-v1.5')));
    assert.match(lit.error.message, /maximum context length is 8192/);
    assert.equal(lit.error.code, '400');
    server.setScenario({ error: { status: 400, shape: 'vllmFlat', message: 'old style' } });
    const flat = await json(post(server, '/v1/chat/completions', chat('m')));
    assert.deepEqual(flat, { object: 'error', message: 'old style', type: 'BadRequestError', param: null, code: 400 });
  });

  it('system prompt rejection: exact 500 body for listed models only', async () => {
    server = await startProviderTestServer();
    const body = (model: string): Record<string, unknown> => ({ model, messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Hi' }], max_tokens: 3 });
    const r = await post(server, '/v1/chat/completions', body('Midnight-Miqu-70B-v1.5'));
    assert.equal(r.status, 500);
    assert.equal(await r.text(), JSON.stringify({ error: { message: 'litellm.APIError: APIError: OpenAIException - Internal Server Error\nReceived Model Group=Midnight-Miqu-70B-v1.5\nAvailable Model Group Fallbacks=None', type: null, param: null, code: '500' } }));
    assert.equal((await post(server, '/v1/chat/completions', body('Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic'))).status, 200);
    assert.equal((await post(server, '/v1/chat/completions', { ...body('Midnight-Miqu-70B-v1.5'), messages: [{ role: 'user', content: 'Be terse.\n\nHi' }] })).status, 200);
    server.configure({ systemPromptRejectingModels: ['Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic'] });
    assert.equal((await post(server, '/v1/chat/completions', body('Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic'))).status, 500);
  });

  it('status errors in flavor shapes; 429 Retry-After; failTimes then success', async () => {
    server = await startProviderTestServer({ flavor: 'openrouter' });
    for (const [kind, status] of [['noCredits', 402], ['forbidden', 403], ['notFound', 404], ['timeout', 408], ['badGateway', 502], ['unavailable', 503], ['serverError', 500]] as const) {
      server.setScenario({ error: { kind } });
      const r = await post(server, '/v1/chat/completions', chat('m'));
      assert.equal(r.status, status, kind);
      const b = await json(r);
      assert.equal(b.error.code, status);
      assert.equal(typeof b.error.message, 'string');
    }
    server.configure({ flavor: 'litellm' });
    server.setScenario({ error: { kind: 'rateLimit', retryAfterSeconds: 3 }, failTimes: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await post(server, '/v1/chat/completions', chat('m'));
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '3');
      assert.equal((await json(r)).error.code, '429');
    }
    const ok = await post(server, '/v1/chat/completions', chat('m'));
    assert.equal(ok.status, 200);
    assert.ok(interpret(await ok.text(), 1).done);
    server.setScenario({ error: { status: 502, rawBody: '<html><body>502 Bad Gateway</body></html>' }, times: 1 });
    const html = await post(server, '/v1/chat/completions', chat('m'));
    assert.equal(html.status, 502);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    await html.text();
    assert.equal((await post(server, '/v1/chat/completions', chat('m'))).status, 200, 'times: 1 then back to normal');
    // Scenarios match generation routes by default: the models list is untouched.
    server.setScenario({ error: { status: 500 } });
    assert.equal((await get(server, '/v1/models')).status, 200);
  });

  it('mid-stream errors per flavor', async () => {
    const checks: Record<Flavor, (text: string) => void> = {
      litellm: (t) => { assert.match(t, /data: \{"error":\{"message":"boom"/); assert.ok(!t.includes('[DONE]')); },
      vllm: (t) => { assert.match(t, /data: \{"error":\{"object":"error","message":"boom"/); assert.ok(t.endsWith('data: [DONE]\n\n')); },
      llamacpp: (t) => { assert.match(t, /\nerror: \{"code":500,"message":"boom"/); assert.ok(t.endsWith('data: [DONE]\n\n')); },
      aimlapi: (t) => { assert.match(t, /data: \{"error":/); assert.ok(!t.includes('[DONE]')); },
      openrouter: (t) => { assert.match(t, /"finish_reason":"error"/); assert.match(t, /"error":\{"code":"server_error","message":"boom"\}/); },
      koboldcpp: (t) => { assert.match(t, /data: \{"error":/); assert.ok(t.endsWith('data: [DONE]')); },
    };
    for (const flavor of FLAVORS) {
      server = await startProviderTestServer({ flavor, scenario: { midStreamError: { afterTokens: 2, message: 'boom' } } });
      const text = await (await post(server, '/v1/chat/completions', chat('m'))).text();
      checks[flavor](text);
      assert.equal(interpret(text, 1).texts[0], generateProse('m\nTell me about the lighthouse keeper', 2).join(''), flavor);
      await server.close();
    }
  });
});
