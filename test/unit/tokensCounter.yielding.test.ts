// TokenCounter gives the event loop back: it yields in slices (on a fake clock, then on this thread's CPU clock for
// a 150k-word manuscript and for the shapes that used to stall it), and an abort rejects at once.
import * as assert from 'assert';
import { TokenCounter, LocalCounter } from '../../src/core/tokens/tokenCounter';
import { isAbortError } from '../../src/core/tokens/scheduler';
import { generateProse } from '../../bench/tokenCountProse';
import { flat, stallShapes } from '../../bench/tokenCountShapes';
import { cpuTimeScheduler } from './threadCpuClock';
import { FakeLocal, FakeScheduler } from './tokensCounterFakes';

describe('tokens: TokenCounter', () => {
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
