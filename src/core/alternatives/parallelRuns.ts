// Alternatives from servers that give one choice per request (AI/ML API, OpenRouter, KoboldCpp): several
// requests, a few at a time. Each run has its own outcome, so one failing does not end the others; aborting
// the shared signal aborts every run that has started and starts no more.

export type RunOutcome<T> = { index: number; ok: true; value: T } | { index: number; ok: false; error: unknown };

export interface ParallelOptions {
  /** How many run at once (servers rate-limit; a writer's provider is not a batch API). */
  concurrency: number;
  signal: AbortSignal;
}

/**
 * Runs `start(index, signal)` for index 0…count-1, at most `concurrency` at a time. Resolves with every
 * run's outcome, in index order, once all started runs have ended; runs never started after an abort are
 * reported as aborted.
 */
export async function runParallel<T>(
  count: number,
  start: (index: number, signal: AbortSignal) => Promise<T>,
  options: ParallelOptions,
): Promise<RunOutcome<T>[]> {
  const outcomes: RunOutcome<T>[] = new Array(count);
  const aborted = () => Object.assign(new Error('aborted'), { name: 'AbortError' });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      if (options.signal.aborted) {
        outcomes[index] = { index, ok: false, error: aborted() };
        continue;
      }
      // Each run gets its own controller, tied to the shared signal, so a run can be stopped alone.
      const own = new AbortController();
      const forward = () => own.abort();
      options.signal.addEventListener('abort', forward, { once: true });
      try {
        outcomes[index] = { index, ok: true, value: await start(index, own.signal) };
      } catch (error) {
        outcomes[index] = { index, ok: false, error };
      } finally {
        options.signal.removeEventListener('abort', forward);
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, count)) }, worker);
  await Promise.all(workers);
  return outcomes;
}
