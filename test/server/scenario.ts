/**
 * Scripted faults: what a test asks the server to do to the next matching requests (errors, delays,
 * drops, redirects, stalls, truncation, odd encodings), and the queue that hands each request its scenario.
 */
import type { ErrorShape } from './errorBodies';
import type { Route } from './routes';
import type { ChunkingOptions, SseEncoding } from './sseEncoding';
import type { MidStreamErrorSpec } from './streamPlan';

export type ErrorKind =
  | 'badRequest' // 400
  | 'contextOverflow' // 400, vLLM wording / llama.cpp exceed_context_size_error
  | 'unauthorized' // 401, flavor's auth error
  | 'noCredits' // 402
  | 'forbidden' // 403
  | 'notFound' // 404, "The model `X` does not exist."
  | 'timeout' // 408
  | 'rateLimit' // 429 + Retry-After
  | 'systemPromptRejected' // 500, exact litellm body from docs/providers.md
  | 'serverError' // 500 generic
  | 'badGateway' // 502
  | 'unavailable' // 503
  | 'malformedJson'; // 400 (llama.cpp: 500)

export interface ErrorSpec {
  kind?: ErrorKind;
  /** Status (default from kind; kind inferred from status when only this is given). */
  status?: number;
  /** Override the message (the body is still in the flavor's/shape's form). */
  message?: string;
  /** Body shape; default the flavor's. 'vllmFlat' = old flat vLLM `{"object":"error",…}`. */
  shape?: ErrorShape;
  /** Retry-After in seconds. Default 1 for 429; null = no header. Sent for any status when given. */
  retryAfterSeconds?: number | null;
  /** Send exactly this JSON body. */
  body?: unknown;
  /** Send exactly this text (e.g. an HTML 502 page); content type `contentType` (default text/html). */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Scenario {
  /** Number of matching requests this scenario lasts, then it is removed. Default: until reset/replaced
   *  (inside an array passed to setScenario: 1, except the last element). */
  times?: number;
  /** Which requests it matches: 'generation' (default: POST …/completions, …/chat/completions), 'all',
   *  or a list of paths (a path matches if it equals or ends with an entry). */
  appliesTo?: 'generation' | 'all' | readonly string[];
  /** Destroy the socket at once, without any response (client sees a connection reset / hang up). */
  dropConnection?: boolean;
  /** Delay before the response headers (slow first byte). */
  firstByteDelayMs?: number;
  /** Answer with a redirect. `location` is a URL; if it has no path (or '/'), the request path and query are appended. */
  redirect?: { location: string; status?: 301 | 302 | 303 | 307 | 308 };
  /** Answer with an HTTP error instead of generating. */
  error?: ErrorSpec;
  /** The error applies only to the first k matching requests of this scenario; later ones succeed. */
  failTimes?: number;
  /** Streaming: after headers (and OpenRouter's leading comment), wait this long before the first token. */
  firstTokenDelayMs?: number;
  /** Delay before each token step (ms). Default 0 = as fast as possible. */
  tokenDelayMs?: number;
  /** With tokenDelayMs: wait only before every k-th token step, for rates a timer cannot pace one token
   *  at a time (5,000 tokens/s = tokenDelayMs 2 with tokensPerDelay 10). Default 1. */
  tokensPerDelay?: number;
  /** During waits (first token, stall) send an SSE comment every X ms (`: keep-alive`, `: OPENROUTER PROCESSING`). */
  keepAliveEveryMs?: number;
  /** Error event after k tokens, in the flavor's form (see MidStreamErrorSpec). Non-stream: a 500. */
  midStreamError?: MidStreamErrorSpec;
  /** Close after k tokens with no [DONE] and no finish_reason. `destroy`: reset the socket instead of
   *  ending the chunked body cleanly. Non-stream: half the JSON body, then the socket is destroyed. */
  truncate?: { afterTokens: number; destroy?: boolean };
  /** Stop sending after k tokens, keep the socket open (until `resumeAfterMs`, then continue; else until
   *  the client goes away or the server closes). Non-stream: no response at all until resume. */
  stall?: { afterTokens: number; resumeAfterMs?: number };
  /** Split every event into network writes of N bytes, and/or inside multi-byte UTF-8 characters. */
  chunking?: ChunkingOptions & { delayMs?: number };
  /** SSE encoding variations (eol, no space after colon, multi-line data, BOM, no final blank line). */
  encoding?: SseEncoding;
  /** Text pieces (one piece = one token) instead of generated prose. */
  script?: readonly string[];
  /** Use the Unicode script (UNICODE_PIECES). */
  unicode?: boolean;
  /** Repeat the script until max_tokens instead of finishing with "stop" at its end. */
  scriptLoop?: boolean;
  /** A runaway server: stream this many tokens whatever max_tokens says (still capped at MAX_STREAM_TOKENS). */
  ignoreMaxTokens?: { tokens: number };
}

export interface ActiveScenario {
  spec: Scenario;
  used: number;
}

export class ScenarioQueue {
  private queue: ActiveScenario[] = [];

  /** Replace the scenarios (an array is a queue). null clears. */
  set(s: Scenario | readonly Scenario[] | null): void {
    if (s === null) {
      this.queue = [];
      return;
    }
    const list: readonly Scenario[] = Array.isArray(s) ? (s as readonly Scenario[]) : [s as Scenario];
    this.queue = list.map((spec, i) => ({
      spec: spec.times === undefined && i < list.length - 1 ? { ...spec, times: 1 } : spec,
      used: 0,
    }));
  }

  clear(): void {
    this.queue = [];
  }

  /** The scenario for this request, if the head of the queue matches it; counts the use. */
  take(path: string, route: Route | undefined, method: string): ActiveScenario | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    const a = head.spec.appliesTo ?? 'generation';
    let match: boolean;
    if (a === 'all') match = true;
    else if (a === 'generation') match = method === 'POST' && (route === 'chat' || route === 'completions');
    else match = a.some((x) => path === x || path.endsWith(x));
    if (!match) return undefined;
    head.used++;
    if (head.spec.times !== undefined && head.used >= head.spec.times) this.queue.shift();
    return head;
  }
}
