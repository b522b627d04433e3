/**
 * Client for the tokenizer worker. The worker starts on the first request, loads each tokenizer on first use,
 * and is terminated after `idleMs` without requests (it holds 100+ MB once a vocabulary is loaded); the next
 * request starts a new one. A worker that dies fails its pending requests; after `maxCrashes` deaths the client
 * gives up and every request fails fast (callers fall back to the estimate).
 *
 * The glue creates it with
 *   new TokenizerWorkerClient(() => new Worker(path.join(extensionPath, 'dist', 'tokenizerWorker.js'),
 *     { workerData: { dataDir: path.join(extensionPath, 'dist', 'tokenizers') } }))
 */
import type { LocalCounter } from './tokenCounter';
import { LocalFamily } from './types';
import type { LoadResult, WorkerRequest, WorkerResponse, WorkerStats } from './workerProtocol';

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
  /** Stop restarting after this many unexpected worker deaths. Default 3. */
  maxCrashes?: number;
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type RequestBody = Distribute<WorkerRequest>;

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
  private crashes = 0;
  private disposed = false;
  private lastError: string | undefined;
  private readonly idleMs: number;
  private readonly requestTimeoutMs: number;
  private readonly maxCrashes: number;

  constructor(
    private readonly createWorker: () => WorkerLike,
    opts: WorkerClientOptions = {},
  ) {
    this.idleMs = opts.idleMs ?? 10 * 60_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 120_000;
    this.maxCrashes = opts.maxCrashes ?? 3;
  }

  /** Loads a tokenizer ahead of need (e.g. when the model changes). */
  load(family: LocalFamily): Promise<LoadResult> {
    return this.request({ op: 'load', family }) as Promise<LoadResult>;
  }

  count(family: LocalFamily, texts: readonly string[], atStart?: readonly boolean[]): Promise<number[]> {
    if (texts.length === 0) return Promise.resolve([]);
    return this.request({ op: 'count', family, texts: [...texts], ...(atStart ? { atStart: [...atStart] } : {}) }) as Promise<number[]>;
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

  private request(body: RequestBody): Promise<unknown> {
    if (this.disposed) return Promise.reject(new Error('tokenizer worker disposed'));
    if (this.crashes >= this.maxCrashes) {
      return Promise.reject(new Error(`tokenizer worker unavailable (${this.lastError ?? 'it kept stopping'})`));
    }
    let worker: WorkerLike;
    try {
      worker = this.ensureWorker();
    } catch (e) {
      this.crashes = this.maxCrashes;
      this.lastError = e instanceof Error ? e.message : String(e);
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
              this.lastError = `a tokenizer request took over ${this.requestTimeoutMs} ms`;
              this.crashes++;
              this.stopWorker(new Error(this.lastError));
            }, this.requestTimeoutMs)
          : undefined;
      unref(timer);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ ...body, id });
    });
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const w = this.createWorker();
    this.worker = w;
    w.on('message', (msg) => this.onMessage(msg as WorkerResponse));
    w.on('error', (err) => {
      if (this.worker !== w) return;
      this.lastError = err.message;
      this.crashes++;
      this.stopWorker(err);
    });
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.lastError = `tokenizer worker exited with code ${code}`;
      this.crashes++;
      this.worker = undefined;
      this.failAll(new Error(this.lastError));
    });
    return w;
  }

  private onMessage(msg: WorkerResponse): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (p.timer) clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(msg.error));
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
