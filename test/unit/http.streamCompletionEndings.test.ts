// How a streamCompletion ends: aborted mid-stream or during the backoff wait, dropped by the consumer, stopped at
// [DONE]; a redirect, a whole JSON answer, and 200s that are errors; and the activity it reports on the way.
import * as assert from 'node:assert/strict';
import type { ProviderError } from '../../src/core/errors/providerError';
import { streamCompletion } from '../../src/core/http/streamCompletion';
import type { StreamPiece } from '../../src/core/stream/completionStream';
import { PROBE_PATH, collect, probe, sseHead } from './fixtures/httpLoopback';
import { chunk, kinds, numberedLoopbacksClosedAfterEach, run, text } from './fixtures/streamCompletionRun';

describe('http: streamCompletion', () => {
  const serve = numberedLoopbacksClosedAfterEach();

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
