// What streamCompletion retries and what it does not: 429 and 503 before the first token (Retry-After honoured), an
// in-stream 429 before any token; never a 401, the system-prompt 500, an error or cut once text has come, or a timeout.
import * as assert from 'node:assert/strict';
import type { ProviderError } from '../../src/core/errors/providerError';
import { sseHead } from './fixtures/httpLoopback';
import { KEY, chunk, kinds, numberedLoopbacksClosedAfterEach, run, text } from './fixtures/streamCompletionRun';

describe('http: streamCompletion', () => {
  const serve = numberedLoopbacksClosedAfterEach();

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
});
