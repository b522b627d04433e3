// When the provider's own tokenizer is asked, and whether its answer beats what the counter already has:
// debounced (each keystroke aborts the previous count), cached by content, not asked again for a while
// after a failure, and never for a text longer than `maxChars`.

import { LruCache, chunkKey } from './paragraphCache';
import { Scheduler, isAbortError, throwIfAborted } from './scheduler';
import type { TokenCount } from './types';

/** What a server answers, normalised (see `serverCount.ts`). */
export interface ServerCountAnswer {
  count: number;
  /** False when the server counted with some other tokenizer (litellm's OpenAI fallback). */
  exact: boolean;
  tokenizer?: string;
  contextLength?: number;
}

export type ServerCounter = (text: string, signal: AbortSignal) => Promise<ServerCountAnswer>;

export interface ServerCountLimits {
  debounceMs: number;
  maxChars: number;
  retryAfterMs: number;
}

export class ServerCountPolicy {
  private cache = new LruCache<ServerCountAnswer>(64);
  private blockedUntil = -Infinity;

  constructor(
    private counter: ServerCounter | undefined,
    private readonly sched: Scheduler,
    private readonly limits: ServerCountLimits,
  ) {}

  /** Another counter (another model counts differently): its cache and any failure wait go with the old one. */
  replace(counter: ServerCounter | null): void {
    if (counter === this.counter) return;
    this.counter = counter ?? undefined;
    this.cache = new LruCache(64);
    this.blockedUntil = -Infinity;
  }

  wants(text: string): boolean {
    return this.counter !== undefined && text.length > 0 && text.length <= this.limits.maxChars && this.sched.now() >= this.blockedUntil;
  }

  /** The server's count where it beats `best`; `best` itself otherwise. Call only when `wants(text)`. */
  async improve(
    text: string,
    best: TokenCount,
    stats: { serverCalls: number; serverCacheHits: number },
    signal: AbortSignal | undefined,
    onProgress: (count: TokenCount) => void,
  ): Promise<TokenCount> {
    const server = this.counter!;
    const key = chunkKey(text);
    let answer = this.cache.get(key);
    if (answer) {
      stats.serverCacheHits++;
    } else {
      onProgress(best);
      await this.sched.sleep(this.limits.debounceMs, signal);
      throwIfAborted(signal);
      const ctl = new AbortController();
      const onAbort = () => ctl.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        stats.serverCalls++;
        answer = await server(text, ctl.signal);
        if (!Number.isFinite(answer.count) || answer.count < 0) throw new Error('bad count from server');
        this.cache.set(key, answer);
      } catch (e) {
        throwIfAborted(signal);
        if (isAbortError(e)) throw e;
        this.blockedUntil = this.sched.now() + this.limits.retryAfterMs;
        answer = undefined;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    }
    // An exact server count wins; an inexact one (another tokenizer) only beats our estimate.
    if (answer && (answer.exact || !best.exact)) {
      return {
        count: answer.count,
        exact: answer.exact,
        source: 'server',
        tokenizer: answer.tokenizer ?? 'server',
        ...(answer.contextLength ? { contextLength: answer.contextLength } : {}),
      };
    }
    return best;
  }
}
