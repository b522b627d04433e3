import * as assert from 'assert';
import { TokenCounter, LocalCounter, LocalCounts } from '../../src/core/tokens/tokenCounter';
import type { ServerCounter, ServerCountAnswer } from '../../src/core/tokens/serverCountPolicy';
import { Scheduler, abortError, isAbortError } from '../../src/core/tokens/scheduler';
import { estimateTokens } from '../../src/core/tokens/estimate';
import { LocalFamily, TokenCount } from '../../src/core/tokens/types';
import { generateProse } from '../../bench/tokenCountProse';
import { flat, stallShapes } from '../../bench/tokenCountShapes';
import { cpuTimeScheduler } from './threadCpuClock';

/** Manual clock. `step` advances the clock on every now() call, to simulate work taking time. */
class FakeScheduler implements Scheduler {
  t = 0;
  step = 0;
  yields = 0;
  private timers: Array<{ at: number; resolve: () => void }> = [];
  now(): number {
    this.t += this.step;
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const timer = { at: this.t + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(abortError());
      });
    });
  }
  yieldNow(): Promise<void> {
    this.yields++;
    return Promise.resolve();
  }
  get sleeping(): number {
    return this.timers.length;
  }
  /** Moves the clock and fires due timers; lets promise chains run. */
  async advance(ms: number): Promise<void> {
    this.t += ms;
    const due = this.timers.filter((x) => x.at <= this.t);
    this.timers = this.timers.filter((x) => x.at > this.t);
    for (const d of due) d.resolve();
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setImmediate(r));
}

/** Counts characters/4, records what it was asked. */
class FakeLocal implements LocalCounter {
  calls: string[][] = [];
  fail = false;
  async count(_family: LocalFamily, texts: readonly string[]): Promise<LocalCounts> {
    this.calls.push([...texts]);
    if (this.fail) throw new Error('worker died');
    return { counts: texts.map((t) => Math.ceil(t.length / 4)), forcedCuts: texts.map(() => 0) };
  }
  get chunksCounted(): number {
    return this.calls.reduce((a, c) => a + c.length, 0);
  }
}

function fakeServer(answer: Partial<ServerCountAnswer> = {}): ServerCounter & { calls: string[]; fail: boolean } {
  const f = (async (text: string) => {
    f.calls.push(text);
    if (f.fail) throw new Error('HTTP 404');
    return { count: 1000 + text.length, exact: true, ...answer };
  }) as unknown as ServerCounter & { calls: string[]; fail: boolean };
  f.calls = [];
  f.fail = false;
  return f;
}

const DOC = 'First paragraph here.\n\nSecond one, a little longer.\n\nThird.\n';

