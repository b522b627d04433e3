/**
 * Client for the tokenizer worker. The worker starts on the first request, loads each tokenizer on first use,
 * and is terminated after `idleMs` without requests (it holds 100+ MB once a vocabulary is loaded); the next
 * request starts a new one.
 *
 * A worker that dies (or cannot start, or takes longer than `requestTimeoutMs` over one request) fails its
 * pending requests, and the next request starts a new one — after a wait that doubles with each failure in a
 * row (`restartBackoffMs`, up to `maxRestartBackoffMs`); requests in that wait fail fast, so callers show an
 * estimate. Any answer from a worker resets the wait.
 *
 * An aborted count is dropped from the worker too (a `cancel` message), and a count sent with a `supersede`
 * key drops the worker's older counts with the same key.
 *
 * The glue creates it with
 *   new TokenizerWorkerClient(() => new Worker(path.join(extensionPath, 'dist', 'tokenizerWorker.js'),
 *     { workerData: { dataDir: path.join(extensionPath, 'dist', 'tokenizers') } }))
 */
import { abortError } from './scheduler';
import type { LocalCountOptions, LocalCounter, LocalCounts } from './tokenCounter';
import { LocalFamily } from './types';
import type { CountResult, LoadResult, WorkerRequest, WorkerResponse, WorkerStats } from './workerProtocol';

/** The part of worker_threads.Worker we use. */
export interface WorkerLike {
  postMessage(value: unknown): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): unknown;
  unref?(): void;
}

export interface WorkerClientOptions {
  /** Terminate the worker after this long without requests. Default 10 minutes; 0 = never. */
  idleMs?: number;
  /** Fail (and restart the worker) if one request takes longer. Default 120 s. */
  requestTimeoutMs?: number;
  /** Wait after the first failure before starting a new worker; doubles with each failure in a row. Default 1 s. */
  restartBackoffMs?: number;
  /** Longest wait between restarts. Default 60 s. */
  maxRestartBackoffMs?: number;
  /** Milliseconds, for the restart wait. */
  now?: () => number;
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type RequestBody = Distribute<Exclude<WorkerRequest, { op: 'cancel' }>>;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class TokenizerWorkerClient implements LocalCounter {
  private worker: WorkerLike | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Failures since the last answer. */
  private failures = 0;
  private restartAt = -Infinity;
  private disposed = false;
  private lastError: string | undefined;
  private readonly idleMs: number;
  private readonly requestTimeoutMs: number;
  private readonly restartBackoffMs: number;
  private readonly maxRestartBackoffMs: number;
  private readonly now: () => number;

  constructor(
    private readonly createWorker: () => WorkerLike,
    opts: WorkerClientOptions = {},
  ) {
    this.idleMs = opts.idleMs ?? 10 * 60_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 120_000;
    this.restartBackoffMs = opts.restartBackoffMs ?? 1000;
    this.maxRestartBackoffMs = opts.maxRestartBackoffMs ?? 60_000;
    this.now = opts.now ?? (() => Date.now());
  }

  /** Loads a tokenizer ahead of need (e.g. when the model changes). */
  load(family: LocalFamily): Promise<LoadResult> {
    return this.request({ op: 'load', family }) as Promise<LoadResult>;
  }

  async count(family: LocalFamily, texts: readonly string[], opts: LocalCountOptions = {}): Promise<LocalCounts> {
    if (texts.length === 0) return { counts: [], forcedCuts: [] };
    const body: RequestBody = {
      op: 'count',
      family,
      texts: [...texts],
      ...(opts.atStart ? { atStart: [...opts.atStart] } : {}),
      ...(opts.supersede !== undefined ? { supersede: opts.supersede } : {}),
    };
    return (await this.request(body, opts.signal)) as CountResult;
  }

  encode(family: LocalFamily, text: string, atStart = false): Promise<number[]> {
    return this.request({ op: 'encode', family, text, atStart }) as Promise<number[]>;
  }

  stats(): Promise<WorkerStats> {
    return this.request({ op: 'stats' }) as Promise<WorkerStats>;
  }

  /** Whether a worker is running now. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.stopWorker(new Error('tokenizer worker disposed'));
  }

  private request(body: RequestBody, signal?: AbortSignal): Promise<unknown> {
    if (this.disposed) return Promise.reject(new Error('tokenizer worker disposed'));
    if (signal?.aborted) return Promise.reject(abortError());
    const wait = this.restartAt - this.now();
    if (!this.worker && wait > 0) {
      return Promise.reject(new Error(`tokenizer worker failed (${this.lastError ?? 'unknown'}); next try in ${Math.ceil(wait / 1000)} s`));
    }
    let worker: WorkerLike;
    try {
      worker = this.ensureWorker();
    } catch (e) {
      this.failed(e instanceof Error ? e.message : String(e));
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer =
        this.requestTimeoutMs > 0
          ? setTimeout(() => {
              this.failed(`a tokenizer request took over ${this.requestTimeoutMs} ms`);
              this.stopWorker(new Error(this.lastError));
            }, this.requestTimeoutMs)
          : undefined;
      unref(timer);
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        if (timer) clearTimeout(timer);
        if (this.worker === worker) worker.postMessage({ op: 'cancel', id: this.nextId++, target: id });
        reject(abortError());
        if (this.pending.size === 0) this.armIdleTimer();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = <T>(f: (v: T) => void) => (v: T) => {
        signal?.removeEventListener('abort', onAbort);
        f(v);
      };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject), timer });
      worker.postMessage({ ...body, id });
    });
  }

  private failed(message: string): void {
    this.lastError = message;
    this.failures++;
    this.restartAt = this.now() + Math.min(this.maxRestartBackoffMs, this.restartBackoffMs * 2 ** (this.failures - 1));
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const w = this.createWorker();
    this.worker = w;
    w.on('message', (msg) => this.onMessage(msg as WorkerResponse));
    w.on('error', (err) => {
      if (this.worker !== w) return;
      this.failed(err.message);
      this.stopWorker(err);
    });
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.failed(`tokenizer worker exited with code ${code}`);
      this.worker = undefined;
      this.failAll(new Error(this.lastError));
    });
    return w;
  }

  private onMessage(msg: WorkerResponse): void {
    this.failures = 0;
    this.restartAt = -Infinity;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (p.timer) clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(msg.aborted ? abortError() : new Error(msg.error));
    if (this.pending.size === 0) this.armIdleTimer();
  }

  private armIdleTimer(): void {
    if (this.idleMs <= 0 || !this.worker) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.pending.size === 0) this.stopWorker(new Error('idle'));
    }, this.idleMs);
    unref(this.idleTimer);
  }

  private stopWorker(reason: Error): void {
    const w = this.worker;
    this.worker = undefined;
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    this.failAll(reason);
    if (w) void Promise.resolve(w.terminate()).catch(() => undefined);
  }

  private failAll(reason: Error): void {
    for (const [, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(reason);
    }
    this.pending.clear();
  }
}

function unref(t: ReturnType<typeof setTimeout> | undefined): void {
  if (t && typeof t === 'object' && 'unref' in t && typeof t.unref === 'function') t.unref();
}
