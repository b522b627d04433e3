/**
 * Provider test server: a loopback HTTP server that speaks the wire formats of Infermatic
 * (litellm in front of vLLM), vLLM, llama.cpp, AI/ML API, OpenRouter and KoboldCpp, quirks
 * included (see docs/providers.md), with scripted faults.
 *
 *   const server = await startProviderTestServer({ flavor: 'litellm' });
 *   // base URL for the client: server.url + '/v1'  (routes match by suffix; any prefix works)
 *   server.setScenario({ error: { kind: 'rateLimit', retryAfterSeconds: 2 }, failTimes: 1 });
 *   ... make requests ...
 *   const r = await server.waitForRequest((r) => r.aborted, 2000);
 *   await server.close();
 *
 * Token counting: whitespace-separated words (see `countTokens` in wire.ts); one generated piece
 * is one token. Node built-ins only. Listens on 127.0.0.1 only.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash } from 'node:crypto';
import {
  type ChunkingOptions,
  type ErrorShape,
  type Flavor,
  type MidStreamErrorSpec,
  type Mode,
  type SseEncoding,
  type StreamItem,
  MAX_STREAM_TOKENS,
  UNICODE_PIECES,
  buildNonStreamBody,
  contextOverflowBody,
  countTokens,
  defaultErrorShape,
  encodeItems,
  errorBody,
  estimateOpenAiTokens,
  fnv1a,
  generateProse,
  keepAliveText,
  makeId,
  planStream,
  splitBytes,
  systemPromptRejectionBody,
  tokenIds,
} from './wire';
import { planLogprobs } from './logprobsWire';
import { logprobsAsked, logprobsSeed, logprobsSpecFor, vllmLogprobsLimitMessage, VLLM_MAX_LOGPROBS, type LogprobsServerOptions } from './logprobsRequest';

export * from './wire';
export * from './logprobsWire';
export * from './logprobsRequest';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

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

export interface ModelSpec {
  id: string;
  /** Context size in tokens (see countTokens). */
  contextLength: number;
  /** Output cap advertised in model lists (aimlapi `info.maxTokens`, openrouter `max_completion_tokens`). */
  maxOutputTokens?: number;
}

