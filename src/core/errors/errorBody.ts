// Reading a provider's error body, whatever shape it came in, into a ProviderError with the
// provider's own words (docs/security.md, items 5, 16, 20).

import { ProviderError, type ProviderErrorInit, type ProviderErrorKind } from './providerError';
import { retryAfterFromHeaders, type HeaderBag } from './retryAfter';
import { isRecord } from '../json';

const MAX_PROVIDER_MESSAGE = 500;

/** What an error body says, whatever shape it came in. */
export interface ErrorBodyInfo {
  message: string;
  type?: string;
  code?: string;
  param?: string;
  contextLength?: number;
  requestedTokens?: number;
}

/**
 * Turns a non-2xx answer into a ProviderError. Handles litellm `{"error":{message,type,param,code}}`
 * (with "None" strings), old vLLM flat `{"object":"error","message",…}`, AI/ML API
 * `{"message","path","requestId","statusCode"}`, llama.cpp `{"error":{"code","message","type"}}`,
 * OpenRouter `{"error":{"code","message","metadata"}}`, FastAPI `{"detail":…}`, plain text and HTML.
 */
export function parseErrorBody(
  status: number,
  bodyText: string,
  headers: HeaderBag = {},
  secrets: readonly string[] = [],
  nowMs: number = Date.now(),
): ProviderError {
  const info = readErrorBody(bodyText);
  const retryAfterMs = retryAfterFromHeaders(headers, nowMs);
  return classify(status, info, secrets, retryAfterMs);
}

/**
 * An error that arrived inside a 200 stream: `data: {"error":…}`, OpenRouter's chunk with
 * `finish_reason:"error"`, llama.cpp's `error:` field. `payload` is the parsed JSON, or the raw
 * text when it was not JSON.
 */
export function errorFromStreamPayload(payload: unknown, secrets: readonly string[] = []): ProviderError {
  const info = typeof payload === 'string' ? readErrorBody(payload) : infoFromJson(payload);
  const code = info.code !== undefined ? Number(info.code) : NaN;
  const status = Number.isInteger(code) && code >= 400 && code <= 599 ? code : undefined;
  const base = classify(status ?? 0, info, secrets, undefined);
  const kind = base.kind === 'context-overflow' || base.kind === 'system-prompt-rejected' ? base.kind : 'stream-error';
  const retryable =
    kind === 'stream-error' && status !== undefined && (status === 408 || status === 429 || status >= 500);
  return new ProviderError({
    kind,
    ...(status !== undefined ? { status } : {}),
    providerMessage: base.providerMessage || 'no details given',
    retryable,
    ...optionalContext(base),
    secrets,
  });
}

function optionalContext(e: ProviderError): Partial<ProviderErrorInit> {
  const out: Partial<ProviderErrorInit> = {};
  if (e.providerCode !== undefined) out.providerCode = e.providerCode;
  if (e.contextLength !== undefined) out.contextLength = e.contextLength;
  if (e.requestedTokens !== undefined) out.requestedTokens = e.requestedTokens;
  return out;
}

function classify(
  status: number,
  info: ErrorBodyInfo,
  secrets: readonly string[],
  retryAfterMs: number | undefined,
): ProviderError {
  const providerMessage = info.message;
  let kind = kindForStatus(status);
  let modelMissing = false;
  if (isContextOverflow(info)) kind = 'context-overflow';
  else if (isSystemPromptRejection(status, info.message)) kind = 'system-prompt-rejected';
  else if ((status === 400 || status === 404 || status === 422) && isModelMissing(info)) {
    kind = 'not-found';
    modelMissing = true;
  }
  const providerCode = info.type ?? info.code;
  return new ProviderError({
    kind,
    ...(status > 0 ? { status } : {}),
    providerMessage,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(providerCode !== undefined ? { providerCode } : {}),
    ...(info.contextLength !== undefined ? { contextLength: info.contextLength } : {}),
    ...(info.requestedTokens !== undefined ? { requestedTokens: info.requestedTokens } : {}),
    modelMissing,
    secrets,
  });
}

export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401) return 'auth';
  if (status === 402) return 'payment';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 408) return 'timeout';
  if (status === 413) return 'context-overflow';
  if (status === 429) return 'rate-limit';
  if (status >= 300 && status < 400) return 'redirect';
  if (status >= 500) return 'server';
  if (status >= 400) return 'bad-request';
  return 'stream-error';
}

const CONTEXT_OVERFLOW_TEXT = [
  /maximum context length/i,
  /exceeds? the available context size/i,
  /context[_ ]length[_ ]exceeded/i,
  /exceed_context_size/i,
  /prompt is too long/i,
];