describe('tokens: TokenCounter', () => {
  it('estimate only for an unknown tokenizer, marked not exact', async () => {
    const c = new TokenCounter({ family: 'unknown', scheduler: new FakeScheduler() });
    const r = await c.count(DOC);
    assert.deepStrictEqual(r, { count: estimateTokens('First paragraph here.\n\n') + estimateTokens('Second one, a little longer.\n\n') + estimateTokens('Third.\n'), exact: false, source: 'estimate', tokenizer: 'estimate' });
  });

  it('local exact count, estimate reported first, then only edited paragraphs are recounted', async () => {
    const local = new FakeLocal();
    const c = new TokenCounter({ family: 'qwen2', local, scheduler: new FakeScheduler() });
    const progress: TokenCount[] = [];
    const r = await c.count(DOC, { onProgress: (p) => progress.push(p) });
    assert.strictEqual(r.source, 'local');
    assert.strictEqual(r.exact, true);
    assert.strictEqual(r.tokenizer, 'Qwen2 BPE');
    assert.strictEqual(progress.length, 1);
    assert.strictEqual(progress[0].source, 'estimate');
    assert.strictEqual(local.chunksCounted, 3);

    const edited = DOC.replace('Second', 'Sec0nd');
    const r2 = await c.count(edited);
    assert.strictEqual(local.chunksCounted, 4, 'one more chunk counted');
    assert.strictEqual(c.lastStats.localCounted, 1);
    assert.strictEqual(r2.count, ['First paragraph here.\n\n', 'Sec0nd one, a little longer.\n\n', 'Third.\n'].reduce((a, s) => a + Math.ceil(s.length / 4), 0));

    // Fully cached: no progress callback, no worker call.
    const progress3: TokenCount[] = [];
    await c.count(edited, { onProgress: (p) => progress3.push(p) });
    assert.strictEqual(progress3.length, 0);
    assert.strictEqual(local.calls.length, 2);
  });

  it('Llama 2 keys the first chunk apart (SentencePiece leading space)', async () => {
    const local = new FakeLocal();
    const c = new TokenCounter({ family: 'llama2', local, scheduler: new FakeScheduler() });
    await c.count('A.\n\nB.\n\n');
    // Same paragraphs, order swapped: both move position; "B." was not first before, "A." was.
    await c.count('B.\n\nA.\n\n');
    assert.strictEqual(local.chunksCounted, 4);
  });

  it('falls back to the estimate when the worker fails, and does not retry at once', async () => {
    const local = new FakeLocal();
    local.fail = true;
    const sched = new FakeScheduler();
    const c = new TokenCounter({ family: 'llama3', local, scheduler: sched, retryAfterMs: 1000 });
    const r = await c.count(DOC);
    assert.strictEqual(r.source, 'estimate');
    await c.count(DOC + 'x');
    assert.strictEqual(local.calls.length, 1, 'blocked after the failure');
    local.fail = false;
    await sched.advance(1001);
    const r3 = await c.count(DOC);
    assert.strictEqual(r3.source, 'local');
  });

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

  it('yields to the event loop in slices (fake clock: 1 ms per step)', async () => {
    const sched = new FakeScheduler();
    sched.step = 1;
    const c = new TokenCounter({ family: 'llama3', local: new FakeLocal(), scheduler: sched, sliceMs: 8 });
    await c.count(generateProse(5000, 1));
    assert.ok(sched.yields > 10, `yields: ${sched.yields}`);
    assert.ok(c.lastStats.longestSliceMs <= 10, `longest slice ${c.lastStats.longestSliceMs}`);
  });

  it('abort rejects with AbortError', async () => {
    const sched = new FakeScheduler();
    sched.step = 1;
    const c = new TokenCounter({ family: 'unknown', scheduler: sched, sliceMs: 2 });
    const ctl = new AbortController();
    const p = c.count(generateProse(2000, 2), { signal: ctl.signal });
    ctl.abort();
    await assert.rejects(p, (e) => isAbortError(e));
  });

  it('a 150k-word manuscript never holds the real event loop for 50 ms (first count and keystroke recounts)', async function () {
    this.timeout(120_000);
    const text = generateProse(150_000, 3);
    // Exact counts arrive from a "worker" that answers on a later turn of the loop, as a real one does.
    const local: LocalCounter = {
      count: (_f, texts) => new Promise((r) => setImmediate(() => r({ counts: texts.map((t) => Math.ceil(t.length / 4)), forcedCuts: texts.map(() => 0) }))),
    };
    // Slices are timed in this thread's CPU time (threadCpuClock.ts), so other processes on a loaded machine
    // do not lengthen them; a GC pause still can, so a systematic overrun fails every attempt, a hiccup only one.
    const attempts: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const c = new TokenCounter({ family: 'qwen2', local, scheduler: cpuTimeScheduler });
      const r1 = await c.count(text);
      assert.strictEqual(r1.source, 'local');
      let longest = c.lastStats.longestSliceMs;
      let current = text;
      for (let i = 0; i < 20; i++) {
        const at = Math.floor((i + 0.5) * (current.length / 20));
        current = current.slice(0, at) + 'e' + current.slice(at);
        await c.count(current);
        assert.strictEqual(c.lastStats.localCounted, 1);
        assert.ok(c.lastStats.reusedChunks >= c.lastStats.chunks - 2);
        longest = Math.max(longest, c.lastStats.longestSliceMs);
      }
      attempts.push(longest.toFixed(1));
      if (longest < 50) return;
    }
    assert.fail(`longest main-thread slice in each attempt: ${attempts.join(', ')} ms`);
  });
});

describe('tokens: TokenCounter on the shapes that used to stall', () => {
  // Each shape is counted, then recounted after keystrokes at the start, middle and end. The counter measures
  // its own longest stretch between yields, here in this thread's CPU time (threadCpuClock.ts): the work done
  // between yields, which other processes on a loaded machine cannot lengthen as they lengthen wall-clock
  // stretches. The goal (README) is 8 ms; a GC pause can still land in a stretch, so a shape passes when one of
  // three attempts stays under 20 ms — before the fix these shapes held the loop for 52–521 ms every time.
  const local: LocalCounter = {
    count: (_f, texts) => new Promise((r) => setImmediate(() => r({ counts: texts.map((t) => Math.ceil(t.length / 4)), forcedCuts: texts.map(() => 0) }))),
  };
  for (const shape of stallShapes(1)) {
    it(`${shape.name}: no stretch between yields over 20 ms`, async function () {
      this.timeout(120_000);
      const attempts: string[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const c = new TokenCounter({ family: 'llama3', local, scheduler: cpuTimeScheduler });
        await c.count(shape.text);
        let longest = c.lastStats.longestSliceMs;
        let current = shape.text;
        for (const at of [0, 0.5, 1]) {
          const i = Math.floor(at * current.length);
          current = flat(current.slice(0, i) + 'e' + current.slice(i));
          const r = await c.count(current);
          assert.ok(c.lastStats.reusedChunks > 0 || c.lastStats.chunks === 1, 'an edit reuses the untouched chunks');
          assert.strictEqual(r.source, 'local');
          longest = Math.max(longest, c.lastStats.longestSliceMs);
        }
        attempts.push(longest.toFixed(1));
        if (longest < 20) return;
      }
      assert.fail(`longest main-thread stretch in each attempt: ${attempts.join(', ')} ms`);
    });
  }
});
