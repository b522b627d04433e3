import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import {
  type CaptureServer,
  type ExpectedStream,
  type Flavor,
  type Mode,
  type ProviderTestServer,
  FLAVORS,
  MAX_STREAM_TOKENS,
  UNICODE_PIECES,
  buildStream,
  buildStreamBytes,
  countTokens,
  generateProse,
  splitBytes,
  startCaptureServer,
  startProviderTestServer,
} from '../server/providerTestServer';

// ---------------------------------------------------------------------------------------------
// A small, independent, lenient SSE reader used to check the server's bytes.
// ---------------------------------------------------------------------------------------------

interface SseEvent { data: string | undefined; fields: Record<string, string> }

function parseSse(text: string): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let data: string[] = [];
  let fields: Record<string, string> = {};
  const dispatch = (): void => {
    if (data.length > 0 || Object.keys(fields).length > 0) events.push({ data: data.length > 0 ? data.join('\n') : undefined, fields });
    data = [];
    fields = {};
  };
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line === '') { dispatch(); continue; }
    if (line.startsWith(':')) { comments.push(line.slice(1).trim()); continue; }
    const i = line.indexOf(':');
    const name = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') data.push(value);
    else fields[name] = value;
  }
  dispatch(); // a last event without a blank line
  return { events, comments };
}

interface Outcome { texts: string[]; finishReasons: (string | null)[]; done: boolean; error: unknown; usage: unknown; truncated: boolean }

function interpret(text: string, n: number): Outcome {
  const texts: string[] = Array.from({ length: n }, () => '');
  const finishReasons: (string | null)[] = Array.from({ length: n }, () => null);
  let done = false;
  let error: unknown = null;
  let usage: unknown = null;
  for (const ev of parseSse(text).events) {
    if (ev.fields['error'] !== undefined) error = JSON.parse(ev.fields['error']);
    if (ev.data === undefined) continue;
    if (ev.data === '[DONE]') { done = true; continue; }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const obj: any = JSON.parse(ev.data);
    if (obj.error !== undefined) error = obj;
    if (obj.usage) usage = obj.usage;
    for (const ch of obj.choices ?? []) {
      const t = ch.text ?? ch.delta?.content ?? '';
      texts[ch.index] += t;
      if (ch.finish_reason) finishReasons[ch.index] = ch.finish_reason;
    }
  }
  return { texts, finishReasons, done, error, usage, truncated: !done && finishReasons.some((f) => f === null) };
}

function decodeChunks(chunks: Uint8Array[]): string {
  const d = new TextDecoder();
  return chunks.map((c) => d.decode(c, { stream: true })).join('') + d.decode();
}

