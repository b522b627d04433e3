/**
 * Recording of requests, shared by the provider test server and the capture server: what arrived, how
 * it was answered, and waiting for a request that matches (re-checked as requests arrive and finish).
 */
import type * as http from 'node:http';

export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path and query as received. */
  url: string;
  /** Lower-cased header names, as Node gives them. */
  headers: http.IncomingHttpHeaders;
  /** The Authorization header, if any (convenience copy). */
  authorization: string | undefined;
  /** Parsed JSON body (undefined when empty or not JSON). Typed `any` for test ergonomics. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  rawBody: string;
  /** The body was over the cap (and answered 413). */
  bodyTooLarge: boolean;
  /** Date.now() at arrival. */
  time: number;
  /** Status sent, once headers went out. */
  status: number | undefined;
  /** Response fully written. */
  completed: boolean;
  /** The client disconnected before the response finished (not set when the server cut it on purpose). */
  aborted: boolean;
  /** Date.now() when the response finished or the connection closed. */
  endTime: number | undefined;
  /** A scenario applied to this request. */
  scenarioApplied: boolean;
  /** Streams: token steps whose events were handed to the socket. Once `aborted` is set it is final, and
   *  the client can have received no more tokens than this. */
  tokensWritten: number;
  /** Streams: how many times the server waited `tokenDelayMs` before a token step. */
  tokenDelays: number;
}

export class Recorder {
  readonly requests: RecordedRequest[] = [];
  private seq = 0;
  private waiters = new Set<() => void>();

  constructor(private readonly maxRecorded: () => number) {}

  add(req: http.IncomingMessage, path: string): RecordedRequest {
    const auth = req.headers.authorization;
    const rec: RecordedRequest = {
      seq: ++this.seq,
      method: req.method ?? 'GET',
      path,
      url: req.url ?? '/',
      headers: { ...req.headers },
      authorization: typeof auth === 'string' ? auth : undefined,
      body: undefined,
      rawBody: '',
      bodyTooLarge: false,
      time: Date.now(),
      status: undefined,
      completed: false,
      aborted: false,
      endTime: undefined,
      scenarioApplied: false,
      tokensWritten: 0,
      tokenDelays: 0,
    };
    this.requests.push(rec);
    const max = this.maxRecorded();
    if (this.requests.length > max) this.requests.splice(0, this.requests.length - max);
    this.notify();
    return rec;
  }

  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs: number): Promise<RecordedRequest> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.requests.find(predicate);
        if (hit) {
          cleanup();
          resolve(hit);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.requests.map((r) => `${r.method} ${r.path} ${r.status ?? '-'}${r.aborted ? ' aborted' : ''}`).join('; ');
        reject(new Error(`waitForRequest: no matching request within ${timeoutMs} ms (seen: ${seen || 'none'})`));
      }, timeoutMs);
      timer.unref();
      const waiter = (): void => { check(); };
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
      check();
    });
  }

  clear(): void {
    this.requests.length = 0;
  }

  /** Track the response end: completed, or aborted by the client. */
  track(rec: RecordedRequest, res: http.ServerResponse, serverCut: () => boolean, onClose?: () => void): void {
    res.on('finish', () => {
      rec.completed = true;
      rec.endTime = Date.now();
      this.notify();
    });
    res.on('close', () => {
      if (!res.writableFinished && !serverCut()) rec.aborted = true;
      rec.endTime ??= Date.now();
      onClose?.();
      this.notify();
    });
  }
}
