// Each flavor's routes and answer shapes: models lists, token counting, completions and chat (streamed exactly as
// buildStream predicts), and its 401s.
import * as assert from 'node:assert/strict';
import {
  type Flavor,
  type Mode,
  type ProviderTestServer,
  FLAVORS,
  buildStream,
  countTokens,
  generateProse,
  startProviderTestServer,
} from '../server/providerTestServer';
import { chat, decodeChunks, describeProviderTestServer, get, interpret, json, KEY, parseSse, post, readChunks, sameOutcome } from './providerTestServerClient';

describeProviderTestServer('routes and shapes', () => {
  let server: ProviderTestServer;
  afterEach(async () => { await server?.close(); });

  it('litellm: models without context, completions, chat, token_counter, request recording', async () => {
    server = await startProviderTestServer({ flavor: 'litellm' });
    const models = await json(get(server, '/v1/models'));
    assert.equal(models.data[0].owned_by, 'openai');
    assert.equal(models.data[0].max_model_len, undefined);
    const tc = await json(post(server, '/utils/token_counter', { model: 'Midnight-Miqu-70B-v1.5', prompt: 'one two three' }));
    assert.deepEqual(tc, { total_tokens: 3, request_model: 'Midnight-Miqu-70B-v1.5', model_used: 'Infermatic/Midnight-Miqu-70B-v1.5', tokenizer_type: 'huggingface_tokenizer' });
    const tc2 = await json(post(server, '/utils/token_counter', { model: 'mystery', messages: [{ role: 'user', content: 'one two three' }] }));
    assert.equal(tc2.tokenizer_type, 'openai_tokenizer');
    const nonStream = await json(post(server, '/v1/completions', { model: 'm', prompt: 'Once', max_tokens: 4 }));
    assert.equal(nonStream.object, 'text_completion');
    assert.equal(nonStream.choices[0].finish_reason, 'length');
    assert.equal(nonStream.choices[0].text, generateProse('m\nOnce', 4).join(''));
    assert.deepEqual(nonStream.usage, { prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 });
    const c = await json(post(server, '/v1/chat/completions', { ...chat('m'), stream: false }));
    assert.equal(c.choices[0].message.role, 'assistant');
    const r = server.requests.find((x) => x.path === '/v1/chat/completions');
    assert.ok(r);
    assert.equal(r.authorization, `Bearer ${KEY}`);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.body.model, 'm');
    assert.ok(r.time > 0 && r.completed && !r.aborted && r.status === 200);
  });

  it('streams exactly the bytes buildStream predicts (every flavor, both routes)', async () => {
    for (const flavor of FLAVORS) {
      server = await startProviderTestServer({ flavor, clock: () => 1_700_000_000_000 });
      for (const mode of ['completions', 'chat'] as Mode[]) {
        const path = mode === 'chat' ? '/v1/chat/completions' : '/v1/completions';
        const prompt = 'Tell me about the lighthouse keeper';
        const body = mode === 'chat'
          ? chat('Midnight-Miqu-70B-v1.5', { n: flavor === 'koboldcpp' ? 1 : 2, stream_options: { include_usage: true } })
          : { model: 'Midnight-Miqu-70B-v1.5', prompt, max_tokens: 5, stream: true, n: flavor === 'koboldcpp' ? 1 : 2 };
        const res = await post(server, path, body);
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
        const text = decodeChunks(await readChunks(res));
        const n = flavor === 'koboldcpp' ? 1 : 2;
        const firstData = parseSse(text).events.find((e) => e.data !== undefined && e.data.startsWith('{'));
        const id = JSON.parse(firstData?.data ?? '{}').id as string;
        const pieces = Array.from({ length: n }, (_, c) => generateProse(`Midnight-Miqu-70B-v1.5\n${prompt}`, 5, c));
        const built = buildStream(flavor, mode, pieces, {
          model: 'Midnight-Miqu-70B-v1.5', n, maxTokens: 5, id, created: 1_700_000_000, promptTokens: countTokens(prompt), includeUsage: mode === 'chat',
        });
        assert.equal(text, built.text, `${flavor} ${mode}`);
        sameOutcome(interpret(text, n), built.expected, `${flavor} ${mode}`);
      }
      await server.close();
    }
  });

  it('vllm: max_model_len, /tokenize, max_tokens default 16 on completions', async () => {
    server = await startProviderTestServer({ flavor: 'vllm' });
    const models = await json(get(server, '/v1/models'));
    assert.equal(models.data.find((m: { id: string }) => m.id === 'Midnight-Miqu-70B-v1.5').max_model_len, 8192);
    const tok = await json(post(server, '/tokenize', { model: 'Midnight-Miqu-70B-v1.5', prompt: 'a b c d' }));
    assert.equal(tok.count, 4);
    assert.equal(tok.max_model_len, 8192);
    assert.equal(tok.tokens.length, 4);
    const c = await json(post(server, '/v1/completions', { model: 'm', prompt: 'x' }));
    assert.equal(c.usage.completion_tokens, 16);
    assert.equal((await post(server, '/utils/token_counter', { model: 'm', prompt: 'x' })).status, 404);
  });

  it('llama.cpp: /tokenize {content}, /props n_ctx, models without auth', async () => {
    server = await startProviderTestServer({ flavor: 'llamacpp', models: [{ id: 'local', contextLength: 4096 }] });
    const tok = await json(post(server, '/tokenize', { content: 'hello big world' }));
    assert.deepEqual(Object.keys(tok), ['tokens']);
    assert.equal(tok.tokens.length, 3);
    const props = await json(get(server, '/props', null));
    assert.equal(props.default_generation_settings.n_ctx, 4096);
    assert.equal((await get(server, '/v1/models', null)).status, 200);
    assert.equal((await post(server, '/v1/completions', { prompt: 'x' }, { key: null })).status, 401);
    const bad = await post(server, '/v1/completions', null, { raw: '{not json' });
    assert.equal(bad.status, 500);
  });

  it('aimlapi: GET /models without auth, with info.contextLength; errors in its own shape', async () => {
    server = await startProviderTestServer({ flavor: 'aimlapi' });
    const res = await get(server, '/models', null);
    assert.equal(res.status, 200);
    const m = (await json(res)).data.find((x: { id: string }) => x.id === 'anthracite-org/magnum-v4-72b');
    assert.equal(m.type, 'chat-completion');
    assert.equal(m.info.contextLength, 32768);
    server.setScenario({ error: { kind: 'rateLimit' } });
    const r = await post(server, '/v1/chat/completions', chat('anthracite-org/magnum-v4-72b'));
    assert.equal(r.status, 429);
    const b = await json(r);
    assert.equal(b.statusCode, '429');
    assert.equal(b.path, '/v1/chat/completions');
    assert.match(b.message, /^Free-tier limit/);
    assert.ok(b.requestId && b.timestamp);
  });

  it('auth: flavor 401 shapes, configurable keys, optional', async () => {
    const expect401: Record<Flavor, (b: any) => void> = { // eslint-disable-line @typescript-eslint/no-explicit-any
      litellm: (b) => { assert.match(b.error.message, /^Authentication Error, Invalid proxy server token passed/); assert.equal(b.error.code, '401'); assert.ok(!JSON.stringify(b).includes('wrong-key-123')); },
      vllm: (b) => assert.deepEqual(b, { error: 'Unauthorized' }),
      llamacpp: (b) => assert.equal(b.error.type, 'authentication_error'),
      aimlapi: (b) => assert.equal(b.statusCode, '401'),
      openrouter: (b) => assert.equal(b.error.code, 401),
      koboldcpp: (b) => assert.equal(b.error.code, 401),
    };
    for (const flavor of FLAVORS) {
      server = await startProviderTestServer({ flavor, apiKeys: ['k1', 'k2'] });
      const r = await post(server, '/v1/chat/completions', chat('m'), { key: 'wrong-key-123' });
      assert.equal(r.status, 401, flavor);
      expect401[flavor](await json(r));
      assert.equal((await post(server, '/v1/chat/completions', chat('m', { stream: false }), { key: 'k2' })).status, 200);
      await server.close();
    }
    server = await startProviderTestServer({ flavor: 'litellm' });
    const none = await json(post(server, '/v1/chat/completions', chat('m'), { key: null }));
    assert.equal(none.error.message, 'Authentication Error, No api key passed in.');
    await server.close();
    server = await startProviderTestServer({ requireAuth: false });
    assert.equal((await post(server, '/v1/chat/completions', chat('m', { stream: false }), { key: null })).status, 200);
  });
});
