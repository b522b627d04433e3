// Stand-ins for what a TokenCounter is given: a manual clock, a local counter and a server counter that record
// what they were asked, and a document of three paragraphs.
import { LocalCounter, LocalCounts } from '../../src/core/tokens/tokenCounter';
import type { ServerCounter, ServerCountAnswer } from '../../src/core/tokens/serverCountPolicy';
import { Scheduler, abortError } from '../../src/core/tokens/scheduler';
import { LocalFamily } from '../../src/core/tokens/types';

/** Manual clock. `step` advances the clock on every now() call, to simulate work taking time. */
export class FakeScheduler implements Scheduler {
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

export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setImmediate(r));
}

/** Counts characters/4, records what it was asked. */
export class FakeLocal implements LocalCounter {
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

export function fakeServer(answer: Partial<ServerCountAnswer> = {}): ServerCounter & { calls: string[]; fail: boolean } {
  const f = (async (text: string) => {
    f.calls.push(text);
    if (f.fail) throw new Error('HTTP 404');
    return { count: 1000 + text.length, exact: true, ...answer };
  }) as unknown as ServerCounter & { calls: string[]; fail: boolean };
  f.calls = [];
  f.fail = false;
  return f;
}

export const DOC = 'First paragraph here.\n\nSecond one, a little longer.\n\nThird.\n';
