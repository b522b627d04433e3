// TokenCounter with a server counter: debounced and cached, each keystroke aborting the last wait, weighed against
// local counts and the estimate, backed off after a failure, and dropped with its cache by configure().
import * as assert from 'assert';
import { TokenCounter } from '../../src/core/tokens/tokenCounter';
import { isAbortError } from '../../src/core/tokens/scheduler';
import { TokenCount } from '../../src/core/tokens/types';
import { DOC, FakeLocal, FakeScheduler, fakeServer, flush } from './tokensCounterFakes';

describe('tokens: TokenCounter', () => {
  it('server: debounced, cached by content, preferred when exact', async () => {
    const sched = new FakeScheduler();
    const server = fakeServer({ contextLength: 32768 });
    const c = new TokenCounter({ family: 'qwen2', local: new FakeLocal(), server, scheduler: sched, serverDebounceMs: 500 });
    const p = c.count(DOC);
    await flush();
    assert.strictEqual(server.calls.length, 0, 'waits for the debounce');
    assert.strictEqual(sched.sleeping, 1);
    await sched.advance(499);
    assert.strictEqual(server.calls.length, 0);
    await sched.advance(1);
    const r = await p;
    assert.deepStrictEqual(r, { count: 1000 + DOC.length, exact: true, source: 'server', tokenizer: 'server', contextLength: 32768 });
    // Same text again: from the cache, no wait.
    const r2 = await c.count(DOC);
    assert.strictEqual(r2.source, 'server');
    assert.strictEqual(server.calls.length, 1);
    assert.strictEqual(c.lastStats.serverCacheHits, 1);
  });

  it('server: each keystroke aborts the previous wait; only the last text is sent', async () => {
    const sched = new FakeScheduler();
    const server = fakeServer();
    const c = new TokenCounter({ family: 'unknown', server, scheduler: sched, serverDebounceMs: 500 });
    const results: Array<Promise<{ ok?: TokenCount; err?: unknown }>> = [];
    let ctl: AbortController | undefined;
    for (const text of ['a', 'ab', 'abc']) {
      ctl?.abort();
      ctl = new AbortController();
      results.push(c.count(text, { signal: ctl.signal }).then((ok) => ({ ok }), (err: unknown) => ({ err })));
      await flush();
      await sched.advance(100);
    }
    await sched.advance(500);
    const settled = await Promise.all(results);
    assert.ok(settled.slice(0, 2).every((s) => isAbortError(s.err)));
    assert.strictEqual(settled[2].ok?.source, 'server');
    assert.deepStrictEqual(server.calls, ['abc']);
  });

  it('server: an inexact answer does not beat an exact local count; it beats an estimate', async () => {
    const sched = new FakeScheduler();
    const server = fakeServer({ exact: false, tokenizer: 'server (openai_tokenizer)' });
    const withLocal = new TokenCounter({ family: 'qwen2', local: new FakeLocal(), server, scheduler: sched, serverDebounceMs: 0 });
    const p1 = withLocal.count(DOC);
    await flush();
    await sched.advance(0);
    assert.strictEqual((await p1).source, 'local');
    const estOnly = new TokenCounter({ family: 'unknown', server, scheduler: sched, serverDebounceMs: 0 });
    const p2 = estOnly.count(DOC);
    await flush();
    await sched.advance(0);
    const r2 = await p2;
    assert.strictEqual(r2.source, 'server');
    assert.strictEqual(r2.exact, false);
  });

  it('server: failure falls back and backs off; long texts are not sent', async () => {
    const sched = new FakeScheduler();
    const server = fakeServer();
    server.fail = true;
    const c = new TokenCounter({ family: 'unknown', server, scheduler: sched, serverDebounceMs: 0, retryAfterMs: 10_000, serverMaxChars: 100 });
    const p = c.count('short text');
    await flush();
    await sched.advance(0);
    assert.strictEqual((await p).source, 'estimate');
    assert.strictEqual((await c.count('other text')).source, 'estimate');
    assert.strictEqual(server.calls.length, 1);
    server.fail = false;
    await sched.advance(10_000);
    assert.strictEqual((await c.count('x'.repeat(101))).source, 'estimate');
    assert.strictEqual(server.calls.length, 1, 'too long for the server');
  });

  it('configure() switches family and drops the server cache', async () => {
    const sched = new FakeScheduler();
    const s1 = fakeServer();
    const c = new TokenCounter({ family: 'unknown', server: s1, scheduler: sched, serverDebounceMs: 0 });
    const p = c.count('abc');
    await flush();
    await sched.advance(0);
    await p;
    const s2 = fakeServer({ count: 7 });
    c.configure({ family: 'llama3', server: s2 });
    assert.strictEqual(c.currentFamily, 'llama3');
    const p2 = c.count('abc');
    await flush();
    await sched.advance(0);
    assert.strictEqual((await p2).count, 7);
  });
});
