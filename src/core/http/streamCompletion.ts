// One streamed completion, end to end: request → SSE → pieces, retrying only before the first
// token. Never throws for provider trouble: every failure is an {kind:'error'} piece, and the last
// piece is always {kind:'end'}.

import { ProviderError } from '../errors/providerError';
import { readErrorBody } from '../errors/errorBody';
import { redactSecrets } from '../errors/redact';
import { CompletionStreamDecoder, type StreamMode, type StreamPiece } from '../stream/completionStream';
import { SseBufferOverflow, SseDecoder } from '../stream/sseReader';
import { openStream, type HttpRequestOptions, type LogFn, type StreamResponse, type Timeouts } from './providerClient';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from './retry';
import { parseJson, isRecord } from '../json';

export interface CompletionRequest {
  /** Full URL, e.g. https://api.totalgpt.ai/v1/completions. */
  url: string;
  /** Authorization and the like; never logged. */
  headers?: Record<string, string>;
  /** The JSON body; must ask for `stream: true`. */
  body: unknown;
  mode: StreamMode;
  /** `n` when > 1, so "every choice finished" can be judged. */
  expectedChoices?: number;
  /** The body asked for token probabilities: pass them on as {kind:'logprobs'} pieces. */
  withLogprobs?: boolean;
}

export interface StreamCompletionOptions {
  signal?: AbortSignal;
  timeouts?: Partial<Timeouts>;
  log?: LogFn;
  secrets?: readonly string[];
  retry?: Partial<RetryPolicy>;
  /** Any byte from the server, SSE comments included. */
  onActivity?: () => void;
  onComment?: (comment: string) => void;
  agent?: HttpRequestOptions['agent'];
}

interface OpenedAttempt {
  response: StreamResponse;
  held: StreamPiece[];
  rest: AsyncGenerator<StreamPiece, void, undefined>;
}

export async function* streamCompletion(
  request: CompletionRequest,
  callerOptions: StreamCompletionOptions = {},
): AsyncGenerator<StreamPiece, void, undefined> {
  const secrets = callerOptions.secrets ?? [];
  const callerLog = callerOptions.log;
  const log: LogFn | undefined = callerLog && ((line) => callerLog(redactSecrets(line, secrets)));
  const options: StreamCompletionOptions = { ...callerOptions, log };
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...options.retry,
    onRetry: (info) => {
      log?.(`retry ${info.attempt} in ${info.delayMs} ms after ${info.error.message.slice(0, 200)}`);
      options.retry?.onRetry?.(info);
    },
  };

  // Opens the stream and reads up to the first text piece. A retryable failure in that window
  // (HTTP 429/5xx, connect/first-byte timeout, an in-stream 429/5xx error) throws to withRetries.
  const attempt = async (): Promise<OpenedAttempt> => {
    const response = await openStream({
      url: request.url,
      method: 'POST',
      body: request.body,
      headers: request.headers,
      signal: options.signal,
      timeouts: options.timeouts,
      log: options.log,
      agent: options.agent,
      secrets,
    });
    const rest = piecesOf(response, request, options);
    const held: StreamPiece[] = [];
    try {
      for (;;) {
        const next = await rest.next();
        if (next.done) break;
        const piece = next.value;
        if (piece.kind === 'error' && piece.error.retryable) throw piece.error; // no text yet: see the break
        held.push(piece);
        if (piece.kind === 'text' || piece.kind === 'end') break;
      }
    } catch (error) {
      response.close();
      await rest.return();
      throw error;
    }
    return { response, held, rest };
  };

  let opened: OpenedAttempt;
  try {
    opened = await withRetries(attempt, policy, options.signal);
  } catch (error) {
    yield { kind: 'error', error: asProviderError(error, secrets) };
    yield { kind: 'end', outcome: 'error' };
    return;
  }
  try {
    yield* opened.held;
    yield* opened.rest;
  } finally {
    opened.response.close();
  }
}

async function* piecesOf(
  response: StreamResponse,
  request: CompletionRequest,
  options: StreamCompletionOptions,
): AsyncGenerator<StreamPiece, void, undefined> {
  const decoder = new CompletionStreamDecoder(request.mode, {
    expectedChoices: request.expectedChoices,
    withLogprobs: request.withLogprobs,
    secrets: options.secrets,
    onIgnored: (data) => options.log?.(`ignored a stream line that is not JSON: ${data.slice(0, 120)}`),
  });
  const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
  if (!contentType.includes('event-stream') && (contentType.includes('json') || contentType.includes('html'))) {
    yield* wholeBodyPieces(response, contentType, decoder, options);
    return;
  }
  const sse = new SseDecoder({ onActivity: options.onActivity, onComment: options.onComment });
  try {
    for await (const chunk of response.body) {
      for (const event of sse.push(chunk)) {
        yield* decoder.push(event);
        if (decoder.finished) {
          response.close(); // [DONE]: whatever follows is not ours to wait for
          yield* decoder.end();
          return;
        }
      }
    }
    for (const event of sse.end()) yield* decoder.push(event);
  } catch (error) {
    yield* decoder.end(asProviderError(error, options.secrets ?? []));
    return;
  }
  yield* decoder.end();
}

/**
 * A 200 that is not an event stream: a server that ignored `stream: true` (one JSON completion),
 * a proxy's JSON error, or an HTML page (captive portal, login wall).
 */
async function* wholeBodyPieces(
  response: StreamResponse,
  contentType: string,
  decoder: CompletionStreamDecoder,
  options: StreamCompletionOptions,
): AsyncGenerator<StreamPiece, void, undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      options.onActivity?.();
      parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      size += chunk.byteLength;
      if (size > MAX_WHOLE_BODY) throw new ProviderError({ kind: 'server', retryable: false, providerMessage: 'answer too large' });
    }
  } catch (error) {
    yield* decoder.end(asProviderError(error, options.secrets ?? []));
    return;
  }
  const text = Buffer.concat(parts).toString('utf8');
  const json = contentType.includes('json') ? parseJson(text) : undefined;
  if (!isRecord(json)) {
    const info = readErrorBody(text);
    yield* decoder.end(
      new ProviderError({
        kind: 'server',
        status: response.status,
        retryable: false,
        providerMessage: `expected an event stream, got ${contentType.split(';')[0]}${info.message ? `: ${info.message}` : ''}`,
        secrets: options.secrets ?? [],
      }),
    );
    return;
  }
  // A chat completion's `message` reads like one big `delta`.
  const choices = Array.isArray(json.choices)
    ? json.choices.map((c: unknown) => (isRecord(c) && isRecord(c.message) && c.delta === undefined ? { ...c, delta: c.message } : c))
    : json.choices;
  yield* decoder.push({ data: JSON.stringify({ ...json, choices }) });
  if (!decoder.hadError) yield* decoder.push({ data: '[DONE]' });
  yield* decoder.end();
}

const MAX_WHOLE_BODY = 32 * 1024 * 1024;

function asProviderError(error: unknown, secrets: readonly string[]): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof SseBufferOverflow) {
    return new ProviderError({ kind: 'stream-error', providerMessage: error.message, retryable: false, secrets });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new ProviderError({ kind: 'stream-error', providerMessage: text, retryable: false, cause: error, secrets });
}
