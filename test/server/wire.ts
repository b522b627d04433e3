/**
 * Wire shapes of the providers Inkwell talks to (see docs/providers.md), as pure functions:
 * error bodies, stream chunks, the SSE byte encoding and the deterministic text generator.
 *
 * Nothing here does I/O. The test server (providerTestServer.ts) sends exactly what
 * `planStream` + `encodeItems` produce, so `buildStream` / `buildStreamBytes` give unit tests the
 * exact bytes the server would send for the same inputs (same id and `created`).
 */

export type Flavor = 'litellm' | 'vllm' | 'llamacpp' | 'aimlapi' | 'openrouter' | 'koboldcpp';
export const FLAVORS: readonly Flavor[] = ['litellm', 'vllm', 'llamacpp', 'aimlapi', 'openrouter', 'koboldcpp'];

/** Which generation route: `/v1/completions` or `/v1/chat/completions`. */
export type Mode = 'completions' | 'chat';

/** The JSON shape of an error body. Each flavor has a default (see `defaultErrorShape`). */
export type ErrorShape =
  | 'litellm' // {"error":{"message","type":null|"None","param":null|"None","code":"400"}}  (code is a string)
  | 'openai' // {"error":{"message","type":"BadRequestError","param":null,"code":400}}   (current vLLM)
  | 'vllmFlat' // {"object":"error","message","type":"BadRequestError","param":null,"code":400} (older vLLM)
  | 'llamacpp' // {"error":{"code":400,"message","type":"invalid_request_error"}}
  | 'aimlapi' // {"message","path","requestId","statusCode":"429","timestamp"}
  | 'openrouter'; // {"error":{"message","code":402}}

/** Hard cap on tokens in one response, whatever the request asks. */
export const MAX_STREAM_TOKENS = 20_000;

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

// ---------------------------------------------------------------------------------------------
// Token counting (the server's notion of a token)
// ---------------------------------------------------------------------------------------------

/**
 * The server counts prompt tokens as whitespace-separated words (`text.trim().split(/\s+/)`).
 * Chat prompts: the sum over all messages' text content, no per-message template overhead.
 * Generated output: one script piece / generated piece = one token.
 * This is what `/tokenize`, `/utils/token_counter` (for known models), `usage.prompt_tokens`
 * and the context-overflow check use.
 */
export function countTokens(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/u).length;
}

/** litellm's fallback (`openai_tokenizer`) for unknown models: a deliberately different estimate, ceil(chars / 4). */
export function estimateOpenAiTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Deterministic fake token ids, one per word (see `countTokens`). */
export function tokenIds(text: string): number[] {
  const t = text.trim();
  if (t === '') return [];
  return t.split(/\s+/u).map((w) => 1 + (fnv1a(w) % 128_000));
}

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Deterministic text
// ---------------------------------------------------------------------------------------------

const WORDS = [
  'the', 'lantern', 'river', 'quiet', 'she', 'he', 'remembered', 'window', 'rain', 'old', 'letter',
  'across', 'garden', 'stone', 'light', 'whispered', 'morning', 'silver', 'road', 'house', 'they',
  'waited', 'beneath', 'shadow', 'door', 'slowly', 'hands', 'winter', 'bell', 'distant', 'smoke',
  'field', 'carried', 'small', 'name', 'again', 'under', 'wind', 'harbor', 'candle', 'folded',
  'answer', 'north', 'voice', 'weight', 'paper', 'ash', 'ink', 'clock', 'a', 'of', 'and', 'in', 'was',
  'her', 'his', 'into', 'through', 'still', 'every', 'almost', 'never', 'only', 'without', 'another',
];

/**
 * Lorem-like English prose, deterministic in (seed, choice). Each piece is one token: a word with
 * its leading separator (" word", or "\n\nWord" at a paragraph start) and trailing punctuation.
 * Sentences of 5–14 words, paragraphs of 2–4 sentences.
 */
export function generateProse(seed: string, count: number, choice = 0): string[] {
  const rng = mulberry32(fnv1a(`${seed}\u0000${choice}`));
  const pick = (): string => WORDS[Math.floor(rng() * WORDS.length)] ?? 'the';
  const out: string[] = [];
  let wordsLeft = 5 + Math.floor(rng() * 10);
  let sentencesLeft = 2 + Math.floor(rng() * 3);
  let sentenceStart = true;
  let paragraphStart = false;
  const n = Math.min(Math.max(0, count), MAX_STREAM_TOKENS);
  for (let i = 0; i < n; i++) {
    let word = pick();
    if (sentenceStart) word = word.charAt(0).toUpperCase() + word.slice(1);
    const sep = paragraphStart ? '\n\n' : ' ';
    paragraphStart = false;
    sentenceStart = false;
    wordsLeft--;
    let suffix = '';
    if (wordsLeft <= 0) {
      suffix = '.';
      sentenceStart = true;
      wordsLeft = 5 + Math.floor(rng() * 10);
      sentencesLeft--;
      if (sentencesLeft <= 0) {
        paragraphStart = true;
        sentencesLeft = 2 + Math.floor(rng() * 3);
      }
    } else if (rng() < 0.08) {
      suffix = ',';
    }
    out.push(sep + word + suffix);
  }
  return out;
}

