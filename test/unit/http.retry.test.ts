import * as assert from 'node:assert/strict';
import type * as http from 'node:http';
import { ProviderError } from '../../src/core/errors/providerError';
import { retryDelayMs, withRetries, type RetryPolicy } from '../../src/core/http/retry';
import { streamCompletion, type StreamCompletionOptions } from '../../src/core/http/streamCompletion';
import type { StreamPiece } from '../../src/core/stream/completionStream';
import { PROBE_PATH, collect, probe, sseHead, startLoopback, type Loopback } from './fixtures/httpLoopback';

const KEY = 'sk-canary-retry-987';

function policy(over: Partial<RetryPolicy> = {}): RetryPolicy & { slept: number[] } {
  const slept: number[] = [];
  return {
    maxRetries: 3,
    baseDelayMs: 100,
    maxDelayMs: 5_000,
    random: () => 0.5,
    sleep: async (ms) => {
      slept.push(ms);
    },
    ...over,
    slept,
  };
}

const err = (init: ConstructorParameters<typeof ProviderError>[0]): ProviderError => new ProviderError(init);

describe('http: withRetries', () => {
  it('retries retryable errors with exponential, jittered backoff, then succeeds', async () => {
    const p = policy();
    let calls = 0;
    const result = await withRetries(async (attempt) => {
      calls++;
      if (attempt < 3) throw err({ kind: 'server', status: 503 });
      return 'ok';
    }, p);
    assert.equal(result, 'ok');
    assert.equal(calls, 4);
    // step = 100·2^k, delay = step/2 + 0.5·step/2 = 0.75·step
    assert.deepEqual(p.slept, [75, 150, 300]);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const p = policy({ maxRetries: 2 });
    let calls = 0;
    const e = await withRetries(async () => {
      calls++;
      throw err({ kind: 'rate-limit', status: 429, providerMessage: `try ${calls}` });
    }, p).catch((x: unknown) => x);
    assert.ok(e instanceof ProviderError);
    assert.equal(e.providerMessage, 'try 3');
    assert.equal(calls, 3);
  });

  it('never retries 400, 401, 402, 403, 404, even if marked retryable', async () => {
    for (const status of [400, 401, 402, 403, 404]) {
      let calls = 0;
      await assert.rejects(
        withRetries(async () => {
          calls++;
          throw err({ kind: 'server', status, retryable: true });
        }, policy()),
      );
      assert.equal(calls, 1, String(status));
    }
  });

  it('does not retry non-retryable kinds or foreign errors', async () => {
    for (const e of [err({ kind: 'context-overflow', status: 400 }), err({ kind: 'aborted' }), new TypeError('bug')]) {
      let calls = 0;
      await assert.rejects(
        withRetries(async () => {
          calls++;
          throw e;
        }, policy()),
      );
      assert.equal(calls, 1);
    }
  });

  it('honours Retry-After as a floor, and gives up when it exceeds maxDelayMs', async () => {
    const p = policy();
    let calls = 0;
    await withRetries(async () => {
      if (calls++ === 0) throw err({ kind: 'rate-limit', status: 429, retryAfterMs: 2_000 });
      return 1;
    }, p);
    assert.deepEqual(p.slept, [2_000]);

    const q = policy({ maxDelayMs: 1_000 });
    calls = 0;
    await assert.rejects(
      withRetries(async () => {
        calls++;
        throw err({ kind: 'rate-limit', status: 429, retryAfterMs: 60_000 });
      }, q),
      (e: unknown) => e instanceof ProviderError && e.retryAfterMs === 60_000,
    );
    assert.equal(calls, 1);
    assert.deepEqual(q.slept, []);
  });

  it('caps the exponential step at maxDelayMs; jitter stays within [step/2, step]', () => {
    const e = err({ kind: 'server', status: 500 });
    const base: RetryPolicy = { maxRetries: 9, baseDelayMs: 100, maxDelayMs: 1_000 };
    assert.equal(retryDelayMs(0, e, { ...base, random: () => 0 }), 50);
    assert.equal(retryDelayMs(0, e, { ...base, random: () => 0.999999 }), 100);
    assert.equal(retryDelayMs(8, e, { ...base, random: () => 0.999999 }), 1_000);
    assert.equal(retryDelayMs(8, e, { ...base, random: () => 0 }), 500);
  });

  it('canRetry can veto (e.g. a token already reached the user)', async () => {
    let calls = 0;
    await assert.rejects(
      withRetries(async () => {
        calls++;
        throw err({ kind: 'server', status: 500 });
      }, policy({ canRetry: () => false })),
    );
    assert.equal(calls, 1);
  });

  it('stops when the signal aborts during the wait (default sleep)', async () => {
    const controller = new AbortController();
    let calls = 0;
    const e = await withRetries(
      async () => {
        calls++;
        throw err({ kind: 'server', status: 500 });
      },
      // The wait starts right after onRetry, in the same turn: the abort on the next turn lands inside it.
      { maxRetries: 3, baseDelayMs: 10_000, maxDelayMs: 10_000, random: () => 0, onRetry: () => setImmediate(() => controller.abort()) },
      controller.signal,
    ).catch((x: unknown) => x);
    // A wait deaf to the signal would run its 5 s, try again and end on that attempt's server error.
    assert.ok(e instanceof ProviderError && e.kind === 'aborted', String(e));
    assert.equal(calls, 1);
  });
});

