// HTTP to providers over node:http / node:https, not fetch: Node's client never follows a redirect
// (so a key is never re-sent elsewhere: docs/security.md, item 3), an abort destroys the socket at once
// (the server sees the drop and the cost stops, item 14), and we time each phase ourselves (item 18).

import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { ProviderError } from '../errors/providerError';
import { parseErrorBody } from '../errors/errorBody';
import { redactSecrets } from '../errors/redact';

export interface Timeouts {
  /** DNS + TCP (+ TLS) until the socket is usable. */
  connectMs: number;
  /** From connection until the first byte of the response body (slow local prefill lives here). */
  firstByteMs: number;
  /** Longest silence between body bytes once the body has started; any byte resets it. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 15_000, firstByteMs: 180_000, idleMs: 60_000 };

export type LogFn = (line: string) => void;

export interface HttpRequestOptions {
  url: string;
  /** Defaults to POST when there is a body, GET otherwise. */
  method?: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  timeouts?: Partial<Timeouts>;
  /** One line per request, secrets redacted, never headers. */
  log?: LogFn;
  /** Redacted from every log line and error message (the API key, at least). */
  secrets?: readonly string[];
  /** How much of an error body to read (default 64 KiB). */
  maxErrorBodyBytes?: number;
  /** Default `false`: a fresh connection per request, nothing pooled. */
  agent?: http.Agent | false;
}

export interface StreamResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The 2xx body, readable once. Throws ProviderError (timeout, network, aborted) on failure. */
  body: AsyncIterable<Uint8Array>;
  /** Drops the connection now (idempotent). Breaking out of `body` does the same. */
  close(): void;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: T;
}

const DEFAULT_MAX_ERROR_BODY = 64 * 1024;
const MAX_JSON_BODY = 32 * 1024 * 1024;

/** Opens a streaming request. Resolves on a 2xx answer; rejects with ProviderError otherwise. */
export async function openStream(options: HttpRequestOptions): Promise<StreamResponse> {
  const exchange = await startExchange(options, 'text/event-stream');
  return { status: exchange.status, headers: exchange.headers, body: exchange.body(), close: exchange.close };
}

/** A JSON request/response (models list, token counting, non-streamed completions). */
export async function sendJson<T = unknown>(options: HttpRequestOptions): Promise<JsonResponse<T>> {
  const exchange = await startExchange(options, 'application/json');
  const text = await exchange.readText(MAX_JSON_BODY);
  try {
    return { status: exchange.status, headers: exchange.headers, text, json: (text.trim() ? JSON.parse(text) : null) as T };
  } catch {
    throw new ProviderError({
      kind: 'server',
      status: exchange.status,
      retryable: false,
      message: `The provider answered with something that is not JSON: ${text.slice(0, 200)}`,
      secrets: options.secrets ?? [],
    });
  }
}

interface Exchange {
  status: number;
  headers: http.IncomingHttpHeaders;
  body(): AsyncGenerator<Uint8Array, void, undefined>;
  readText(capBytes: number): Promise<string>;
  close(): void;
}

type Phase = 'connect' | 'first-byte' | 'idle';

/**
 * Sends the request and waits for a 2xx status line. 3xx → 'redirect' (nothing followed);
 * other statuses → the body is read (capped) and parsed into a ProviderError.
 */
