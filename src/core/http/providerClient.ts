// HTTP to providers over node:http / node:https, not fetch: Node's client never follows a redirect
// (so a key is never re-sent elsewhere: docs/security.md, item 3), an abort destroys the socket at once
// (the server sees the drop and the cost stops, item 14), and we time each phase ourselves (item 18).
// The exchange itself is in exchange.ts; this file is what callers use.

import type * as http from 'node:http';
import { ProviderError } from '../errors/providerError';
import { startExchange } from './exchange';

/** Defaults: DEFAULT_TIMEOUTS in phaseTimer.ts. */
export interface Timeouts {
  /** DNS + TCP (+ TLS) until the socket is usable. */
  connectMs: number;
  /** From connection until the first byte of the response body (slow local prefill lives here). */
  firstByteMs: number;
  /** Longest silence between body bytes once the body has started; any byte resets it. */
  idleMs: number;
}

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