export function isContextOverflow(info: Pick<ErrorBodyInfo, 'message' | 'type' | 'code'>): boolean {
  if (info.type === 'exceed_context_size_error' || info.code === 'context_length_exceeded') return true;
  return CONTEXT_OVERFLOW_TEXT.some((re) => re.test(info.message));
}

/**
 * litellm in front of vLLM answers a system prompt the model's chat template refuses with a bare
 * 500 "Internal Server Error … Received Model Group=…" (docs/providers.md). Templates that raise say so
 * in words on other stacks. A false positive only costs one retry with the system prompt folded,
 * which the caller decides on.
 */
export function isSystemPromptRejection(status: number, message: string): boolean {
  if (/system role (is )?not supported|conversation roles must alternate/i.test(message)) return true;
  return status === 500 && /Internal Server Error/i.test(message) && /Received Model Group/i.test(message);
}

function isModelMissing(info: ErrorBodyInfo): boolean {
  if (info.param === 'model') return true;
  return /invalid model|no such model|unknown model|model\b[^.]*\b(not found|does not exist|not exist|is not available)/i.test(
    info.message,
  );
}

/** Reads any error body into {message, type, code, …}; never throws. */
export function readErrorBody(bodyText: string): ErrorBodyInfo {
  const trimmed = bodyText.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return infoFromJson(JSON.parse(trimmed));
    } catch {
      // Not JSON after all: read it as text.
    }
  }
  return { message: cap(looksLikeHtml(trimmed) ? htmlToText(trimmed) : collapse(trimmed)) };
}

function infoFromJson(value: unknown): ErrorBodyInfo {
  if (!isRecord(value)) return { message: cap(collapse(JSON.stringify(value) ?? '')) };
  const inner = value.error;
  if (typeof inner === 'string') return withContextNumbers({ message: cap(inner.trim()), ...codeOf(value) }, value);
  const source = isRecord(inner) ? inner : value;
  const rawMessage = source.message ?? source.detail ?? value.message ?? value.detail;
  let message: string;
  if (typeof rawMessage === 'string') message = rawMessage.trim();
  else if (rawMessage !== undefined && rawMessage !== null) message = collapse(JSON.stringify(rawMessage));
  else message = collapse(JSON.stringify(source));
  const metadata = isRecord(source.metadata) ? source.metadata : undefined;
  if (metadata && typeof metadata.raw === 'string' && metadata.raw.trim() && !message.includes(metadata.raw)) {
    message = `${message} (${metadata.raw.trim()})`;
  }
  const info: ErrorBodyInfo = { message: cap(message) };
  const type = present(source.type);
  if (type !== undefined) info.type = type;
  const code = present(source.code) ?? present(source.statusCode) ?? present(value.statusCode);
  if (code !== undefined) info.code = code;
  const param = present(source.param);
  if (param !== undefined) info.param = param;
  return withContextNumbers(info, source);
}

function codeOf(value: Record<string, unknown>): Partial<ErrorBodyInfo> {
  const code = present(value.code) ?? present(value.statusCode);
  return code !== undefined ? { code } : {};
}

function withContextNumbers(info: ErrorBodyInfo, source: Record<string, unknown>): ErrorBodyInfo {
  const nCtx = numberOf(source.n_ctx);
  const nPrompt = numberOf(source.n_prompt_tokens);
  const limit = nCtx ?? matchNumber(info.message, /maximum context length is (\d+)/i);
  const requested =
    nPrompt ??
    matchNumber(info.message, /you requested (\d+) tokens/i) ??
    matchNumber(info.message, /request has (\d+) input tokens/i) ??
    matchNumber(info.message, /(\d+) tokens in the messages/i);
  if (limit !== undefined) info.contextLength = limit;
  if (requested !== undefined) info.requestedTokens = requested;
  return info;
}

function matchNumber(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

function numberOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** litellm writes Python's None as the string "None"; treat it, null and "" as absent. */
function present(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' || t === 'None' || t === 'null' ? undefined : t;
}

function looksLikeHtml(text: string): boolean {
  return /^<(!doctype|html|head|body|title|h1|center|p)\b/i.test(text) || /<\/(html|body|title)>/i.test(text);
}

function htmlToText(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1];
  const pick = title ?? h1;
  if (pick) return collapse(decodeEntities(pick.replace(/<[^>]*>/g, ' ')));
  const body = html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ');
  return collapse(decodeEntities(body));
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function cap(text: string): string {
  return text.length > MAX_PROVIDER_MESSAGE ? `${text.slice(0, MAX_PROVIDER_MESSAGE - 1)}…` : text;
}