function startExchange(options: HttpRequestOptions, accept: string): Promise<Exchange> {
  const secrets = options.secrets ?? [];
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const started = Date.now();
  const elapsed = (): number => Date.now() - started;

  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    return Promise.reject(new ProviderError({ kind: 'network', retryable: false, message: 'The base URL is not a valid URL' }));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(
      new ProviderError({ kind: 'network', retryable: false, message: `Unsupported URL scheme ${url.protocol} (use http or https)` }),
    );
  }
  const method = (options.method ?? (options.body === undefined ? 'GET' : 'POST')).toUpperCase();
  const label = `${method} ${redactSecrets(safeUrl(url), secrets)}`;
  const log = (line: string): void => options.log?.(redactSecrets(line, secrets));

  if (options.signal?.aborted) {
    log(`${label} → cancelled before sending`);
    return Promise.reject(new ProviderError({ kind: 'aborted' }));
  }

  const payload =
    options.body === undefined
      ? undefined
      : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body), 'utf8');
  const headers: Record<string, string> = { accept, ...options.headers };
  if (payload) {
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }

  return new Promise<Exchange>((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, { method, headers, agent: options.agent ?? false });

    let res: http.IncomingMessage | undefined;
    let failure: ProviderError | undefined;
    let settled = false; // the promise of this function
    let finished = false; // connection no longer needed
    let bodyBytes = 0;
    let timer: NodeJS.Timeout | undefined;
    let timerPhase: Phase | undefined;

    const setPhase = (phase: Phase | undefined): void => {
      if (timer && phase === timerPhase && !finished) {
        timer.refresh(); // idle: every chunk restarts the same timer
        return;
      }
      if (timer) clearTimeout(timer);
      timer = undefined;
      timerPhase = phase;
      if (!phase || finished) return;
      const ms = phase === 'connect' ? timeouts.connectMs : phase === 'first-byte' ? timeouts.firstByteMs : timeouts.idleMs;
      if (ms > 0 && Number.isFinite(ms)) timer = setTimeout(() => fail(timeoutError(phase, ms)), ms);
    };

    const cleanup = (): void => {
      finished = true;
      setPhase(undefined);
      options.signal?.removeEventListener('abort', onAbort);
    };

    // Ends the exchange with an error: destroys the socket, rejects or makes the body throw.
    const fail = (error: ProviderError): void => {
      if (failure || finished) return;
      failure = error;
      cleanup();
      log(`${label} → ${error.kind}${res ? ` after ${bodyBytes} bytes` : ''}: ${error.message} (${elapsed()} ms)`);
      res?.destroy(error);
      req.destroy(error);
      if (!settled) {
        settled = true;
        reject(error);
      }
    };

    const close = (): void => {
      if (finished) return;
      cleanup();
      res?.destroy();
      req.destroy();
    };

    function onAbort(): void {
      fail(new ProviderError({ kind: 'aborted' }));
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });

    setPhase('connect');
    req.on('socket', (socket: Socket) => {
      const connected = (): void => {
        if (!res) setPhase('first-byte');
      };
      if (socket.connecting) socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
      else connected();
    });

    req.on('error', (err) => {
      if (failure) return; // our own destroy
      fail(networkError(err, res !== undefined, secrets));
    });

    req.on('response', (response) => {
      res = response;
      const status = response.statusCode ?? 0;
      log(`${label} → ${status} (${elapsed()} ms)`);
      response.on('error', () => {
        // Surfaced by the body iterator / readText; listening keeps it from being unhandled.
      });
      response.on('end', () => {
        if (!failure) cleanup();
      });

      if (status >= 300 && status < 400) {
        const location = response.headers.location;
        const error = new ProviderError({
          kind: 'redirect',
          status,
          ...(location ? { location: safeLocation(location, url) } : {}),
          secrets,
        });
        settled = true;
        close();
        reject(error);
        return;
      }

      const exchange: Exchange = {
        status,
        headers: response.headers,
        close,
        body: () => readBody(),
        readText: async (capBytes) => {
          const chunks: Buffer[] = [];
          let total = 0;
          for await (const chunk of readBody()) {
            const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
            const room = capBytes - total;
            chunks.push(room < buf.length ? buf.subarray(0, room) : buf);
            total += Math.min(room, buf.length);
            if (total >= capBytes) break; // enough to explain the error; the rest is dropped with the connection
          }
          return Buffer.concat(chunks).toString('utf8');
        },
      };

      if (status >= 200 && status < 300) {
        settled = true;
        resolve(exchange);
        return;
      }
      // From here on this status decides the error, even if reading its body fails or times out.
      settled = true;
      exchange
        .readText(options.maxErrorBodyBytes ?? DEFAULT_MAX_ERROR_BODY)
        .then(
          (text) => parseErrorBody(status, text, response.headers, secrets),
          (err: unknown) =>
            err instanceof ProviderError && err.kind === 'aborted' ? err : parseErrorBody(status, '', response.headers, secrets),
        )
        .then(
          (error) => {
            close();
            reject(error);
          },
          // parseErrorBody never throws today; should it ever, the caller still hears of it.
          (error: unknown) => {
            close();
            reject(error);
          },
        );
    });

    async function* readBody(): AsyncGenerator<Uint8Array, void, undefined> {
      if (!res) return;
      if (failure) throw failure;
      let completed = false;
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          if (chunk.length === 0) continue;
          bodyBytes += chunk.length;
          setPhase('idle');
          yield chunk;
        }
        completed = true;
        if (failure) throw failure;
      } catch (err) {
        if (failure) throw failure;
        const error = networkError(err, true, secrets);
        fail(error);
        throw error;
      } finally {
        if (completed) {
          log(`${label} body ended (${bodyBytes} bytes, ${elapsed()} ms)`);
          cleanup();
        } else close(); // consumer stopped early, or failure: drop the connection
      }
    }

    req.end(payload);
  });
}

function timeoutError(phase: Phase, ms: number): ProviderError {
  const what =
    phase === 'connect'
      ? `Could not connect within ${ms} ms`
      : phase === 'first-byte'
        ? `No answer within ${ms} ms (not retried, which would mean waiting as long again)`
        : `No data for ${ms} ms`;
  return new ProviderError({
    kind: 'timeout',
    message: `${what}.`,
    providerMessage: `${phase} timeout`,
    // A server that took the request but did not answer in time would most likely make the writer
    // wait the whole first-byte timeout again: only a failed connection is retried.
    retryable: phase === 'connect',
  });
}

function networkError(err: unknown, afterResponse: boolean, secrets: readonly string[]): ProviderError {
  if (err instanceof ProviderError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const text = err instanceof Error ? err.message : String(err);
  const detail = code && !text.includes(code) ? `${code}: ${text}` : text;
  const certificate = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS/i.test(code);
  const noSuchHost = code === 'ENOTFOUND';
  return new ProviderError({
    kind: 'network',
    message: afterResponse ? `The connection to the provider broke: ${detail}` : `Could not reach the provider: ${detail}`,
    providerMessage: detail,
    // Retrying cannot fix a bad certificate or a host name that does not exist.
    retryable: !afterResponse && !certificate && !noSuchHost,
    ...(certificate
      ? { nextStep: "The server's TLS certificate was not accepted. Check the base URL; behind a company proxy, set NODE_EXTRA_CA_CERTS." }
      : noSuchHost
        ? { nextStep: "The host name was not found. Check the provider's base URL in Inkwell's settings." }
        : {}),
    cause: err,
    secrets,
  });
}

/** origin + path: no user info, no query string (which may carry a key). */
function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function safeLocation(location: string, base: URL): string {
  try {
    return safeUrl(new URL(location, base));
  } catch {
    return location.split('?')[0] ?? '';
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}
