// Retries with jittered exponential backoff (docs/security.md, item 17): only errors marked retryable
// (429, 408, 5xx, network/timeouts before any byte), never 400/401/402/403/404, and never once a
// token has reached the user (the caller says so through `canRetry`).

import { ProviderError } from '../errors/providerError';
import { abortableSleep } from '../sleep';

export interface RetryPolicy {
  /** Retries after the first attempt (0 = no retries). */
  maxRetries: number;
  baseDelayMs: number;
  /** Cap on any single wait. A Retry-After longer than this is not waited out: the error is returned. */
  maxDelayMs: number;
  /** [0, 1); injectable for deterministic tests. */
  random?: () => number;
  /** Waits ms; must reject when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Extra veto, e.g. `() => !tokenReceived`. */
  canRetry?: (error: ProviderError, attempt: number) => boolean;
  onRetry?: (info: { attempt: number; delayMs: number; error: ProviderError }) => void;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

const NEVER_RETRY = new Set([400, 401, 402, 403, 404]);

export function isRetryable(error: unknown): error is ProviderError {
  return (
    error instanceof ProviderError &&
    error.retryable &&
    !(error.status !== undefined && NEVER_RETRY.has(error.status))
  );
}

/**
 * How long to wait before retry number `attempt` (0-based), or undefined to give up.
 * Equal jitter: half the exponential step fixed, half random. Retry-After is a floor.
 */
export function retryDelayMs(attempt: number, error: ProviderError, policy: RetryPolicy): number | undefined {
  const random = policy.random ?? Math.random;
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = step / 2 + random() * (step / 2);
  if (error.retryAfterMs === undefined) return Math.round(jittered);
  if (error.retryAfterMs > policy.maxDelayMs) return undefined;
  return Math.round(Math.max(error.retryAfterMs, jittered));
}

export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number, s?: AbortSignal) => abortableSleep(ms, s, () => new ProviderError({ kind: 'aborted' })));
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= policy.maxRetries || !isRetryable(error) || signal?.aborted) throw error;
      if (policy.canRetry && !policy.canRetry(error, attempt)) throw error;
      const delayMs = retryDelayMs(attempt, error, policy);
      if (delayMs === undefined) throw error;
      policy.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}
