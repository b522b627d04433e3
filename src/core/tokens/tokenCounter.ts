/**
 * Token counts for the status bar: the active model's server tokenizer where the provider has one, else an exact
 * local tokenizer (in a worker), else an estimate marked ≈.
 *
 * Main-thread discipline: the text is split into chunks (chunkSplitter.ts) and every chunk's count is cached by
 * content (per tokenizer), so an edit recounts only the chunks it touched. Comparing with the last version,
 * splitting, hashing and estimating run in slices of at most `sliceMs` with a `yieldNow()` between them, whatever
 * the document's shape; exact counting happens in the worker, which drops a request once its count is aborted
 * or superseded.
 */
import { ChunkLayout, layoutChunks } from './chunkLayout';
import { DEFAULT_MAX_CHUNK } from './chunkSplitter';
import { estimateTokens } from './estimate';
import { LruCache } from './paragraphCache';
import { Scheduler, isAbortError, realScheduler, throwIfAborted } from './scheduler';
import { ServerCountPolicy, type ServerCounter } from './serverCountPolicy';
import { SliceClock } from './sliceClock';
import { FAMILY_LABELS, LocalFamily, TokenCount, TokenizerFamily, isLocalFamily } from './types';

export interface LocalCountOptions {
  /** Per text: it begins the counted document (Llama 2's leading space). */
  atStart?: readonly boolean[];
  /** Aborting drops the request, in the worker too. */
  signal?: AbortSignal;
  /** A newer request with the same key drops this one (the status bar's count of the document being typed in). */
  supersede?: string;
}

export interface LocalCounts {
  counts: number[];
  /** Per text: places the tokenizer had to cut where it would not have; 0 means the count is exact. */
  forcedCuts: number[];
}

/** Exact counts off the main thread; `TokenizerWorkerClient` implements it. */
export interface LocalCounter {
  count(family: LocalFamily, texts: readonly string[], opts?: LocalCountOptions): Promise<LocalCounts>;
}

export interface TokenCounterOptions {
  /** The active model's tokenizer family; 'unknown' → estimate (or server) only. */
  family: TokenizerFamily;
  local?: LocalCounter;
  server?: ServerCounter;
  scheduler?: Scheduler;
  /** Main-thread work before yielding; the longest stretch is this plus one step (well under 1 ms). Default 5 ms. */
  sliceMs?: number;
  /** Sent with every worker request: this counter's newer counts supersede its older ones in the worker. */
  supersede?: string;
  /** Quiet time before asking the server (each keystroke aborts the previous count). Default 750 ms. */
  serverDebounceMs?: number;
  /** Texts longer than this are not sent to the server (a novel is ~1 MB); local/estimate only. Default 200 000. */
  serverMaxChars?: number;
  /** After a server or worker failure, do not try that source again for this long. Default 60 s. */
  retryAfterMs?: number;
  /** Chunk counts kept per tokenizer. Default 50 000. */
  cacheEntries?: number;
  /** Characters per worker request. Default 200 000. */
  batchChars?: number;
  maxChunk?: number;
}

export interface CountOptions {
  signal?: AbortSignal;
  /** Each better answer as it arrives (estimate → local → server); the promise resolves with the last. */
  onProgress?: (count: TokenCount) => void;
}

export interface TokenCounterStats {
  chunks: number;
  /** Chunks taken over from the previous layout of the text without re-splitting or re-hashing. */
  reusedChunks: number;
  /** Chunks sent to the worker this time (cache misses). */
  localCounted: number;
  serverCalls: number;
  serverCacheHits: number;
  yields: number;
  /** Longest main-thread stretch between yields in the last count, ms (by the scheduler's clock). */
  longestSliceMs: number;
  /** Inexact cuts: chunk ends with no safe cut nearby, and cuts the tokenizer had to force. */
  forcedCuts: number;
}

/** A chunk's exact count, or nearly: `approximate` when the tokenizer had to cut inside it. */
interface CachedCount {
  tokens: number;
  approximate: boolean;
}