/**
 * A script of awkward Unicode: CJK, emoji with ZWJ and variation selectors, flags, combining
 * marks, RTL text, astral-plane letters, NBSP, curly quotes. All valid UTF-16 (no lone surrogates).
 */
export const UNICODE_PIECES: readonly string[] = [
  ' 雪が', '静かに', '降る。', ' 🌧️', ' 👩‍👩‍👧‍👦', ' café', ' e\u0301te\u0301', ' Z\u0351\u0327a\u0300l\u0316g\u0301o',
  ' 한국어', ' 中文字', ' 🏳️‍🌈', ' 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', ' مرحبا', ' שלום', ' 😀😀', '…', ' “quoted”', ' \u00a0nbsp', ' 🇯🇵', ' ok.',
];

// ---------------------------------------------------------------------------------------------
// Error bodies
// ---------------------------------------------------------------------------------------------

export function defaultErrorShape(flavor: Flavor): ErrorShape {
  switch (flavor) {
    case 'litellm': return 'litellm';
    case 'vllm': return 'openai';
    case 'llamacpp': return 'llamacpp';
    case 'aimlapi': return 'aimlapi';
    case 'openrouter': return 'openrouter';
    case 'koboldcpp': return 'openai';
  }
}

function openAiType(status: number): string {
  switch (status) {
    case 400: return 'BadRequestError';
    case 401: return 'AuthenticationError';
    case 402: return 'PaymentRequiredError';
    case 403: return 'PermissionDeniedError';
    case 404: return 'NotFoundError';
    case 408: return 'TimeoutError';
    case 413: return 'BadRequestError';
    case 429: return 'RateLimitError';
    default: return status >= 500 ? 'InternalServerError' : 'BadRequestError';
  }
}

function llamaType(status: number): string {
  switch (status) {
    case 400: return 'invalid_request_error';
    case 401: return 'authentication_error';
    case 403: return 'permission_error';
    case 404: return 'not_found_error';
    case 501: return 'not_supported_error';
    case 503: return 'unavailable_error';
    default: return status >= 500 ? 'server_error' : 'invalid_request_error';
  }
}

export interface ErrorBodyOptions {
  /** `type` field (shape-dependent default). litellm: null unless given. */
  type?: string | null;
  /** litellm `param`; default null. */
  param?: string | null;
  /** aimlapi: request path. */
  path?: string;
  requestId?: string;
  timestamp?: string;
  /** openrouter: `error.metadata`. */
  metadata?: Record<string, unknown>;
}

/** An error body in the given shape. */
export function errorBody(shape: ErrorShape, status: number, message: string, o: ErrorBodyOptions = {}): Record<string, unknown> {
  switch (shape) {
    case 'litellm':
      return { error: { message, type: o.type ?? null, param: o.param ?? null, code: String(status) } };
    case 'openai':
      return { error: { message, type: o.type ?? openAiType(status), param: o.param ?? null, code: status } };
    case 'vllmFlat':
      return { object: 'error', message, type: o.type ?? openAiType(status), param: o.param ?? null, code: status };
    case 'llamacpp':
      return { error: { code: status, message, type: o.type ?? llamaType(status) } };
    case 'aimlapi':
      return {
        message,
        path: o.path ?? '/v1/chat/completions',
        requestId: o.requestId ?? '00000000-0000-4000-8000-000000000000',
        statusCode: String(status),
        timestamp: o.timestamp ?? new Date(0).toISOString(),
      };
    case 'openrouter': {
      const error: Record<string, unknown> = { message, code: status };
      if (o.metadata) error['metadata'] = o.metadata;
      return { error };
    }
  }
}

/** The 500 Infermatic/litellm sends when a model rejects a system prompt (exact text from docs/providers.md). */
export function systemPromptRejectionBody(model: string): Record<string, unknown> {
  return {
    error: {
      message: `litellm.APIError: APIError: OpenAIException - Internal Server Error\nReceived Model Group=${model}\nAvailable Model Group Fallbacks=None`,
      type: null,
      param: null,
      code: '500',
    },
  };
}

/**
 * Context overflow message for the flavor. vLLM wording (classic):
 * "This model's maximum context length is 8192 tokens. However, you requested 9064 tokens (9000 in the
 * messages, 64 in the completion). Please reduce the length of the messages or completion."
 */
