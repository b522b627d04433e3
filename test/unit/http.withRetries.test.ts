// withRetries, the retry policy alone: which errors it retries, the backoff and its cap, Retry-After, vetoes and aborts.
import * as assert from 'node:assert/strict';
import { ProviderError } from '../../src/core/errors/providerError';
import { retryDelayMs, withRetries, type RetryPolicy } from '../../src/core/http/retry';

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