interface Miss {
  index: number;
  text: string;
  atStart: boolean;
  key: string;
}

export class TokenCounter {
  private family: TokenizerFamily;
  private readonly serverCounts: ServerCountPolicy;
  private readonly local: LocalCounter | undefined;
  private readonly sched: Scheduler;
  private readonly sliceMs: number;
  private readonly supersede: string | undefined;
  private readonly retryAfterMs: number;
  private readonly cacheEntries: number;
  private readonly batchChars: number;
  private readonly maxChunk: number;

  private readonly localCaches = new Map<LocalFamily, LruCache<CachedCount>>();
  private readonly estimateCaches = new Map<TokenizerFamily, LruCache<number>>();
  private readonly layouts: ChunkLayout[] = [];
  private readonly localBlockedUntil = new Map<LocalFamily, number>();

  /** Figures from the most recent `count()`, for tests and the benchmark. */
  readonly lastStats: TokenCounterStats = emptyStats();

  constructor(opts: TokenCounterOptions) {
    this.family = opts.family;
    this.local = opts.local;
    this.sched = opts.scheduler ?? realScheduler;
    this.sliceMs = opts.sliceMs ?? 5;
    this.supersede = opts.supersede;
    this.retryAfterMs = opts.retryAfterMs ?? 60_000;
    this.serverCounts = new ServerCountPolicy(opts.server, this.sched, {
      debounceMs: opts.serverDebounceMs ?? 750,
      maxChars: opts.serverMaxChars ?? 200_000,
      retryAfterMs: this.retryAfterMs,
    });
    this.cacheEntries = opts.cacheEntries ?? 50_000;
    this.batchChars = opts.batchChars ?? 200_000;
    this.maxChunk = opts.maxChunk ?? DEFAULT_MAX_CHUNK;
  }

  /**
   * Switch model: a new family and/or server counter. Local chunk caches are kept (per family); the server
   * cache is dropped when the server counter changes (another model counts differently).
   */
  configure(opts: { family?: TokenizerFamily; server?: ServerCounter | null }): void {
    if (opts.family) this.family = opts.family;
    if (opts.server !== undefined) this.serverCounts.replace(opts.server);
  }

  get currentFamily(): TokenizerFamily {
    return this.family;
  }