export function contextOverflowMessage(flavor: Flavor, contextLength: number, promptTokens: number, maxTokens: number | undefined): string {
  const m = maxTokens ?? 0;
  const vllm = maxTokens === undefined
    ? `This model's maximum context length is ${contextLength} tokens. However, you requested ${promptTokens} tokens in the messages, Please reduce the length of the messages.`
    : `This model's maximum context length is ${contextLength} tokens. However, you requested ${promptTokens + m} tokens (${promptTokens} in the messages, ${m} in the completion). Please reduce the length of the messages or completion.`;
  switch (flavor) {
    case 'litellm':
      return `litellm.ContextWindowExceededError: litellm.BadRequestError: ContextWindowExceededError: OpenAIException - ${vllm}`;
    case 'llamacpp':
      return 'the request exceeds the available context size, try increasing it';
    case 'openrouter':
      return `This endpoint's maximum context length is ${contextLength} tokens. However, you requested about ${promptTokens + m} tokens (${promptTokens} of text input, ${m} in the output). Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.`;
    default:
      return vllm;
  }
}

/** Full 400 body for a context overflow in the flavor's shape (llama.cpp: `exceed_context_size_error`). */
export function contextOverflowBody(flavor: Flavor, contextLength: number, promptTokens: number, maxTokens: number | undefined, shape?: ErrorShape): Record<string, unknown> {
  const s = shape ?? defaultErrorShape(flavor);
  const message = contextOverflowMessage(flavor, contextLength, promptTokens, maxTokens);
  if (s === 'llamacpp') {
    return { error: { code: 400, message, type: 'exceed_context_size_error', n_prompt_tokens: promptTokens, n_ctx: contextLength } };
  }
  return errorBody(s, 400, message);
}

// ---------------------------------------------------------------------------------------------
// SSE encoding
// ---------------------------------------------------------------------------------------------

/** One thing the server writes on a stream. `step` is the token step it belongs to (see planStream). */
export type StreamItem =
  | { kind: 'data'; value: unknown; step: number; token: boolean }
  | { kind: 'comment'; text: string; step: number }
  | { kind: 'field'; name: string; value: unknown; step: number }
  | { kind: 'done'; step: number };

export interface SseEncoding {
  /** Line ending. Default '\n' ('\r\n' for koboldcpp). */
  eol?: '\n' | '\r\n' | '\r';
  /** "data: x" (true, default) or "data:x" (false). */
  space?: boolean;
  /** What follows "data: [DONE]". Default eol+eol; koboldcpp: '' (no newline at all). */
  doneTrailer?: string;
  /** Pretty-print JSON across several `data:` lines of one event (valid SSE: lines are joined with \n). */
  multiline?: boolean;
  /** Prefix the stream with a UTF-8 BOM. */
  bom?: boolean;
  /** Leave out the blank line after the last event (the stream ends right after its last line's eol). */
  omitFinalBlankLine?: boolean;
}

export function flavorEncoding(flavor: Flavor): Required<Omit<SseEncoding, 'bom' | 'multiline' | 'omitFinalBlankLine'>> {
  if (flavor === 'koboldcpp') return { eol: '\r\n', space: true, doneTrailer: '' };
  return { eol: '\n', space: true, doneTrailer: '\n\n' };
}

/** Encode items to the exact text of the stream. */
export function encodeItems(items: readonly StreamItem[], flavor: Flavor, enc: SseEncoding = {}): string[] {
  const base = flavorEncoding(flavor);
  const eol = enc.eol ?? base.eol;
  const sp = (enc.space ?? base.space) ? ' ' : '';
  const doneTrailer = enc.doneTrailer ?? (flavor === 'koboldcpp' ? base.doneTrailer : eol + eol);
  const out: string[] = [];
  for (const it of items) {
    switch (it.kind) {
      case 'data': {
        const lines = enc.multiline ? JSON.stringify(it.value, null, 1).split('\n') : [JSON.stringify(it.value)];
        out.push(lines.map((l) => `data:${sp}${l}${eol}`).join('') + eol);
        break;
      }
      case 'comment':
        out.push(`:${sp}${it.text}${eol}${eol}`);
        break;
      case 'field':
        out.push(`${it.name}:${sp}${JSON.stringify(it.value)}${eol}${eol}`);
        break;
      case 'done':
        out.push(`data:${sp}[DONE]${doneTrailer}`);
        break;
    }
  }
  if (enc.omitFinalBlankLine && out.length > 0) {
    const last = out[out.length - 1] ?? '';
    if (last.endsWith(eol + eol)) out[out.length - 1] = last.slice(0, -eol.length);
  }
  if (enc.bom && out.length > 0) out[0] = '\uFEFF' + out[0];
  return out;
}