/** Context sizes are this server's table, chosen for tests; they are not claims about the real services. */
export const DEFAULT_MODELS: readonly ModelSpec[] = [
  { id: 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic', contextLength: 16384 },
  { id: 'TheDrummer-Rocinante-12B-v1.1', contextLength: 16384 },
  { id: 'Midnight-Miqu-70B-v1.5', contextLength: 8192 },
  { id: 'TheDrummer-Anubis-70B-v1-FP8-Dynamic', contextLength: 16384 },
  { id: 'anthracite-org/magnum-v4-72b', contextLength: 32768, maxOutputTokens: 8192 },
  /** Tiny context, for overflow tests with short prompts. */
  { id: 'tiny-test-model', contextLength: 64 },
];

export const DEFAULT_SYSTEM_PROMPT_REJECTING_MODELS: readonly string[] = [
  'TheDrummer-Rocinante-12B-v1.1',
  'Midnight-Miqu-70B-v1.5',
  'TheDrummer-Anubis-70B-v1-FP8-Dynamic',
];

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

/** The llama.cpp flavour's slot count (`--parallel`): the most `n` it takes. */
export const LLAMACPP_SLOTS = 2;

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

export interface ProviderTestServerOptions {
  /** Wire dialect. Default 'litellm' (Infermatic). */
  flavor?: Flavor;
  /** Accepted keys for `Authorization: Bearer <key>`. Default ['test-key']. */
  apiKeys?: readonly string[];
  /** Default true. */
  requireAuth?: boolean;
  /** Model table (ids and context sizes). Default DEFAULT_MODELS. llama.cpp/KoboldCpp list only the first. */
  models?: readonly ModelSpec[];
  /** Context size for models not in the table. Default 8192. */
  defaultContextLength?: number;
  /** Unknown model → 404 (vLLM) / 400 (litellm). Default false (any model name generates). */
  rejectUnknownModels?: boolean;
  /** Chat requests with a system message to these models → 500 (docs/providers.md body). */
  systemPromptRejectingModels?: readonly string[];
  /** Text pieces for every response (one piece = one token); ends with finish "stop". Default: generated prose. */
  script?: readonly string[];
  scriptLoop?: boolean;
  /** max_tokens when the request has none (chat everywhere; completions on llama.cpp/KoboldCpp/OpenRouter).
   *  Completions on vllm/litellm/aimlapi default to 16 like vLLM. Default 256. */
  defaultMaxTokens?: number;
  /** Cap on tokens per response (≤ 20,000). */
  maxStreamTokens?: number;
  /** The server closes itself after this long. Default 10 minutes. */
  maxLifetimeMs?: number;
  /** Request body cap; over it → 413. Default 8 MiB. */
  maxBodyBytes?: number;
  /** Keep at most this many recorded requests (oldest dropped). Default 10,000. */
  maxRecorded?: number;
  /** Port (default 0 = random). */
  port?: number;
  /** Initial scenario. */
  scenario?: Scenario | readonly Scenario[];
  /** Clock for `created` (ms). Default Date.now. */
  clock?: () => number;
  /** How requests for token probabilities are answered (logprobsWire.ts). Default: given, decoded. */
  logprobs?: LogprobsServerOptions;
}

/** Options that can be changed on a running server (`configure`, `POST /__control/config`). */
export type ServerConfigPatch = Partial<Omit<ProviderTestServerOptions, 'port' | 'maxLifetimeMs' | 'scenario' | 'clock'>>;

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

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const DEFAULT_LIFETIME_MS = 10 * 60 * 1000;
const DEFAULT_MAX_BODY = 8 * 1024 * 1024;

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    if (!Number.isFinite(ms)) {
      signal?.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const t = setTimeout(done, Math.max(0, ms));
    t.unref();
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function messagesText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  const parts: string[] = [];
  for (const m of messages) {
    if (!isObj(m)) continue;
    const c = m['content'];
    if (typeof c === 'string') parts.push(c);
    else if (Array.isArray(c)) {
      for (const p of c) if (isObj(p) && typeof p['text'] === 'string') parts.push(p['text']);
    }
  }
  return parts.join('\n');
}

function promptText(prompt: unknown): { text: string; tokens: number } {
  if (typeof prompt === 'string') return { text: prompt, tokens: countTokens(prompt) };
  if (Array.isArray(prompt)) {
    if (prompt.every((p) => typeof p === 'number')) return { text: '', tokens: prompt.length };
    const text = prompt.filter((p): p is string => typeof p === 'string').join('\n');
    return { text, tokens: countTokens(text) };
  }
  return { text: '', tokens: 0 };
}

function maskKey(key: string): string {
  return `sk-...${key.slice(-4)}`;
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m ? (m[1] ?? '').trim() : undefined;
}

/** The 401 body each flavor sends. */
function unauthorizedBody(flavor: Flavor, authHeader: string | undefined, path: string): Json {
  const key = bearer(authHeader);
  switch (flavor) {
    case 'litellm': {
      const message = key === undefined
        ? 'Authentication Error, No api key passed in.'
        : `Authentication Error, Invalid proxy server token passed. Received API Key = ${maskKey(key)}, Key Hash (Token) =${createHash('sha256').update(key).digest('hex')}. Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``;
      return { error: { message, type: 'auth_error', param: 'None', code: '401' } };
    }
    case 'vllm':
      return { error: 'Unauthorized' };
    case 'llamacpp':
      return { error: { code: 401, message: 'Invalid API Key', type: 'authentication_error' } };
    case 'aimlapi':
      return errorBody('aimlapi', 401, 'Unauthorized', { path });
    case 'openrouter':
      return { error: { message: key === undefined ? 'No auth credentials found' : 'User not found.', code: 401 } };
    case 'koboldcpp':
      return errorBody('openai', 401, 'Invalid API key', { type: 'AuthenticationError' });
  }
}

const KIND_STATUS: Record<ErrorKind, number> = {
  badRequest: 400, contextOverflow: 400, unauthorized: 401, noCredits: 402, forbidden: 403, notFound: 404,
  timeout: 408, rateLimit: 429, systemPromptRejected: 500, serverError: 500, badGateway: 502, unavailable: 503,
  malformedJson: 400,
};

function kindForStatus(status: number): ErrorKind {
  switch (status) {
    case 401: return 'unauthorized';
    case 402: return 'noCredits';
    case 403: return 'forbidden';
    case 404: return 'notFound';
    case 408: return 'timeout';
    case 429: return 'rateLimit';
    case 502: return 'badGateway';
    case 503: return 'unavailable';
    default: return status >= 500 ? 'serverError' : 'badRequest';
  }
}

function defaultMessage(kind: ErrorKind, flavor: Flavor, model: string): string {
  const ll = flavor === 'litellm';
  switch (kind) {
    case 'badRequest': return ll ? 'litellm.BadRequestError: OpenAIException - Bad request' : 'Bad request';
    case 'contextOverflow': return '';
    case 'unauthorized': return 'Unauthorized';
    case 'noCredits':
      return flavor === 'openrouter'
        ? 'This request requires more credits, or fewer max_tokens. Add more credits and retry the request.'
        : 'Insufficient credits';
    case 'forbidden': return ll ? `Authentication Error - API Key not allowed to access model=${model}` : 'Forbidden';
    case 'notFound': return ll ? `litellm.NotFoundError: NotFoundError: OpenAIException - The model \`${model}\` does not exist.` : `The model \`${model}\` does not exist.`;
    case 'timeout': return ll ? 'litellm.Timeout: Request timed out' : 'Request timed out';
    case 'rateLimit':
      if (flavor === 'aimlapi') return 'Free-tier limit: You have reached the request limit for the free tier. Please try again later.';
      if (flavor === 'openrouter') return 'Rate limit exceeded: limit_rpm/test/requests. High demand for this model. Please retry shortly.';
      return ll ? 'litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached for requests' : 'Rate limit exceeded';
    case 'systemPromptRejected': return '';
    case 'serverError': return ll ? 'litellm.InternalServerError: InternalServerError: OpenAIException - Internal Server Error' : 'Internal Server Error';
    case 'badGateway': return flavor === 'openrouter' ? 'Provider returned error' : 'Bad Gateway';
    case 'unavailable':
      if (flavor === 'llamacpp') return 'Loading model';
      return ll ? 'litellm.ServiceUnavailableError: ServiceUnavailableError: OpenAIException - Service Unavailable' : 'Service Unavailable';
    case 'malformedJson':
      return flavor === 'llamacpp'
        ? '[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value - invalid literal; last read: \'{\''
        : ll ? 'litellm.BadRequestError: Invalid JSON payload received.' : 'JSON decode error';
  }
}

type Route =
  | 'chat' | 'completions' | 'models' | 'aimlModels' | 'tokenize' | 'tokenCounter' | 'props' | 'koboldMaxCtx' | 'health';

function resolveRoute(flavor: Flavor, path: string): Route | undefined {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (p.endsWith('/chat/completions')) return 'chat';
  if (p.endsWith('/completions')) return 'completions';
  if (flavor === 'aimlapi' && (p === '/models' || p.endsWith('/models'))) return 'aimlModels';
  if (p.endsWith('/models')) return 'models';
  if (p.endsWith('/utils/token_counter') && flavor === 'litellm') return 'tokenCounter';
  if (p === '/tokenize' && (flavor === 'vllm' || flavor === 'llamacpp')) return 'tokenize';
  if (p === '/props' && flavor === 'llamacpp') return 'props';
  if (p === '/api/extra/true_max_context_length' && flavor === 'koboldcpp') return 'koboldMaxCtx';
  if (p === '/health') return 'health';
  return undefined;
}

function routeMethod(route: Route): 'GET' | 'POST' {
  return route === 'models' || route === 'aimlModels' || route === 'props' || route === 'koboldMaxCtx' || route === 'health' ? 'GET' : 'POST';
}

function isPublic(flavor: Flavor, route: Route): boolean {
  if (route === 'health') return true;
  if (flavor === 'aimlapi' && route === 'aimlModels') return true;
  if (flavor === 'llamacpp' && (route === 'models' || route === 'props')) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Request recording (shared with the capture server)
// ---------------------------------------------------------------------------------------------

class Recorder {
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

function readBody(req: http.IncomingMessage, max: number): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      if (tooLarge) return;
      size += c.length;
      if (size > max) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('close', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
  });
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

interface ActiveScenario {
  spec: Scenario;
  used: number;
}

interface Ctx {
  rec: RecordedRequest;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  signal: AbortSignal;
  markServerCut: () => void;
  path: string;
  sc: ActiveScenario | undefined;
}

class ProviderTestServerImpl implements ProviderTestServer {
  url = '';
  port = 0;
  private opts: Required<Omit<ProviderTestServerOptions, 'scenario' | 'port'>>;
  private readonly recorder: Recorder;
  private readonly http: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly inflight = new Set<AbortController>();
  private queue: ActiveScenario[] = [];
  private closing: Promise<void> | undefined;
  private lifetime: NodeJS.Timeout | undefined;
  private reqCounter = 0;
  private markClosed: () => void = () => undefined;
  readonly closed: Promise<void> = new Promise<void>((resolve) => { this.markClosed = resolve; });

  constructor(options: ProviderTestServerOptions) {
    this.opts = {
      flavor: options.flavor ?? 'litellm',
      apiKeys: options.apiKeys ?? ['test-key'],
      requireAuth: options.requireAuth ?? true,
      models: options.models ?? DEFAULT_MODELS,
      defaultContextLength: options.defaultContextLength ?? 8192,
      rejectUnknownModels: options.rejectUnknownModels ?? false,
      systemPromptRejectingModels: options.systemPromptRejectingModels ?? DEFAULT_SYSTEM_PROMPT_REJECTING_MODELS,
      script: options.script ?? [],
      scriptLoop: options.scriptLoop ?? false,
      defaultMaxTokens: options.defaultMaxTokens ?? 256,
      maxStreamTokens: Math.min(options.maxStreamTokens ?? MAX_STREAM_TOKENS, MAX_STREAM_TOKENS),
      maxLifetimeMs: options.maxLifetimeMs ?? DEFAULT_LIFETIME_MS,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY,
      maxRecorded: options.maxRecorded ?? 10_000,
      clock: options.clock ?? Date.now,
      logprobs: options.logprobs ?? {},
    };
    if (options.scenario) this.setScenario(options.scenario);
    this.recorder = new Recorder(() => this.opts.maxRecorded);
    this.http = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `test server bug: ${String(err)}` } }));
        } else {
          res.destroy();
        }
      });
    });
    this.http.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  get flavor(): Flavor {
    return this.opts.flavor;
  }

  get requests(): RecordedRequest[] {
    return this.recorder.requests;
  }

  async start(port: number): Promise<void> {
    this.port = await listen(this.http, port);
    this.url = `http://127.0.0.1:${this.port}`;
    this.lifetime = setTimeout(() => void this.close(), this.opts.maxLifetimeMs);
    this.lifetime.unref();
  }

  waitForRequest(predicate: (r: RecordedRequest) => boolean = () => true, timeoutMs = 5000): Promise<RecordedRequest> {
    return this.recorder.waitFor(predicate, timeoutMs);
  }

  setScenario(s: Scenario | readonly Scenario[] | null): void {
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

  configure(patch: ServerConfigPatch): void {
    const p: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) p[k] = v;
    this.opts = { ...this.opts, ...(p as ServerConfigPatch) };
    this.opts.maxStreamTokens = Math.min(this.opts.maxStreamTokens, MAX_STREAM_TOKENS);
  }

  reset(): void {
    this.recorder.clear();
    this.queue = [];
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = new Promise<void>((resolve) => {
      if (this.lifetime) clearTimeout(this.lifetime);
      for (const ac of this.inflight) ac.abort();
      this.http.close(() => {
        this.markClosed();
        resolve();
      });
      for (const s of this.sockets) s.destroy();
      this.http.closeAllConnections?.();
    });
    return this.closing;
  }

  // ---- scenario selection ----

  private takeScenario(path: string, route: Route | undefined, method: string): ActiveScenario | undefined {
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

  // ---- request handling ----

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const path = rawUrl.split('?')[0] ?? '/';
    if (path.startsWith('/__control/')) return this.control(req, res, path);

    const rec = this.recorder.add(req, path);
    const ac = new AbortController();
    this.inflight.add(ac);
    let serverCut = false;
    this.recorder.track(rec, res, () => serverCut || this.closing !== undefined, () => {
      ac.abort();
      this.inflight.delete(ac);
    });
    const origWriteHead = res.writeHead.bind(res);
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      rec.status = status;
      this.recorder.notify();
      return (origWriteHead as (s: number, ...r: unknown[]) => http.ServerResponse)(status, ...rest);
    }) as typeof res.writeHead;

    const body = await readBody(req, this.opts.maxBodyBytes);
    rec.rawBody = body.text;
    rec.bodyTooLarge = body.tooLarge;
    let parsed: unknown;
    let badJson = false;
    if (body.text.trim() !== '') {
      try {
        parsed = JSON.parse(body.text);
      } catch {
        badJson = true;
      }
    }
    rec.body = parsed;
    this.recorder.notify();

    const flavor = this.opts.flavor;
    const route = resolveRoute(flavor, path);
    const sc = this.takeScenario(path, route, req.method ?? 'GET');
    if (sc) rec.scenarioApplied = true;
    const ctx: Ctx = { rec, req, res, signal: ac.signal, markServerCut: () => { serverCut = true; }, path, sc };
    const spec = sc?.spec;

    if (spec?.dropConnection) {
      serverCut = true;
      req.socket.destroy();
      return;
    }
    if (spec?.firstByteDelayMs) {
      await sleep(spec.firstByteDelayMs, ac.signal);
      if (ac.signal.aborted) return;
    }
    if (spec?.redirect) {
      const target = new URL(spec.redirect.location);
      const location = target.pathname === '/' ? `${target.origin}${rawUrl}` : spec.redirect.location;
      res.writeHead(spec.redirect.status ?? 307, { Location: location, 'Content-Length': '0' });
      res.end();
      return;
    }
    if (body.tooLarge) {
      return this.sendJson(res, 413, errorBody(defaultErrorShape(flavor), 413, `Request body over ${this.opts.maxBodyBytes} bytes`));
    }
    if (!route) return this.notFound(res, path);
    if (routeMethod(route) !== req.method) {
      return this.sendJson(res, 405, { detail: 'Method Not Allowed' });
    }
    if (this.opts.requireAuth && !isPublic(flavor, route)) {
      const key = bearer(rec.authorization);
      if (key === undefined || !this.opts.apiKeys.includes(key)) {
        return this.sendJson(res, 401, unauthorizedBody(flavor, rec.authorization, path));
      }
    }
    const scenarioError = spec?.error && (spec.failTimes === undefined || (sc as ActiveScenario).used <= spec.failTimes) ? spec.error : undefined;

    switch (route) {
      case 'chat':
      case 'completions':
        return this.generation(route, ctx, parsed, badJson, scenarioError);
      default:
        if (scenarioError) return this.sendError(ctx, scenarioError, { model: isObj(parsed) && typeof parsed['model'] === 'string' ? parsed['model'] : this.firstModel().id });
        if (badJson) return this.sendError(ctx, { kind: 'malformedJson' }, { model: '' });
        return this.simpleRoute(route, ctx, parsed);
    }
  }

  private firstModel(): ModelSpec {
    return this.opts.models[0] ?? { id: 'test-model', contextLength: this.opts.defaultContextLength };
  }

  private findModel(id: string): ModelSpec | undefined {
    const bare = id.startsWith('koboldcpp/') ? id.slice('koboldcpp/'.length) : id;
    return this.opts.models.find((m) => m.id === id || m.id === bare);
  }

  private contextOf(id: string): number {
    return this.findModel(id)?.contextLength ?? this.opts.defaultContextLength;
  }

  private sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }

  private notFound(res: http.ServerResponse, path: string): void {
    const flavor = this.opts.flavor;
    if (flavor === 'llamacpp') return this.sendJson(res, 404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
    if (flavor === 'aimlapi') return this.sendJson(res, 404, errorBody('aimlapi', 404, `Cannot POST ${path}`, { path }));
    if (flavor === 'openrouter') return this.sendJson(res, 404, errorBody('openrouter', 404, 'Not Found'));
    return this.sendJson(res, 404, { detail: 'Not Found' });
  }

  private sendError(
    ctx: Ctx,
    spec: ErrorSpec,
    info: { model: string; promptTokens?: number; maxTokens?: number | undefined },
  ): void {
    const flavor = this.opts.flavor;
    const status = spec.status ?? (spec.kind ? KIND_STATUS[spec.kind] : 500);
    const kind = spec.kind ?? kindForStatus(status);
    const headers: Record<string, string> = { ...(spec.headers ?? {}) };
    const retry = spec.retryAfterSeconds === undefined ? (status === 429 ? 1 : undefined) : spec.retryAfterSeconds;
    if (retry !== undefined && retry !== null) headers['Retry-After'] = String(retry);
    if (spec.rawBody !== undefined) {
      if (ctx.res.destroyed) return;
      ctx.res.writeHead(status, { 'Content-Type': spec.contentType ?? 'text/html', 'Content-Length': String(Buffer.byteLength(spec.rawBody)), ...headers });
      ctx.res.end(spec.rawBody);
      return;
    }
    if (spec.body !== undefined) return this.sendJson(ctx.res, status, spec.body, headers);
    const shape = spec.shape ?? defaultErrorShape(flavor);
    let body: unknown;
    if (kind === 'contextOverflow') {
      const ctxLen = this.contextOf(info.model);
      const mt = info.maxTokens;
      const prompt = Math.max(info.promptTokens ?? 0, ctxLen - (mt ?? 0) + 1);
      body = contextOverflowBody(flavor, ctxLen, prompt, mt, spec.shape);
      if (spec.message !== undefined) body = errorBody(shape, status, spec.message);
    } else if (kind === 'systemPromptRejected' && spec.message === undefined && spec.shape === undefined) {
      body = systemPromptRejectionBody(info.model);
    } else if (kind === 'unauthorized' && spec.message === undefined && spec.shape === undefined) {
      body = unauthorizedBody(flavor, ctx.rec.authorization, ctx.path);
    } else {
      body = errorBody(shape, status, spec.message ?? defaultMessage(kind, flavor, info.model), { path: ctx.path });
    }
    this.sendJson(ctx.res, status, body, headers);
  }

  // ---- generation ----

  private async generation(mode: Mode, ctx: Ctx, body: unknown, badJson: boolean, scenarioError: ErrorSpec | undefined): Promise<void> {
    const o = this.opts;
    const flavor = o.flavor;
    const spec = ctx.sc?.spec;
    if (badJson) return this.sendError(ctx, { kind: 'malformedJson', status: flavor === 'llamacpp' ? 500 : 400 }, { model: '' });
    if (!isObj(body)) return this.sendError(ctx, { kind: 'badRequest', message: 'Request body must be a JSON object' }, { model: '' });

    const model = typeof body['model'] === 'string' ? body['model'] : this.firstModel().id;
    let prompt: { text: string; tokens: number };
    if (mode === 'chat') {
      if (!Array.isArray(body['messages'])) {
        return this.sendError(ctx, { kind: 'badRequest', message: flavor === 'litellm' ? 'litellm.BadRequestError: messages is required' : "Field required: 'messages'" }, { model });
      }
      const text = messagesText(body['messages']);
      prompt = { text, tokens: countTokens(text) };
    } else {
      prompt = promptText(body['prompt']);
    }
    let maxReq = num(body['max_tokens']) ?? num(body['max_completion_tokens']);
    if (maxReq === undefined && (flavor === 'llamacpp' || flavor === 'koboldcpp')) {
      const np = num(body['n_predict']) ?? num(body['max_length']);
      if (np !== undefined && np >= 0) maxReq = np;
    }
    const info = { model, promptTokens: prompt.tokens, maxTokens: maxReq };
    if (scenarioError) return this.sendError(ctx, scenarioError, info);

    if (!this.findModel(model) && o.rejectUnknownModels) {
      return flavor === 'litellm'
        ? this.sendError(ctx, { status: 400, message: `litellm.BadRequestError: Invalid model name passed in model=${model}. Call \`/v1/models\` to view available models for your key.` }, info)
        : this.sendError(ctx, { kind: 'notFound' }, info);
    }
    const n = num(body['n']) ?? 1;
    if (flavor === 'llamacpp' && Number.isInteger(n) && n > LLAMACPP_SLOTS) {
      // llama-server's own words (docs/story.md): n is at most its --parallel slot count.
      const message = `Field 'n': Value must be between 1 <= value <= ${LLAMACPP_SLOTS}, but got ${n}`;
      return this.sendError(ctx, { status: 400, body: { error: { code: 400, message, type: 'invalid_request_error' } } }, info);
    }
    if (n < 1 || n > 16 || !Number.isInteger(n)) {
      return this.sendError(ctx, { kind: 'badRequest', message: 'n must be between 1 and 16' }, info);
    }
    if (mode === 'chat' && o.systemPromptRejectingModels.includes(model)) {
      const msgs = body['messages'] as unknown[];
      if (msgs.some((m) => isObj(m) && m['role'] === 'system')) return this.sendError(ctx, { kind: 'systemPromptRejected' }, info);
    }
    const ctxLen = this.contextOf(model);
    const over = flavor === 'llamacpp' ? prompt.tokens > ctxLen : prompt.tokens + (maxReq ?? 0) > ctxLen;
    if (over) {
      const ovBody = contextOverflowBody(flavor, ctxLen, prompt.tokens, maxReq);
      return this.sendJson(ctx.res, 400, ovBody);
    }

    let maxTokens: number;
    if (maxReq !== undefined) maxTokens = maxReq;
    else if (mode === 'completions' && (flavor === 'vllm' || flavor === 'litellm' || flavor === 'aimlapi')) maxTokens = 16;
    else maxTokens = Math.min(o.defaultMaxTokens, Math.max(0, ctxLen - prompt.tokens));
    if (spec?.ignoreMaxTokens) maxTokens = spec.ignoreMaxTokens.tokens;
    maxTokens = Math.max(0, Math.min(Math.floor(maxTokens), o.maxStreamTokens));

    const script = spec?.script ?? (spec?.unicode ? UNICODE_PIECES : o.script.length > 0 ? o.script : undefined);
    const loop = spec?.scriptLoop ?? o.scriptLoop;
    const pieces: string[][] = [];
    const choices = flavor === 'koboldcpp' ? 1 : n;
    for (let c = 0; c < choices; c++) {
      if (script && script.length > 0) {
        if (loop) {
          const out: string[] = [];
          for (let i = 0; i < maxTokens; i++) out.push(script[i % script.length] ?? '');
          pieces.push(out);
        } else {
          pieces.push([...script]);
        }
      } else if (script) {
        pieces.push([]);
      } else {
        pieces.push(generateProse(`${model}\n${prompt.text}`, maxTokens, c));
      }
    }
    const asked = logprobsAsked(mode, body);
    let logprobs: ReturnType<typeof planLogprobs> | undefined;
    if (asked !== undefined && o.logprobs.support !== 'ignore') {
      if (o.logprobs.support === 'reject') {
        const message = `${flavor === 'litellm' ? 'litellm.BadRequestError: ' : ''}logprobs is not supported for this model`;
        return this.sendError(ctx, { kind: 'badRequest', message }, info);
      }
      if (asked > VLLM_MAX_LOGPROBS && flavor !== 'llamacpp') return this.sendError(ctx, { kind: 'badRequest', message: vllmLogprobsLimitMessage(asked) }, info);
      const spec = logprobsSpecFor(flavor, mode, o.logprobs, asked, logprobsSeed(model, prompt.text));
      logprobs = planLogprobs(pieces, spec, o.logprobs.splitCharacters ?? false);
    }
    const stopRaw = body['stop'];
    const stop = typeof stopRaw === 'string' ? [stopRaw] : Array.isArray(stopRaw) ? stopRaw.filter((s): s is string => typeof s === 'string').slice(0, 4) : [];
    const so = body['stream_options'];
    const includeUsage = isObj(so) && so['include_usage'] === true;
    const seq = ++this.reqCounter;
    const created = Math.floor(o.clock() / 1000);
    const planInput = {
      flavor,
      mode,
      model,
      pieces: logprobs ? logprobs.pieces : pieces,
      ...(logprobs ? { logprobs: logprobs.logprobs } : {}),
      n: choices,
      maxTokens,
      stop,
      includeUsage,
      promptTokens: prompt.tokens,
      id: makeId(flavor, mode, `${seq}|${model}|${fnv1a(prompt.text)}`),
      created,
      ...(spec?.midStreamError ? { midStreamError: spec.midStreamError } : {}),
      ...(spec?.truncate ? { truncateAfterTokens: spec.truncate.afterTokens } : {}),
    };

    if (body['stream'] !== true) return this.nonStream(ctx, planInput, info);
    const { items } = planStream(planInput);
    await this.stream(ctx, items);
  }

  private async nonStream(ctx: Ctx, input: Parameters<typeof buildNonStreamBody>[0], info: { model: string; promptTokens: number; maxTokens: number | undefined }): Promise<void> {
    const spec = ctx.sc?.spec;
    if (spec?.stall) {
      await sleep(spec.stall.resumeAfterMs ?? Infinity, ctx.signal);
      if (ctx.signal.aborted) return;
    }
    const body = buildNonStreamBody(input);
    const tokens = Math.max(0, ...(input.pieces as string[][]).map((p) => Math.min(p.length, input.maxTokens ?? p.length)));
    if (spec?.tokenDelayMs) {
      await sleep(spec.tokenDelayMs * Math.ceil(tokens / Math.max(1, Math.floor(spec.tokensPerDelay ?? 1))), ctx.signal);
      if (ctx.signal.aborted) return;
    }
    if (spec?.midStreamError) {
      return this.sendError(ctx, { status: spec.midStreamError.code ?? 500, ...(spec.midStreamError.message !== undefined ? { message: spec.midStreamError.message } : {}) }, info);
    }
    if (spec?.truncate) {
      const text = JSON.stringify(body);
      ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
      ctx.res.write(text.slice(0, Math.floor(text.length / 2)));
      await sleep(20, ctx.signal);
      ctx.markServerCut();
      ctx.res.destroy();
      return;
    }
    this.sendJson(ctx.res, 200, body);
  }

  private async stream(ctx: Ctx, items: StreamItem[]): Promise<void> {
    const { res, signal } = ctx;
    const flavor = this.opts.flavor;
    const spec = ctx.sc?.spec;
    const enc = spec?.encoding ?? {};
    const events = encodeItems(items, flavor, enc);
    const eol = enc.eol ?? (flavor === 'koboldcpp' ? '\r\n' : '\n');
    const sp = enc.space === false ? '' : ' ';
    const keepAlive = `:${sp}${keepAliveText(flavor)}${eol}${eol}`;
    res.writeHead(200, {
      'Content-Type': flavor === 'litellm' ? 'text/event-stream; charset=utf-8' : 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      ...(flavor === 'openrouter' ? { 'X-Generation-Id': String(items.length) } : {}),
    });
    res.flushHeaders();
    ctx.req.socket.setNoDelay(true);

    const write = async (text: string): Promise<void> => {
      if (signal.aborted || res.destroyed) return;
      const buf = Buffer.from(text, 'utf8');
      const chunked = spec?.chunking !== undefined && (spec.chunking.bytes !== undefined || spec.chunking.splitInsideMultibyte === true);
      if (!chunked) {
        // As fast as possible: only wait on backpressure.
        if (!res.write(buf)) {
          await new Promise<void>((resolve) => {
            const done = (): void => {
              res.off('drain', done);
              signal.removeEventListener('abort', done);
              resolve();
            };
            res.on('drain', done);
            signal.addEventListener('abort', done, { once: true });
          });
        }
        return;
      }
      // Chunked: each piece is its own write, flushed before the next, so pieces tend to leave as separate segments.
      const parts = splitBytes(buf, spec.chunking as ChunkingOptions);
      for (const p of parts) {
        if (signal.aborted || res.destroyed) return;
        await new Promise<void>((resolve) => {
          const onAbort = (): void => resolve();
          signal.addEventListener('abort', onAbort, { once: true });
          res.write(p, () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          });
        });
        if (spec?.chunking?.delayMs) await sleep(spec.chunking.delayMs, signal);
      }
    };
    const wait = async (ms: number): Promise<void> => {
      const every = spec?.keepAliveEveryMs;
      if (!every || every <= 0) return sleep(ms, signal);
      const end = Date.now() + ms;
      while (!signal.aborted && !res.destroyed) {
        const left = end - Date.now();
        if (left <= 0) return;
        await sleep(Math.min(every, left), signal);
        if (signal.aborted || Date.now() >= end) return;
        await write(keepAlive);
      }
    };

    let firstTokenSeen = false;
    let stalled = false;
    let lastTokenStep = -1;
    for (let k = 0; k < items.length; k++) {
      if (signal.aborted || res.destroyed) return;
      const it = items[k] as StreamItem;
      if (it.step >= 0 && !firstTokenSeen) {
        firstTokenSeen = true;
        if (spec?.firstTokenDelayMs) await wait(spec.firstTokenDelayMs);
      }
      if (spec?.stall && !stalled && it.step >= 0 && it.step >= spec.stall.afterTokens) {
        stalled = true;
        await wait(spec.stall.resumeAfterMs ?? Infinity);
      }
      const newStep = it.kind === 'data' && it.token && it.step !== lastTokenStep;
      if (newStep) {
        lastTokenStep = it.step;
        if (spec?.tokenDelayMs && it.step % Math.max(1, Math.floor(spec.tokensPerDelay ?? 1)) === 0) {
          ctx.rec.tokenDelays++;
          await sleep(spec.tokenDelayMs, signal);
        }
      }
      if (signal.aborted || res.destroyed) return;
      // Counted as the write starts: an upper bound on what the client can have read.
      if (newStep) ctx.rec.tokensWritten++;
      await write(events[k] ?? '');
    }
    if (spec?.stall && !stalled && spec.stall.afterTokens >= 0 && items.every((it) => it.step < spec.stall!.afterTokens)) {
      // Stall point beyond the end (e.g. truncated earlier): keep the socket open anyway.
      await wait(spec.stall.resumeAfterMs ?? Infinity);
    }
    if (signal.aborted || res.destroyed) return;
    if (spec?.truncate?.destroy) {
      ctx.markServerCut();
      res.destroy();
      return;
    }
    res.end();
  }

  // ---- other routes ----

  private simpleRoute(route: Route, ctx: Ctx, body: unknown): void {
    const o = this.opts;
    const flavor = o.flavor;
    const res = ctx.res;
    const b = isObj(body) ? body : {};
    const created = Math.floor(o.clock() / 1000);
    switch (route) {
      case 'health':
        return this.sendJson(res, 200, { status: 'ok' });
      case 'models':
        return this.sendJson(res, 200, this.modelsList(created));
      case 'aimlModels':
        return this.sendJson(res, 200, {
          object: 'list',
          data: o.models.map((m) => ({
            id: m.id,
            type: 'chat-completion',
            info: { name: m.id, developer: m.id.includes('/') ? m.id.split('/')[0] : 'Test', description: `${m.id} (test server)`, contextLength: m.contextLength, maxTokens: m.maxOutputTokens ?? 4096, url: '', docs_url: '' },
            features: ['openai/chat-completion', 'openai/chat-completion.stream', 'openai/chat-completion.max-tokens', 'openai/chat-completion.stop'],
            endpoints: ['/v1/chat/completions'],
          })),
        });
      case 'tokenize': {
        if (flavor === 'llamacpp') {
          const content = typeof b['content'] === 'string' ? b['content'] : '';
          return this.sendJson(res, 200, { tokens: tokenIds(content) });
        }
        const model = typeof b['model'] === 'string' ? b['model'] : this.firstModel().id;
        const text = Array.isArray(b['messages']) ? messagesText(b['messages']) : typeof b['prompt'] === 'string' ? b['prompt'] : '';
        const tokens = tokenIds(text);
        return this.sendJson(res, 200, { count: tokens.length, max_model_len: this.contextOf(model), tokens });
      }
      case 'tokenCounter': {
        const model = typeof b['model'] === 'string' ? b['model'] : '';
        const text = Array.isArray(b['messages']) ? messagesText(b['messages']) : typeof b['prompt'] === 'string' ? b['prompt'] : '';
        const known = this.findModel(model) !== undefined;
        return this.sendJson(res, 200, known
          ? { total_tokens: countTokens(text), request_model: model, model_used: `Infermatic/${model}`, tokenizer_type: 'huggingface_tokenizer' }
          : { total_tokens: estimateOpenAiTokens(text), request_model: model, model_used: model, tokenizer_type: 'openai_tokenizer' });
      }
      case 'props': {
        const m = this.firstModel();
        return this.sendJson(res, 200, {
          default_generation_settings: { n_ctx: m.contextLength, model: `/models/${m.id}.gguf`, n_predict: -1, temperature: 0.8 },
          total_slots: 1,
          model_path: `/models/${m.id}.gguf`,
          chat_template: '',
          build_info: 'b5000-inkwelltest',
        });
      }
      case 'koboldMaxCtx':
        return this.sendJson(res, 200, { value: this.firstModel().contextLength });
      default:
        return this.notFound(res, ctx.path);
    }
  }

  private modelsList(created: number): unknown {
    const o = this.opts;
    const models = o.flavor === 'llamacpp' || o.flavor === 'koboldcpp' ? [this.firstModel()] : o.models;
    switch (o.flavor) {
      case 'litellm':
        return { data: models.map((m) => ({ id: m.id, object: 'model', created: 1677610602, owned_by: 'openai' })), object: 'list' };
      case 'vllm':
        return { object: 'list', data: models.map((m) => ({ id: m.id, object: 'model', created, owned_by: 'vllm', root: m.id, parent: null, max_model_len: m.contextLength, permission: [] })) };
      case 'llamacpp':
        return {
          models: models.map((m) => ({ name: m.id, model: m.id, modified_at: '', size: '', digest: '', type: 'model', description: '', tags: [''], capabilities: ['completion'], parameters: '', details: { parent_model: '', format: 'gguf', family: '', families: [''], parameter_size: '', quantization_level: '' } })),
          object: 'list',
          // n_ctx_train is the training context, not the server's n_ctx (that is in /props).
          data: models.map((m) => ({ id: m.id, object: 'model', created, owned_by: 'llamacpp', meta: { vocab_type: 2, n_vocab: 128256, n_ctx_train: 131072, n_ctx: m.contextLength, n_embd: 4096, n_params: 8030261248, size: 4920733696 } })),
        };
      case 'openrouter':
        return {
          data: models.map((m) => ({
            id: m.id, canonical_slug: m.id, name: m.id, created, description: '', context_length: m.contextLength,
            architecture: { modality: 'text->text', input_modalities: ['text'], output_modalities: ['text'], tokenizer: 'Other', instruct_type: null },
            pricing: { prompt: '0.0000008', completion: '0.0000012', request: '0', image: '0' },
            top_provider: { context_length: m.contextLength, max_completion_tokens: m.maxOutputTokens ?? null, is_moderated: false },
            per_request_limits: null,
            supported_parameters: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'top_k', 'min_p', 'top_a', 'repetition_penalty', 'frequency_penalty', 'presence_penalty'],
          })),
        };
      case 'koboldcpp':
        return { object: 'list', data: models.map((m) => ({ id: `koboldcpp/${m.id}`, object: 'model', created: 1, owned_by: 'koboldcpp', permission: [], root: 'koboldcpp' })) };
      case 'aimlapi':
        return { object: 'list', data: models.map((m) => ({ id: m.id, object: 'model', created, owned_by: 'aimlapi' })) };
    }
  }

  // ---- control plane (cross-process) ----

  private async control(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const { text } = await readBody(req, this.opts.maxBodyBytes);
    let body: unknown;
    try {
      body = text.trim() === '' ? null : JSON.parse(text);
    } catch {
      return this.sendJson(res, 400, { ok: false, error: 'invalid JSON' });
    }
    const op = path.slice('/__control/'.length);
    if (req.method === 'GET' && op === 'requests') return this.sendJson(res, 200, this.requests);
    if (req.method === 'GET' && op === 'health') return this.sendJson(res, 200, { ok: true, flavor: this.flavor });
    if (req.method !== 'POST') return this.sendJson(res, 405, { ok: false });
    switch (op) {
      case 'scenario':
        this.setScenario(body as Scenario | Scenario[] | null);
        return this.sendJson(res, 200, { ok: true });
      case 'reset':
        this.reset();
        return this.sendJson(res, 200, { ok: true });
      case 'config':
        if (!isObj(body)) return this.sendJson(res, 400, { ok: false, error: 'expected an object' });
        this.configure(body as ServerConfigPatch);
        return this.sendJson(res, 200, { ok: true });
      default:
        return this.sendJson(res, 404, { ok: false, error: `unknown control ${op}` });
    }
  }
}