  async count(text: string, opts: CountOptions = {}): Promise<TokenCount> {
    const { signal } = opts;
    let reported: TokenCount | undefined;
    const onProgress = (c: TokenCount) => {
      if (reported && reported.count === c.count && reported.source === c.source && reported.exact === c.exact) return;
      reported = c;
      opts.onProgress?.(c);
    };
    const family = this.family;
    const stats = emptyStats();
    Object.assign(this.lastStats, stats);
    const sched = this.sched;
    const clock = new SliceClock(sched, this.sliceMs, stats, signal);
    const maybeYield = () => clock.maybeYield();

    const useLocal = isLocalFamily(family) && this.local !== undefined && sched.now() >= (this.localBlockedUntil.get(family) ?? -Infinity);
    const localFamily = useLocal ? (family as LocalFamily) : undefined;
    const localCache = localFamily ? this.cacheFor(this.localCaches, localFamily) : undefined;
    const estCache = this.cacheFor(this.estimateCaches, family);
    const prefixSensitive = family === 'llama2';

    // 1. Split (reusing the previous layout of this text where it did not change), look up, estimate what is
    //    missing — in slices.
    const layout = await layoutChunks(text, this.closestLayout(text), maybeYield, this.maxChunk);
    this.rememberLayout(layout);
    stats.reusedChunks = layout.reused;
    let exactKnown = 0;
    let estimateOfMissing = 0;
    const misses: Miss[] = [];
    const n = layout.starts.length;
    for (let index = 0; index < n; index++) {
      const atStart = index === 0;
      const baseKey = layout.keys[index];
      const key = atStart && prefixSensitive ? `${baseKey}^` : baseKey;
      if (layout.forced[index]) stats.forcedCuts++;
      const exact = localCache?.get(key);
      if (exact !== undefined) {
        exactKnown += exact.tokens;
        if (exact.approximate) stats.forcedCuts++;
      } else {
        let est = estCache.get(baseKey);
        const chunk = text.slice(layout.starts[index], layout.ends[index]);
        if (est === undefined) {
          est = estimateTokens(chunk, family);
          estCache.set(baseKey, est);
        }
        estimateOfMissing += est;
        if (localFamily) misses.push({ index, text: chunk, atStart, key });
      }
      await maybeYield();
    }
    stats.chunks = n;
    clock.endSlice();
    Object.assign(this.lastStats, stats);

    let best: TokenCount;
    if (localFamily && misses.length === 0) {
      best = { count: exactKnown, exact: stats.forcedCuts === 0, source: 'local', tokenizer: FAMILY_LABELS[localFamily] };
    } else {
      best = { count: exactKnown + estimateOfMissing, exact: false, source: 'estimate', tokenizer: 'estimate' };
    }

    // 2. Exact local counts for the chunks not in the cache.
    if (localFamily && misses.length > 0) {
      onProgress(best);
      try {
        let known = exactKnown;
        for (let i = 0; i < misses.length; ) {
          let chars = 0;
          const batch: Miss[] = [];
          while (i < misses.length && (batch.length === 0 || chars + misses[i].text.length <= this.batchChars)) {
            chars += misses[i].text.length;
            batch.push(misses[i++]);
          }
          const { counts, forcedCuts } = await this.local!.count(
            localFamily,
            batch.map((m) => m.text),
            { atStart: batch.map((m) => m.atStart), signal, ...(this.supersede ? { supersede: this.supersede } : {}) },
          );
          throwIfAborted(signal);
          clock.restart();
          if (counts.length !== batch.length) throw new Error('tokenizer worker answered the wrong number of counts');
          batch.forEach((m, k) => {
            const approximate = (forcedCuts[k] ?? 0) > 0;
            localCache!.set(m.key, { tokens: counts[k], approximate });
            known += counts[k];
            if (approximate) stats.forcedCuts++;
          });
          stats.localCounted += batch.length;
        }
        best = { count: known, exact: stats.forcedCuts === 0, source: 'local', tokenizer: FAMILY_LABELS[localFamily] };
      } catch (e) {
        if (isAbortError(e)) throw e;
        this.localBlockedUntil.set(localFamily, sched.now() + this.retryAfterMs);
      }
      clock.endSlice();
      Object.assign(this.lastStats, stats);
    }

    // 3. The server's own tokenizer, debounced and cached by content.
    if (this.serverCounts.wants(text)) {
      best = await this.serverCounts.improve(text, best, stats, signal, onProgress);
      Object.assign(this.lastStats, stats);
    }

    return best;
  }

  /** The remembered layout most likely to share text with `text` (document vs selection: closest length). */
  private closestLayout(text: string): ChunkLayout | undefined {
    let best: ChunkLayout | undefined;
    for (const l of this.layouts) {
      if (!best || Math.abs(l.text.length - text.length) < Math.abs(best.text.length - text.length)) best = l;
    }
    return best;
  }

  private rememberLayout(layout: ChunkLayout): void {
    const { text, starts, ends, examined, keys, forced } = layout;
    const plain: ChunkLayout = { text, starts, ends, examined, keys, forced };
    const i = this.layouts.findIndex((l) => l.text === layout.text);
    if (i >= 0) this.layouts.splice(i, 1);
    this.layouts.unshift(plain);
    // Two: the document and the selection, counted alternately.
    this.layouts.length = Math.min(this.layouts.length, 2);
  }

  private cacheFor<K, V>(map: Map<K, LruCache<V>>, k: K): LruCache<V> {
    let c = map.get(k);
    if (!c) {
      c = new LruCache<V>(this.cacheEntries);
      map.set(k, c);
    }
    return c;
  }
}

function emptyStats(): TokenCounterStats {
  return { chunks: 0, reusedChunks: 0, localCounted: 0, serverCalls: 0, serverCacheHits: 0, yields: 0, longestSliceMs: 0, forcedCuts: 0 };
}