/** Keep-alive comment text per flavor (`: OPENROUTER PROCESSING` for OpenRouter). */
export function keepAliveText(flavor: Flavor): string {
  return flavor === 'openrouter' ? 'OPENROUTER PROCESSING' : 'keep-alive';
}

export interface ChunkingOptions {
  /** Split into pieces of N bytes; an array cycles through sizes (e.g. [1, 7, 3]). 1 = byte at a time. */
  bytes?: number | readonly number[];
  /** Also split right after the first byte of every multi-byte UTF-8 character. */
  splitInsideMultibyte?: boolean;
}

/** Split bytes into network-sized pieces (the server applies this to each event it writes). */
export function splitBytes(buf: Uint8Array, o: ChunkingOptions): Uint8Array[] {
  const cuts = new Set<number>();
  const sizes = o.bytes === undefined ? [] : typeof o.bytes === 'number' ? [o.bytes] : [...o.bytes];
  const valid = sizes.filter((n) => Number.isFinite(n) && n >= 1).map((n) => Math.floor(n));
  if (valid.length > 0) {
    let pos = 0;
    let k = 0;
    while (pos < buf.length) {
      pos += valid[k % valid.length] ?? 1;
      k++;
      if (pos < buf.length) cuts.add(pos);
    }
  }
  if (o.splitInsideMultibyte) {
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i] ?? 0;
      if (b >= 0xc0 && i + 1 < buf.length) cuts.add(i + 1);
    }
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const c of sorted) {
    parts.push(buf.subarray(start, c));
    start = c;
  }
  parts.push(buf.subarray(start));
  return parts.filter((p) => p.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Stream plan
// ---------------------------------------------------------------------------------------------

export interface MidStreamErrorSpec {
  /** Error after this many token steps (0 = before the first token, after the role chunk). */
  afterTokens: number;
  message?: string;
  /** HTTP-ish code inside the error object. Default 500. */
  code?: number;
  /**
   * How it is sent. Default by flavor: litellm/vllm/aimlapi/koboldcpp 'data' (`data: {"error":…}`),
   * llamacpp 'errorField' (`error: {…}` SSE field), openrouter 'openrouter' (chunk with `error`
   * and `finish_reason:"error"`).
   */
  style?: 'data' | 'errorField' | 'openrouter';
  /**
   * Whether `data: [DONE]` follows. Default by flavor: litellm false (closes without it), vllm true,
   * llamacpp true for 'errorField' and false for 'data' (recent builds), openrouter false,
   * aimlapi false, koboldcpp true.
   */
  done?: boolean;
}

export type FinishReason = 'stop' | 'length';

export interface StreamPlanInput {
  flavor: Flavor;
  mode: Mode;
  model?: string;
  /** Token pieces per choice; a flat array is used for every choice. */
  pieces: readonly string[] | readonly (readonly string[])[];
  /** Number of choices (default 1; koboldcpp always 1). */
  n?: number;
  /** Max tokens (pieces) per choice. Default: all pieces; pieces running out first → finish "stop". */
  maxTokens?: number;
  /** Stop strings: output is cut before the first match, finish "stop". */
  stop?: readonly string[];
  /** Add the `choices: []` usage chunk before [DONE] (`stream_options.include_usage`). */
  includeUsage?: boolean;
  promptTokens?: number;
  midStreamError?: MidStreamErrorSpec;
  /** End after this many token steps: no finish_reason, no usage, no [DONE]. */
  truncateAfterTokens?: number;
  id?: string;
  /** Unix seconds for `created`. Default 1700000000 in buildStream; the server uses the clock. */
  created?: number;
  /** Token probabilities to put on each token's chunk (see logprobsWire.ts). Steps with no text are then sent too. */
  logprobs?: StreamLogprobs;
}

/** A choice's `logprobs` object for one token step, and for a whole non-streamed answer. */
export interface StreamLogprobs {
  forStep(choice: number, step: number): Record<string, unknown>;
  whole(choice: number, steps: number): Record<string, unknown>;
}

/** What a correct stream reader should conclude from the bytes. */
export interface ExpectedStream {
  /** Concatenated text per choice. */
  texts: string[];
  /** finish_reason per choice as sent (null if none was sent; "error" for OpenRouter errors). */
  finishReasons: (string | null)[];
  /** `data: [DONE]` was sent. */
  done: boolean;
  /** The error object sent mid-stream (the whole JSON value of the event), or null. */
  error: unknown;
  usage: Usage | null;
  /** Neither [DONE] nor a finish_reason on every choice: the stream was cut. */
  truncated: boolean;
  /** Token steps actually sent. */
  tokensSent: number;
}

interface ChoiceResult {
  /** Per token step: text to emit (may be '') or null (held back / nothing). */
  steps: (string | null)[];
  finish: FinishReason;
  /** Stopped by a stop string at the last step. */
  stoppedByString: boolean;
  /** Stopped because max tokens was hit. */
  hitLength: boolean;
}

function runChoice(pieces: readonly string[], maxTokens: number, stops: readonly string[]): ChoiceResult {
  const limit = Math.min(Math.max(0, Math.floor(maxTokens)), MAX_STREAM_TOKENS);
  const steps: (string | null)[] = [];
  const activeStops = stops.filter((s) => s.length > 0);
  let pending = '';
  let i = 0;
  for (; i < limit && i < pieces.length; i++) {
    pending += pieces[i] ?? '';
    let cut = -1;
    for (const s of activeStops) {
      const at = pending.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      steps.push(pending.slice(0, cut));
      return { steps, finish: 'stop', stoppedByString: true, hitLength: false };
    }
    let hold = 0;
    for (const s of activeStops) {
      for (let k = Math.min(s.length - 1, pending.length); k > hold; k--) {
        if (pending.endsWith(s.slice(0, k))) {
          hold = k;
          break;
        }
      }
    }
    const emit = pending.slice(0, pending.length - hold);
    pending = pending.slice(pending.length - hold);
    steps.push(emit === '' ? null : emit);
  }
  // Flush held text at the end.
  if (pending !== '' && steps.length > 0) {
    const last = steps.length - 1;
    steps[last] = (steps[last] ?? '') + pending;
  }
  const hitLength = i >= limit;
  return { steps, finish: hitLength ? 'length' : 'stop', stoppedByString: false, hitLength };
}

/** A response id in the flavor's style, deterministic in `seed`. */
export function makeId(flavor: Flavor, mode: Mode, seed: string): string {
  const h = (fnv1a(seed).toString(16) + fnv1a(seed + '#').toString(16) + fnv1a(seed + '$').toString(16)).padEnd(24, '0').slice(0, 24);
  switch (flavor) {
    case 'openrouter': return `gen-${1700000000 + (fnv1a(seed) % 100000)}-${h.slice(0, 20)}`;
    case 'koboldcpp': return 'koboldcpp';
    case 'llamacpp': return `chatcmpl-${h}`;
    default: return mode === 'chat' ? `chatcmpl-${h}` : `cmpl-${h}`;
  }
}

function timings(promptN: number, predictedN: number): Record<string, number> {
  const promptMs = promptN * 0.5 + 1;
  const predictedMs = predictedN * 10 + 1;
  return {
    prompt_n: promptN,
    prompt_ms: promptMs,
    prompt_per_token_ms: promptN > 0 ? promptMs / promptN : 0,
    prompt_per_second: promptN > 0 ? (promptN * 1000) / promptMs : 0,
    predicted_n: predictedN,
    predicted_ms: predictedMs,
    predicted_per_token_ms: predictedN > 0 ? predictedMs / predictedN : 0,
    predicted_per_second: predictedN > 0 ? (predictedN * 1000) / predictedMs : 0,
  };
}

function koboldModel(model: string): string {
  return model.startsWith('koboldcpp/') ? model : `koboldcpp/${model}`;
}

interface ChunkCtx {
  flavor: Flavor;
  mode: Mode;
  id: string;
  created: number;
  model: string;
}

function envelope(c: ChunkCtx, choices: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const chat = c.mode === 'chat';
  switch (c.flavor) {
    case 'litellm':
      return { id: c.id, created: c.created, model: c.model, object: chat ? 'chat.completion.chunk' : 'text_completion', choices, ...extra };
    case 'llamacpp':
      return { choices, created: c.created, id: c.id, model: c.model, system_fingerprint: 'b5000-inkwelltest', object: chat ? 'chat.completion.chunk' : 'text_completion', ...extra };
    case 'openrouter':
      return { id: c.id, provider: 'Infermatic', model: c.model, object: 'chat.completion.chunk', created: c.created, choices, ...extra };
    case 'koboldcpp':
      return { id: c.id, object: chat ? 'chat.completion.chunk' : 'text_completion', created: c.created, model: koboldModel(c.model), choices, ...extra };
    default:
      return { id: c.id, object: chat ? 'chat.completion.chunk' : 'text_completion', created: c.created, model: c.model, choices, ...extra };
  }
}

/** A choice object for a chunk. `text` undefined = the key is left out (litellm). */
function choiceObj(c: ChunkCtx, index: number, part: { text?: string | null; role?: boolean; finish?: string | null }): Record<string, unknown> {
  const chat = c.mode === 'chat';
  const finish = part.finish ?? null;
  switch (c.flavor) {
    case 'litellm': {
      // litellm drops null keys; `text` may be null or missing.
      const o: Record<string, unknown> = { index };
      if (chat) {
        const delta: Record<string, unknown> = {};
        if (part.role) delta['role'] = 'assistant';
        if (part.text !== undefined) delta['content'] = part.text;
        o['delta'] = delta;
      } else if (part.text !== undefined) {
        o['text'] = part.text;
      }
      if (finish !== null) o['finish_reason'] = finish;
      return o;
    }
    case 'llamacpp': {
      if (chat) {
        const delta: Record<string, unknown> = {};
        if (part.role) delta['role'] = 'assistant';
        if (part.text !== undefined) delta['content'] = part.text;
        return { finish_reason: finish, index, delta };
      }
      return { text: part.text ?? '', index, logprobs: null, finish_reason: finish };
    }
    case 'openrouter': {
      if (chat) {
        return { index, delta: { role: 'assistant', content: part.text ?? '' }, finish_reason: finish, native_finish_reason: finish, logprobs: null };
      }
      return { index, text: part.text ?? '', finish_reason: finish, native_finish_reason: finish, logprobs: null };
    }
    case 'koboldcpp': {
      if (chat) return { index, finish_reason: finish, delta: { role: 'assistant', content: part.text ?? '' } };
      return { index, finish_reason: finish, text: part.text ?? '' };
    }
    case 'vllm':
    case 'aimlapi': {
      if (chat) {
        const delta: Record<string, unknown> = part.role ? { role: 'assistant', content: '' } : { content: part.text ?? '' };
        return { index, delta, logprobs: null, finish_reason: finish };
      }
      const o: Record<string, unknown> = { index, text: part.text ?? '', logprobs: null, finish_reason: finish };
      if (c.flavor === 'vllm') o['stop_reason'] = null;
      return o;
    }
  }
}

function midErrorDefaults(flavor: Flavor, spec: MidStreamErrorSpec): { style: 'data' | 'errorField' | 'openrouter'; done: boolean } {
  const style = spec.style ?? (flavor === 'llamacpp' ? 'errorField' : flavor === 'openrouter' ? 'openrouter' : 'data');
  let done: boolean;
  if (spec.done !== undefined) done = spec.done;
  else if (flavor === 'vllm' || flavor === 'koboldcpp') done = true;
  else if (flavor === 'llamacpp') done = style === 'errorField';
  else done = false;
  return { style, done };
}

/** The error object that goes inside a mid-stream error event for the flavor. */
export function midStreamErrorObject(flavor: Flavor, message: string, code: number): Record<string, unknown> {
  switch (flavor) {
    case 'litellm': return { message, type: 'None', param: 'None', code: String(code) };
    case 'vllm': return { object: 'error', message, type: openAiType(code), param: null, code };
    case 'llamacpp': return { code, message, type: llamaType(code) };
    case 'openrouter': return { code: code >= 500 ? 'server_error' : code, message };
    default: return { message, type: openAiType(code), param: null, code };
  }
}

export function defaultMidStreamMessage(flavor: Flavor): string {
  switch (flavor) {
    case 'litellm': return 'litellm.InternalServerError: InternalServerError: OpenAIException - Connection error.';
    case 'openrouter': return 'Provider disconnected unexpectedly';
    case 'llamacpp': return 'Invalid UTF-8 in generated output';
    default: return 'The engine crashed while generating.';
  }
}

/**
 * Build the list of stream items for a generation, and what a reader should make of them.
 *
 * Steps: every token step i emits one chunk per choice that still runs (choices interleaved;
 * llama.cpp rotates the order each step). Items before the first token (role chunks, OpenRouter's
 * leading comment) have step -1; finish/usage/[DONE] items have step = number of steps.
 */
export function planStream(input: StreamPlanInput): { items: StreamItem[]; expected: ExpectedStream } {
  const { flavor, mode } = input;
  const chat = mode === 'chat';
  const n = flavor === 'koboldcpp' ? 1 : Math.max(1, Math.floor(input.n ?? 1));
  const perChoice: (readonly string[])[] = [];
  const flat = input.pieces.length === 0 || typeof input.pieces[0] === 'string';
  for (let c = 0; c < n; c++) {
    perChoice.push(flat ? (input.pieces as readonly string[]) : ((input.pieces as readonly (readonly string[])[])[c] ?? []));
  }
  const maxTokens = input.maxTokens ?? Math.max(...perChoice.map((p) => p.length)) + 1;
  const results = perChoice.map((p) => runChoice(p, maxTokens, input.stop ?? []));
  const model = input.model ?? 'test-model';
  const created = input.created ?? 1_700_000_000;
  const ctx: ChunkCtx = { flavor, mode, model, created, id: input.id ?? makeId(flavor, mode, `${model}|${created}|${n}`) };
  const promptTokens = input.promptTokens ?? 0;

  const items: StreamItem[] = [];
  const texts = results.map(() => '');
  const finishReasons: (string | null)[] = results.map(() => null);
  let done = false;
  let error: unknown = null;
  let usage: Usage | null = null;
  let sent = 0;
  const maxSteps = Math.max(0, ...results.map((r) => r.steps.length));

  const data = (value: unknown, step: number, token = false): void => { items.push({ kind: 'data', value, step, token }); };
  const finish = (): { items: StreamItem[]; expected: ExpectedStream } => {
    const truncated = !done && finishReasons.some((f) => f === null);
    return { items, expected: { texts, finishReasons, done, error, usage, truncated, tokensSent: sent } };
  };

  if (flavor === 'openrouter') items.push({ kind: 'comment', text: keepAliveText(flavor), step: -1 });
  for (let c = 0; c < n; c++) {
    if (chat && (flavor === 'vllm' || flavor === 'aimlapi' || flavor === 'litellm')) {
      data(envelope(ctx, [choiceObj(ctx, c, { role: true, text: '' })]), -1);
    } else if (chat && flavor === 'llamacpp') {
      data(envelope(ctx, [choiceObj(ctx, c, { role: true, text: null })]), -1);
    } else if (!chat && flavor === 'litellm') {
      data(envelope(ctx, [choiceObj(ctx, c, { text: null })]), -1);
    }
  }

  const inlineFinish = flavor === 'vllm' || flavor === 'aimlapi';
  const emitMidError = (step: number): void => {
    const spec = input.midStreamError as MidStreamErrorSpec;
    const { style, done: withDone } = midErrorDefaults(flavor, spec);
    const code = spec.code ?? 500;
    const obj = midStreamErrorObject(flavor, spec.message ?? defaultMidStreamMessage(flavor), code);
    if (style === 'errorField') {
      items.push({ kind: 'field', name: 'error', value: obj, step });
      error = obj;
    } else if (style === 'openrouter') {
      const value = envelope(ctx, [chat
        ? { index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error', logprobs: null }
        : { index: 0, text: '', finish_reason: 'error', native_finish_reason: 'error', logprobs: null }], { error: obj });
      data(value, step);
      finishReasons[0] = 'error';
      error = value;
    } else {
      const value = { error: obj };
      data(value, step);
      error = value;
    }
    if (withDone) {
      items.push({ kind: 'done', step });
      done = true;
    }
  };

  for (let i = 0; i < maxSteps; i++) {
    if (input.midStreamError && i === input.midStreamError.afterTokens) {
      emitMidError(i);
      return finish();
    }
    if (input.truncateAfterTokens !== undefined && i >= input.truncateAfterTokens) return finish();
    const order = [...Array(n).keys()];
    if (flavor === 'llamacpp' && n > 1) for (let r = 0; r < i % n; r++) order.push(order.shift() as number);
    for (const c of order) {
      const r = results[c] as ChoiceResult;
      if (i >= r.steps.length) continue;
      const text = r.steps[i] ?? null;
      const last = i === r.steps.length - 1;
      const finishHere = inlineFinish && last && (r.stoppedByString || r.hitLength);
      if (text === null && !finishHere && flavor !== 'llamacpp' && !input.logprobs) continue;
      const choice = choiceObj(ctx, c, { text: text ?? '', finish: finishHere ? r.finish : null });
      if (input.logprobs) choice['logprobs'] = input.logprobs.forStep(c, i);
      data(envelope(ctx, [choice]), i, true);
      texts[c] += text ?? '';
      if (finishHere) finishReasons[c] = r.finish;
    }
    sent = i + 1;
  }
  if (input.midStreamError && input.midStreamError.afterTokens >= maxSteps) {
    emitMidError(maxSteps);
    return finish();
  }
  if (input.truncateAfterTokens !== undefined && input.truncateAfterTokens >= maxSteps) {
    // Truncated at or after the last token: nothing more (no finish, no usage, no [DONE]).
    return finish();
  }

  const completionTokens = flavor === 'llamacpp'
    ? (results[0]?.steps.length ?? 0)
    : results.reduce((a, r) => a + r.steps.length, 0);
  const u: Usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  for (let c = 0; c < n; c++) {
    const r = results[c] as ChoiceResult;
    if (finishReasons[c] !== null) continue;
    if (flavor === 'litellm') {
      data(envelope(ctx, [choiceObj(ctx, c, { finish: r.finish })]), maxSteps);
    } else if (flavor === 'llamacpp') {
      // llama.cpp runs each choice as its own task: each last chunk reports that choice alone.
      const own: Usage = { prompt_tokens: promptTokens, completion_tokens: r.steps.length, total_tokens: promptTokens + r.steps.length };
      const extra: Record<string, unknown> = chat ? { timings: timings(promptTokens, completionTokens) } : { usage: own, timings: timings(promptTokens, r.steps.length) };
      data(envelope(ctx, [chat ? choiceObj(ctx, c, { finish: r.finish }) : choiceObj(ctx, c, { text: '', finish: r.finish })], extra), maxSteps);
      if (!chat) usage = own;
    } else {
      data(envelope(ctx, [choiceObj(ctx, c, { text: '', finish: r.finish })]), maxSteps);
    }
    finishReasons[c] = r.finish;
  }
  if (input.includeUsage && !(flavor === 'llamacpp' && !chat)) {
    data(envelope(ctx, [], flavor === 'llamacpp' ? { usage: u, timings: timings(promptTokens, completionTokens) } : { usage: u }), maxSteps);
    usage = u;
  }
  items.push({ kind: 'done', step: maxSteps });
  done = true;
  return finish();
}

/** Non-streamed response body for the same generation. */
export function buildNonStreamBody(input: StreamPlanInput): Record<string, unknown> {
  const { flavor, mode } = input;
  const chat = mode === 'chat';
  const n = flavor === 'koboldcpp' ? 1 : Math.max(1, Math.floor(input.n ?? 1));
  const flat = input.pieces.length === 0 || typeof input.pieces[0] === 'string';
  const perChoice: (readonly string[])[] = [];
  for (let c = 0; c < n; c++) perChoice.push(flat ? (input.pieces as readonly string[]) : ((input.pieces as readonly (readonly string[])[])[c] ?? []));
  const maxTokens = input.maxTokens ?? Math.max(...perChoice.map((p) => p.length)) + 1;
  const results = perChoice.map((p) => runChoice(p, maxTokens, input.stop ?? []));
  const model = input.model ?? 'test-model';
  const created = input.created ?? 1_700_000_000;
  const id = input.id ?? makeId(flavor, mode, `${model}|${created}|${n}`);
  const promptTokens = input.promptTokens ?? 0;
  const completionTokens = flavor === 'llamacpp' ? (results[0]?.steps.length ?? 0) : results.reduce((a, r) => a + r.steps.length, 0);
  const usage: Usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const choices = results.map((r, index) => {
    const text = r.steps.map((s) => s ?? '').join('');
    const logprobs = input.logprobs ? input.logprobs.whole(index, r.steps.length) : null;
    return chat
      ? { index, message: { role: 'assistant', content: text }, logprobs, finish_reason: r.finish }
      : { index, text, logprobs, finish_reason: r.finish };
  });
  const body: Record<string, unknown> = {
    id,
    object: chat ? 'chat.completion' : 'text_completion',
    created,
    model: flavor === 'koboldcpp' ? koboldModel(model) : model,
    choices,
    usage,
  };
  if (flavor === 'openrouter') body['provider'] = 'Infermatic';
  if (flavor === 'llamacpp') body['timings'] = timings(promptTokens, completionTokens);
  return body;
}

export interface BuildStreamOptions extends Omit<StreamPlanInput, 'flavor' | 'mode' | 'pieces'> {
  encoding?: SseEncoding;
  /** Keep-alive comments to insert before the first token (in addition to OpenRouter's leading one). */
  keepAlivesBeforeFirstToken?: number;
}

export interface BuiltStream {
  /** The exact bytes. */
  bytes: Uint8Array;
  /** The same as a string. */
  text: string;
  /** One string per SSE write the server makes (an event, a comment, [DONE]). */
  events: string[];
  items: StreamItem[];
  expected: ExpectedStream;
}

/**
 * The exact stream the server sends for this flavor/mode/pieces (given the same id and created),
 * and the outcome a correct reader must derive from it, in any chunking.
 */
export function buildStream(flavor: Flavor, mode: Mode, pieces: readonly string[] | readonly (readonly string[])[], opts: BuildStreamOptions = {}): BuiltStream {
  const { items, expected } = planStream({ ...opts, flavor, mode, pieces });
  const ka = opts.keepAlivesBeforeFirstToken ?? 0;
  if (ka > 0) {
    const firstToken = items.findIndex((it) => it.step >= 0);
    const at = firstToken < 0 ? items.length : firstToken;
    const comments: StreamItem[] = Array.from({ length: ka }, () => ({ kind: 'comment' as const, text: keepAliveText(flavor), step: -1 }));
    items.splice(at, 0, ...comments);
  }
  const events = encodeItems(items, flavor, opts.encoding);
  const text = events.join('');
  return { bytes: new TextEncoder().encode(text), text, events, items, expected };
}

/** Just the bytes of `buildStream`. */
export function buildStreamBytes(flavor: Flavor, mode: Mode, pieces: readonly string[] | readonly (readonly string[])[], opts: BuildStreamOptions = {}): Uint8Array {
  return buildStream(flavor, mode, pieces, opts).bytes;
}