/** Start a provider test server on 127.0.0.1 (random port unless `port` is given). */
export async function startProviderTestServer(options: ProviderTestServerOptions = {}): Promise<ProviderTestServer> {
  const s = new ProviderTestServerImpl(options);
  await s.start(options.port ?? 0);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Capture server
// ---------------------------------------------------------------------------------------------

export interface CaptureServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  waitForRequest(predicate?: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A server that records every request and answers 200 with a models list. For security tests:
 * nothing (no request, no key) should ever reach it.
 */
export async function startCaptureServer(options: { maxLifetimeMs?: number; port?: number } = {}): Promise<CaptureServer> {
  const recorder = new Recorder(() => 10_000);
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const rec = recorder.add(req, path);
    recorder.track(rec, res, () => closing !== undefined);
    void readBody(req, DEFAULT_MAX_BODY).then(({ text, tooLarge }) => {
      rec.rawBody = text;
      rec.bodyTooLarge = tooLarge;
      try {
        rec.body = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        rec.body = undefined;
      }
      const out = JSON.stringify({ object: 'list', data: [{ id: 'capture-model', object: 'model', created: 0, owned_by: 'capture' }] });
      if (res.destroyed) return;
      rec.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(out)) });
      res.end(out);
      recorder.notify();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server, options.port ?? 0);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    return closing;
  };
  const lifetime = setTimeout(() => void close(), options.maxLifetimeMs ?? DEFAULT_LIFETIME_MS);
  lifetime.unref();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: recorder.requests,
    waitForRequest: (predicate = () => true, timeoutMs = 5000) => recorder.waitFor(predicate, timeoutMs),
    reset: () => recorder.clear(),
    close,
  };
}