function sameOutcome(actual: Outcome, expected: ExpectedStream, label: string): void {
  assert.deepEqual(actual.texts, expected.texts, `${label}: texts`);
  assert.deepEqual(actual.finishReasons, expected.finishReasons, `${label}: finish`);
  assert.equal(actual.done, expected.done, `${label}: done`);
  assert.deepEqual(actual.error, expected.error, `${label}: error`);
  assert.deepEqual(actual.usage, expected.usage, `${label}: usage`);
  assert.equal(actual.truncated, expected.truncated, `${label}: truncated`);
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------

const KEY = 'test-key';

function post(s: { url: string }, path: string, body: unknown, o: { key?: string | null; signal?: AbortSignal; raw?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (o.key !== null) headers['Authorization'] = `Bearer ${o.key ?? KEY}`;
  return fetch(s.url + path, { method: 'POST', headers, body: o.raw ?? JSON.stringify(body), redirect: 'manual', ...(o.signal ? { signal: o.signal } : {}) });
}

function get(s: { url: string }, path: string, key: string | null = KEY): Promise<Response> {
  return fetch(s.url + path, { headers: key === null ? {} : { Authorization: `Bearer ${key}` } });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function json(r: Response | Promise<Response>): Promise<any> {
  return (await r).json();
}

async function readChunks(r: Response): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const reader = (r.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

const chat = (model: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model,
  messages: [{ role: 'user', content: 'Tell me about the lighthouse keeper' }],
  max_tokens: 5,
  stream: true,
  ...extra,
});

// ---------------------------------------------------------------------------------------------

describe('provider test server', function () {
  this.timeout(5000);

  describe('wire helpers (buildStream / buildStreamBytes)', () => {
    const pieces = [' The', ' lamp', ' burned', '\n\nShe', ' waited.'];
    const cases: { name: string; opts: Parameters<typeof buildStream>[3] }[] = [
      { name: 'plain', opts: {} },
      { name: 'length', opts: { maxTokens: 3 } },
      { name: 'n=2 + usage', opts: { n: 2, includeUsage: true, promptTokens: 7 } },
      { name: 'stop string', opts: { stop: ['\n\n'] } },
      { name: 'pending stop string', opts: { stop: ['burned up'] } },
      { name: 'mid-stream error', opts: { midStreamError: { afterTokens: 2, message: 'boom' } } },
      { name: 'error at start', opts: { midStreamError: { afterTokens: 0 } } },
      { name: 'truncated', opts: { truncateAfterTokens: 3 } },
      { name: 'truncated at end', opts: { truncateAfterTokens: 99 } },
      { name: 'multiline + CR + no space + BOM', opts: { encoding: { multiline: true, eol: '\r', space: false, bom: true } } },
      { name: 'no final blank line', opts: { encoding: { omitFinalBlankLine: true } } },
      { name: 'keep-alives', opts: { keepAlivesBeforeFirstToken: 2 } },
    ];
    for (const flavor of FLAVORS) {
      for (const mode of ['completions', 'chat'] as Mode[]) {
        it(`${flavor} ${mode}: the bytes carry exactly the expected outcome in any chunking`, () => {
          let seed = 7;
          const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
          for (const c of cases) {
            const built = buildStream(flavor, mode, pieces, c.opts);
            const n = built.expected.texts.length;
            const label = `${flavor}/${mode}/${c.name}`;
            sameOutcome(interpret(built.text, n), built.expected, label);
            sameOutcome(interpret(decodeChunks(splitBytes(built.bytes, { bytes: 1 })), n), built.expected, `${label} 1-byte`);
            const sizes = Array.from({ length: 5 }, () => 1 + Math.floor(rnd() * 13));
            sameOutcome(interpret(decodeChunks(splitBytes(built.bytes, { bytes: sizes, splitInsideMultibyte: true })), n), built.expected, `${label} random`);
            assert.deepEqual(buildStreamBytes(flavor, mode, pieces, c.opts), built.bytes);
          }
        });
      }
    }

    it('encodes each flavor\'s quirks', () => {
      const kobold = buildStream('koboldcpp', 'completions', [' a', ' b']).text;
      assert.ok(kobold.includes('}\r\n\r\ndata: '), 'koboldcpp uses CRLF CRLF');
      assert.ok(kobold.endsWith('data: [DONE]'), 'koboldcpp [DONE] without newline');

      const orr = buildStream('openrouter', 'chat', [' a'], { midStreamError: { afterTokens: 1 } });
      assert.ok(orr.text.startsWith(': OPENROUTER PROCESSING\n\n'));
      assert.ok(!orr.text.includes('[DONE]'));
      assert.deepEqual(orr.expected.finishReasons, ['error']);
      assert.match(orr.text, /"error":\{"code":"server_error","message":"Provider disconnected unexpectedly"\}/);

      const ll = buildStream('llamacpp', 'completions', [' a', ' b'], { midStreamError: { afterTokens: 1 } });
      assert.match(ll.text, /\nerror: \{"code":500,/);
      assert.ok(ll.text.endsWith('data: [DONE]\n\n'));
      const llRecent = buildStream('llamacpp', 'completions', [' a'], { midStreamError: { afterTokens: 1, style: 'data' } });
      assert.ok(llRecent.text.endsWith('}}\n\n') && !llRecent.text.includes('[DONE]'));
      const llDone = buildStream('llamacpp', 'completions', [' a', ' b'], { promptTokens: 4 });
      const last = JSON.parse(parseSse(llDone.text).events.at(-2)?.data ?? '{}');
      assert.equal(last.choices[0].text, '');
      assert.equal(last.choices[0].finish_reason, 'stop');
      assert.ok(last.timings && last.usage, 'last llama.cpp completions chunk has usage and timings');
      const pending = buildStream('llamacpp', 'completions', [' x', ' The', ' end', ' y'], { stop: ['The end'] });
      assert.ok(pending.text.includes('"text":""'), 'llama.cpp sends empty-text chunks while a stop string is pending');
      assert.deepEqual(pending.expected.texts, [' x ']);

      const lit = buildStream('litellm', 'completions', [' a']).text;
      assert.match(lit, /"choices":\[\{"index":0,"text":null\}\]/);
      assert.match(lit, /"choices":\[\{"index":0,"finish_reason":"stop"\}\]/);
      const litErr = buildStream('litellm', 'chat', [' a', ' b'], { midStreamError: { afterTokens: 1 } });
      assert.ok(!litErr.text.includes('[DONE]'), 'litellm closes without [DONE] after an error');
      const vErr = buildStream('vllm', 'chat', [' a', ' b'], { midStreamError: { afterTokens: 1 } });
      assert.ok(vErr.text.endsWith('data: [DONE]\n\n'), 'vLLM sends [DONE] after an error');

      const usage = buildStream('vllm', 'chat', [' a', ' b'], { includeUsage: true, promptTokens: 3 });
      const evs = parseSse(usage.text).events;
      assert.equal(evs.at(-1)?.data, '[DONE]');
      assert.deepEqual(JSON.parse(evs.at(-2)?.data ?? '{}').choices, []);
      assert.deepEqual(usage.expected.usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    });

    it('splitBytes splits inside multi-byte characters and one byte at a time', () => {
      const bytes = new TextEncoder().encode('a雪😀é');
      const parts = splitBytes(bytes, { splitInsideMultibyte: true });
      assert.ok(parts.length >= 4);
      assert.ok(parts.some((p) => new TextDecoder().decode(p).includes('\uFFFD')), 'some piece alone is not valid UTF-8');
      assert.equal(decodeChunks(parts), 'a雪😀é');
      assert.equal(splitBytes(bytes, { bytes: 1 }).length, bytes.length);
    });

    it('generates deterministic prose and counts words as tokens', () => {
      assert.deepEqual(generateProse('seed', 50), generateProse('seed', 50));
      assert.notDeepEqual(generateProse('seed', 50), generateProse('other', 50));
      assert.notDeepEqual(generateProse('seed', 50, 0), generateProse('seed', 50, 1));
      assert.equal(generateProse('seed', 50).length, 50);
      assert.equal(countTokens('  one two\nthree\t four '), 4);
      const big = buildStream('vllm', 'completions', generateProse('x', 25_000), { maxTokens: 25_000 });
      assert.equal(big.expected.tokensSent, MAX_STREAM_TOKENS);
    });
  });

  describe('routes and shapes', () => {
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

  describe('faults', () => {
    let server: ProviderTestServer;
    let capture: CaptureServer | undefined;
    afterEach(async () => {
      await server?.close();
      await capture?.close();
      capture = undefined;
    });

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

    it('truncation: no [DONE], no finish_reason; destroy variant resets the socket', async () => {
      server = await startProviderTestServer({ flavor: 'vllm', scenario: { truncate: { afterTokens: 3 } } });
      const text = await (await post(server, '/v1/completions', { model: 'm', prompt: 'p', max_tokens: 10, stream: true })).text();
      const o = interpret(text, 1);
      assert.ok(o.truncated && !o.done);
      assert.equal(o.texts[0], generateProse('m\np', 3).join(''));
      server.setScenario({ truncate: { afterTokens: 1, destroy: true } });
      const r = await post(server, '/v1/completions', { model: 'm', prompt: 'p', max_tokens: 10, stream: true });
      await assert.rejects(r.text());
      const rec = await server.waitForRequest((x) => x.seq === 2 && x.endTime !== undefined);
      assert.equal(rec.aborted, false, 'a server-side cut is not a client abort');
    });

    it('stall with keep-alives; client abort is recorded', async () => {
      server = await startProviderTestServer({ flavor: 'openrouter', scenario: { stall: { afterTokens: 2 }, keepAliveEveryMs: 30 } });
      const ac = new AbortController();
      const r = await post(server, '/v1/chat/completions', chat('m', { max_tokens: 10 }), { signal: ac.signal });
      const reader = (r.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      const dec = new TextDecoder();
      while ((text.match(/OPENROUTER PROCESSING/g) ?? []).length < 3) {
        const { value, done } = await reader.read();
        if (done) break;
        text += dec.decode(value, { stream: true });
      }
      assert.equal(interpret(text, 1).texts[0], generateProse('m\nTell me about the lighthouse keeper', 2).join(''));
      assert.equal(server.requests[0]?.aborted, false);
      ac.abort();
      const rec = await server.waitForRequest((x) => x.aborted, 2000);
      assert.equal(rec.completed, false);
    });

    it('stall then resume; first token delay; slow first byte; per-token delay', async () => {
      server = await startProviderTestServer({ flavor: 'vllm', scenario: { stall: { afterTokens: 1, resumeAfterMs: 60 }, keepAliveEveryMs: 20 } });
      const text = await (await post(server, '/v1/chat/completions', chat('m', { max_tokens: 3 }))).text();
      assert.ok(interpret(text, 1).done);
      assert.ok(parseSse(text).comments.filter((c) => c === 'keep-alive').length >= 1);

      server.setScenario({ firstByteDelayMs: 120 });
      let t0 = Date.now();
      const r = await post(server, '/v1/chat/completions', chat('m'));
      assert.ok(Date.now() - t0 >= 110, 'headers delayed');
      await r.text();

      // A first token that never comes: the headers arriving at all shows they do not wait for it.
      server.setScenario({ firstTokenDelayMs: Infinity });
      const ac = new AbortController();
      const waiting = await post(server, '/v1/chat/completions', chat('m', { max_tokens: 4 }), { signal: ac.signal });
      assert.equal(waiting.status, 200, 'headers come before the first token');
      assert.equal(server.requests.at(-1)?.tokensWritten, 0);
      ac.abort();
      await server.waitForRequest((x) => x.aborted, 2000);

      server.setScenario({ tokenDelayMs: 25, firstTokenDelayMs: 250 });
      t0 = Date.now();
      const r2 = await post(server, '/v1/chat/completions', chat('m', { max_tokens: 4 }));
      await r2.text();
      assert.ok(Date.now() - t0 >= 340, 'first token delay + 4 × 25 ms');
      assert.equal(server.requests.at(-1)?.tokenDelays, 4);
    });

    it('tokensPerDelay: the token delay comes once per batch of tokens', async () => {
      server = await startProviderTestServer({ flavor: 'litellm', scenario: { tokenDelayMs: 30, tokensPerDelay: 10 } });
      const t0 = Date.now();
      const res = await post(server, '/v1/chat/completions', chat('m', { max_tokens: 40 }));
      const o = interpret(decodeChunks(await readChunks(res)), 1);
      const elapsed = Date.now() - t0;
      assert.equal(o.texts[0]?.trim().split(/\s+/).length, 40);
      // The server counts its own waits (a bound on the elapsed time would flake on a loaded machine).
      assert.equal(server.requests.at(-1)?.tokenDelays, 4, 'one delay per batch of 10, not per token');
      assert.equal(server.requests.at(-1)?.tokensWritten, 40);
      assert.ok(elapsed >= 4 * 30, `4 batches × 30 ms, not ${elapsed} ms`);
    });

    it('chunking: events split into 1-byte writes and inside UTF-8 characters still carry the Unicode script', async () => {
      server = await startProviderTestServer({ flavor: 'litellm', scenario: { unicode: true, chunking: { bytes: [1, 3], splitInsideMultibyte: true } } });
      const res = await post(server, '/v1/chat/completions', chat('m', { max_tokens: 100 }));
      const chunks = await readChunks(res);
      const o = interpret(decodeChunks(chunks), 1);
      assert.equal(o.texts[0], UNICODE_PIECES.join(''));
      assert.deepEqual(o.finishReasons, ['stop']);
      assert.ok(o.done);
    });

    it('script pieces, stop strings, n>1, max_tokens and the 20,000-token bound', async () => {
      server = await startProviderTestServer({ flavor: 'vllm', script: [' one', ' two', '\n\nthree', ' four'] });
      const full = interpret(await (await post(server, '/v1/chat/completions', chat('m', { max_tokens: 100 }))).text(), 1);
      assert.deepEqual(full.texts, [' one two\n\nthree four']);
      assert.deepEqual(full.finishReasons, ['stop']);
      const cut = interpret(await (await post(server, '/v1/chat/completions', chat('m', { stop: '\n\n' }))).text(), 1);
      assert.deepEqual(cut.texts, [' one two']);
      const len = interpret(await (await post(server, '/v1/chat/completions', chat('m', { max_tokens: 2, n: 3 }))).text(), 3);
      assert.deepEqual(len.texts, [' one two', ' one two', ' one two']);
      assert.deepEqual(len.finishReasons, ['length', 'length', 'length']);
      server.configure({ script: [] });
      const big = await json(post(server, '/v1/completions', { model: 'anthracite-org/magnum-v4-72b', prompt: 'x', max_tokens: 30_000 }));
      assert.equal(big.usage.completion_tokens, MAX_STREAM_TOKENS);
    });

    it('redirect: 307 to another port; the target sees nothing when the client does not follow', async () => {
      capture = await startCaptureServer();
      server = await startProviderTestServer({ scenario: { redirect: { location: capture.url } } });
      const r = await post(server, '/v1/chat/completions', chat('m'));
      assert.equal(r.status, 307);
      assert.equal(r.headers.get('location'), `${capture.url}/v1/chat/completions`);
      assert.equal(capture.requests.length, 0);
      // The capture server itself records whatever reaches it.
      await get(capture, '/v1/models', 'canary');
      assert.equal(capture.requests[0]?.authorization, 'Bearer canary');
    });

    it('drop connection; body cap; unknown route', async () => {
      server = await startProviderTestServer({ maxBodyBytes: 1000, scenario: { dropConnection: true, times: 1 } });
      await assert.rejects(post(server, '/v1/chat/completions', chat('m')));
      const big = await post(server, '/v1/chat/completions', { ...chat('m'), pad: 'x'.repeat(5000) });
      assert.equal(big.status, 413);
      assert.equal((await post(server, '/v1/nothing', {})).status, 404);
    });

    it('control endpoint: scenario, requests, reset, config (cross-process)', async () => {
      server = await startProviderTestServer();
      const ctl = (op: string, body: unknown): Promise<Response> => fetch(`${server.url}/__control/${op}`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal((await ctl('scenario', { error: { kind: 'rateLimit', retryAfterSeconds: 2 }, times: 1 })).status, 200);
      const r = await post(server, '/v1/chat/completions', chat('m'));
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '2');
      const recs = await json(fetch(`${server.url}/__control/requests`));
      assert.equal(recs.length, 1, 'control requests are not recorded');
      assert.equal(recs[0].status, 429);
      await ctl('config', { apiKeys: ['other'] });
      assert.equal((await post(server, '/v1/chat/completions', chat('m'))).status, 401);
      await ctl('reset', null);
      assert.equal(server.requests.length, 0);
    });

    it('close() destroys open streams; maxLifetimeMs stops the server by itself', async () => {
      server = await startProviderTestServer({ scenario: { stall: { afterTokens: 0 } } });
      const r = await post(server, '/v1/chat/completions', chat('m'));
      const reading = r.text();
      await server.waitForRequest((x) => x.status === 200);
      // The stream stalls for ever: close() returns only because it destroyed it.
      await server.close();
      await assert.rejects(reading);

      server = await startProviderTestServer({ maxLifetimeMs: 80 });
      const url = server.url;
      await server.closed;
      await assert.rejects(fetch(`${url}/v1/models`));
    });

    it('works with a plain node:http client (non-stream chat)', async () => {
      server = await startProviderTestServer({ flavor: 'llamacpp' });
      const body = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
      const text = await new Promise<string>((resolve, reject) => {
        const req = http.request(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' } }, (res) => {
          let s = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => { s += d; });
          res.on('end', () => resolve(s));
        });
        req.on('error', reject);
        req.end(body);
      });
      const j = JSON.parse(text);
      assert.equal(j.choices[0].finish_reason, 'length');
      assert.ok(j.timings);
    });
  });
});