// ---------------------------------------------------------------------------------------------

const chunk = (text: string, finish: string | null = null): string =>
  `data: ${JSON.stringify({ object: 'text_completion', choices: [{ index: 0, text, finish_reason: finish }] })}\n\n`;

function kinds(pieces: StreamPiece[]): string[] {
  return pieces.map((p) => (p.kind === 'error' ? `error:${p.error.kind}` : p.kind === 'end' ? `end:${p.outcome}` : p.kind));
}
function text(pieces: StreamPiece[]): string {
  return pieces.map((p) => (p.kind === 'text' ? p.text : '')).join('');
}

describe('http: streamCompletion', () => {
  const servers: Loopback[] = [];
  const serve = async (h: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void): Promise<Loopback> => {
    const s = await startLoopback((req, res, _seen, n) => h(req, res, n));
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  function run(s: Loopback, options: Partial<StreamCompletionOptions> & { slept?: number[] } = {}): Promise<StreamPiece[]> {
    const slept = options.slept ?? [];
    return collect(
      streamCompletion(
        {
          url: `${s.url}/v1/completions`,
          headers: { authorization: `Bearer ${KEY}` },
          body: { model: 'M', prompt: 'x', stream: true, max_tokens: 5 },
          mode: 'completion',
        },
        {
          secrets: [KEY],
          retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 5_000, random: () => 0, sleep: async (ms) => void slept.push(ms) },
          ...options,
        },
      ),
    );
  }

  it('retries 429 (Retry-After honoured) and 503 before the first token, then streams', async () => {
    const s = await serve((_req, res, n) => {
      if (n === 1) {
        res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' });
        res.end('{"message":"Free-tier limit","path":"/v1/completions","requestId":"r","statusCode":"429"}');
      } else if (n === 2) {
        res.writeHead(503);
        res.end('Service Unavailable');
      } else {
        sseHead(res);
        res.end(chunk('Hello') + chunk(' world', 'stop') + 'data: [DONE]\n\n');
      }
    });
    const slept: number[] = [];
    const log: string[] = [];
    const pieces = await run(s, { slept, log: (l) => log.push(l) });
    assert.equal(text(pieces), 'Hello world');
    assert.deepEqual(kinds(pieces), ['text', 'text', 'finish', 'end:done']);
    assert.equal(s.requests.length, 3);
    assert.deepEqual(slept, [2_000, 100]);
    assert.ok(log.some((l) => /→ 429/.test(l)) && log.some((l) => /retry 1 in 2000 ms after .*HTTP 429.*Free-tier limit/.test(l)));
    assert.ok(!log.join('\n').includes(KEY));
  });

  it('never retries a 401; the error piece carries the next step', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(401);
      res.end(`{"error":{"message":"Invalid key ${KEY}"}}`);
    });
    const pieces = await run(s);
    assert.deepEqual(kinds(pieces), ['error:auth', 'end:error']);
    assert.equal(s.requests.length, 1);
    const e = (pieces[0] as { error: ProviderError }).error;
    assert.equal(e.nextStep, 'Run "Inkwell: Set API Key".');
    assert.ok(!e.message.includes(KEY));
  });

  it('the system-prompt 500 is not retried here: the caller folds and retries', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(500);
      res.end(
        '{"error":{"message":"litellm.APIError: APIError: OpenAIException - Internal Server Error\\nReceived Model Group=Midnight-Miqu-70B-v1.5\\nAvailable Model Group Fallbacks=None","type":null,"param":null,"code":"500"}}',
      );
    });
    const pieces = await run(s);
    assert.deepEqual(kinds(pieces), ['error:system-prompt-rejected', 'end:error']);
    assert.equal(s.requests.length, 1);
  });

  it('retries an in-stream 429 that comes before any token', async () => {
    const s = await serve((_req, res, n) => {
      sseHead(res);
      if (n === 1) res.end(': OPENROUTER PROCESSING\n\n' + 'data: {"error":{"code":429,"message":"Rate limit exceeded upstream"}}\n\n');
      else res.end(chunk('ok', 'stop') + 'data: [DONE]\n\n');
    });
    const pieces = await run(s);
    assert.deepEqual(kinds(pieces), ['text', 'finish', 'end:done']);
    assert.equal(s.requests.length, 2);
  });

  it('does not retry once a token has arrived: mid-stream error keeps the text', async () => {
    const s = await serve((_req, res) => {
      sseHead(res);
      res.end(chunk('Once') + chunk(' upon') + 'data: {"error":{"message":"upstream died","type":"None","param":"None","code":"500"}}\n\n');
    });
    const pieces = await run(s);
    assert.equal(text(pieces), 'Once upon');
    assert.deepEqual(kinds(pieces), ['text', 'text', 'error:stream-error', 'end:error']);
    assert.equal(s.requests.length, 1);
  });

  it('does not retry a first-byte timeout, and says so', async () => {
    // Retrying a server that took the request but did not answer made the writer wait the whole
    // first-byte timeout again, up to maxRetries times, before any message.
    const s = await serve((_req, res, n) => {
      sseHead(res);
      if (n > 1) res.end(chunk('late but here', 'stop'));
    });
    const pieces = await run(s, { timeouts: { firstByteMs: 80 } });
    assert.equal(text(pieces), '');
    assert.deepEqual(kinds(pieces), ['error:timeout', 'end:error']);
    const error = pieces.find((p) => p.kind === 'error');
    assert.match(error && 'error' in error ? error.error.message : '', /No answer within 80 ms \(not retried/);
    assert.equal(s.requests.length, 1);
    await s.closed(1);
  });

  it('a stream cut after text is truncated, with a cut error, and not retried', async () => {
    const s = await serve((_req, res) => {
      sseHead(res);
      res.end(chunk('Half a sen'));
    });
    const pieces = await run(s);
    assert.deepEqual(kinds(pieces), ['text', 'error:cut', 'end:truncated']);
    assert.equal(s.requests.length, 1);
  });

  it('an idle timeout after text is a truncation that names the timeout', async () => {
    const s = await serve((_req, res) => {
      sseHead(res);
      res.write(chunk('Some'));
    });
    const pieces = await run(s, { timeouts: { idleMs: 60 } });
    assert.deepEqual(kinds(pieces), ['text', 'error:timeout', 'end:truncated']);
    await s.closed(1);
  });

  it('abort mid-stream: the server sees the drop at once; text kept; aborted piece', async () => {
    const s = await serve((_req, res) => {
      sseHead(res);
      res.write(chunk('Tok'));
    });
    const controller = new AbortController();
    const pieces: StreamPiece[] = [];
    // No timer of the client's can end this connection while the test runs: only the abort can.
    const timeouts = { connectMs: 600_000, firstByteMs: 600_000, idleMs: 600_000 };
    for await (const p of streamCompletion({ url: s.url, body: {}, mode: 'completion' }, { signal: controller.signal, timeouts })) {
      pieces.push(p);
      if (p.kind === 'text') controller.abort();
    }
    await s.closed(1);
    assert.deepEqual(kinds(pieces), ['text', 'error:aborted', 'end:truncated']);
  });

  it('abort during the backoff wait ends with an aborted error', async () => {
    const controller = new AbortController();
    const s = await serve((_req, res) => {
      res.writeHead(503);
      res.end();
    });
    // The backoff wait starts right after onRetry, in the same turn: the abort on the next turn lands inside it.
    const onRetry = () => void setImmediate(() => controller.abort());
    const pieces = await collect(
      streamCompletion(
        { url: s.url, body: {}, mode: 'completion' },
        { signal: controller.signal, retry: { maxRetries: 3, baseDelayMs: 10_000, maxDelayMs: 10_000, onRetry } },
      ),
    );
    assert.deepEqual(kinds(pieces), ['error:aborted', 'end:error']);
    assert.equal(s.requests.length, 1);
  });

  it('the consumer stopping early drops the connection', async () => {
    const s = await serve((_req, res) => {
      sseHead(res);
      const t = setInterval(() => res.write(chunk('x')), 5);
      res.on('close', () => clearInterval(t));
    });
    for await (const p of streamCompletion({ url: s.url, body: {}, mode: 'completion' })) {
      if (p.kind === 'text') break;
    }
    await s.closed(1);
  });

  it('stops at [DONE] even if the server keeps the connection open', async () => {
    const s = await serve((_req, res) => {
      sseHead(res);
      res.write(chunk('a', 'stop') + 'data: [DONE]\n\n');
    });
    const pieces = await run(s, { timeouts: { idleMs: 5_000 } });
    assert.deepEqual(kinds(pieces), ['text', 'finish', 'end:done']);
    await s.closed(1);
  });

  it('a redirect is an error and the target sees nothing', async () => {
    const target = await serve((_req, res) => res.end());
    const s = await serve((_req, res) => {
      res.writeHead(307, { location: `${target.url}/v1/completions` });
      res.end();
    });
    const pieces = await run(s);
    assert.deepEqual(kinds(pieces), ['error:redirect', 'end:error']);
    await probe(target);
    assert.deepEqual(target.requests.map((r) => r.url), [PROBE_PATH]);
  });

  it('a server that ignores stream:true and answers one JSON completion still gives pieces', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Whole answer' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
        }),
      );
    });
    const pieces = await collect(streamCompletion({ url: s.url, body: {}, mode: 'chat' }));
    assert.equal(text(pieces), 'Whole answer');
    assert.deepEqual(kinds(pieces), ['text', 'finish', 'usage', 'end:done']);
  });

  it('a 200 JSON error body and a 200 HTML page are errors, not empty successes', async () => {
    const s = await serve((_req, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"proxy says no","code":"400"}}');
      } else {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<html><head><title>Sign in to the hotel Wi-Fi</title></head></html>');
      }
    });
    const first = await collect(streamCompletion({ url: s.url, body: {}, mode: 'chat' }));
    assert.deepEqual(kinds(first), ['error:stream-error', 'end:error']);
    const second = await collect(streamCompletion({ url: s.url, body: {}, mode: 'chat' }));
    assert.deepEqual(kinds(second), ['error:server', 'end:error']);
    assert.match((second[0] as { error: ProviderError }).error.providerMessage, /text\/html: Sign in to the hotel Wi-Fi/);
  });

  it('reports the stream’s bytes as activity, and no comment where it sends none', async () => {
    const s = await serve((_req, res) => {
      sseHead(res);
      res.end(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }] })}\n\n`);
    });
    let comments = 0;
    let activity = 0;
    const pieces = await collect(
      streamCompletion({ url: s.url, body: {}, mode: 'chat', expectedChoices: 1 }, { onComment: () => comments++, onActivity: () => activity++ }),
    );
    assert.deepEqual(kinds(pieces), ['text', 'finish', 'end:done']);
    assert.ok(activity >= 1);
    assert.equal(comments, 0);
  });
});
