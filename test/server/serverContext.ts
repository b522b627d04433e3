/**
 * What the request handlers share: the server's public interface, the live options they read and one
 * request's state. Handlers take the server, not a copy of its options, because `configure` may replace
 * the options while a response is being paced, and each read sees the options of that moment.
 */
import type * as http from 'node:http';
import type { Flavor } from './flavor';
import type { RecordedRequest } from './recorder';
import type { ActiveScenario, Scenario } from './scenario';
import type { ResolvedOptions, ServerConfigPatch } from './serverOptions';

export interface ProviderTestServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly flavor: Flavor;
  /** Live array of recorded requests (control requests are not recorded). */
  readonly requests: RecordedRequest[];
  /** Resolves with the first recorded request (already recorded or future) matching, re-checked whenever
   *  a request is recorded or finishes/aborts. Rejects after timeoutMs (default 5000). */
  waitForRequest(predicate?: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Replace the scenario (an array is a queue). null clears. */
  setScenario(s: Scenario | readonly Scenario[] | null): void;
  configure(patch: ServerConfigPatch): void;
  /** Clear recorded requests and scenarios (options stay). */
  reset(): void;
  /** Stop listening and destroy open sockets. Idempotent. */
  close(): Promise<void>;
  /** Resolves once the server has closed (by close() or the lifetime cap). */
  readonly closed: Promise<void>;
}

export interface ServerRuntime {
  readonly opts: ResolvedOptions;
  /** The next response number, so that two answers to the same prompt get different ids. */
  nextResponseSeq(): number;
}

export interface RequestContext {
  rec: RecordedRequest;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  signal: AbortSignal;
  markServerCut: () => void;
  path: string;
  sc: ActiveScenario | undefined;
}
