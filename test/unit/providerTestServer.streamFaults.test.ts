// Faults in how a stream arrives: cut short, stalled (with keep-alives, or resuming), delayed, batched, split
// inside characters; and a scripted answer cut by stop strings, n, max_tokens and the token bound.
import * as assert from 'node:assert/strict';
import { type ProviderTestServer, MAX_STREAM_TOKENS, UNICODE_PIECES, generateProse, startProviderTestServer } from '../server/providerTestServer';
import { chat, decodeChunks, describeProviderTestServer, interpret, json, parseSse, post, readChunks } from './providerTestServerClient';

describeProviderTestServer('faults', () => {
  let server: ProviderTestServer;
  afterEach(async () => { await server?.close(); });

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
});
