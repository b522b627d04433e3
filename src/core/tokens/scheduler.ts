import { abortableSleep } from '../sleep';

/** Time and yielding, injectable so the counter is testable without real timers. */
export interface Scheduler {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resolves after `ms`; rejects with an AbortError if `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Lets the event loop run (setImmediate): typing, rendering, other extensions. */
  yieldNow(): Promise<void>;
}

export function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

export const realScheduler: Scheduler = {
  now: () => performance.now(),
  sleep: (ms, signal) => abortableSleep(ms, signal, abortError),
  yieldNow: () => new Promise<void>((resolve) => setImmediate(resolve)),
};
