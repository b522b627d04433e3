/**
 * Error bodies in each server's JSON shape (docs/providers.md): HTTP errors, context overflow, and the
 * error object a stream carries when it fails midway. Pure.
 */
import type { Flavor } from './flavor';

/** The JSON shape of an error body. Each flavor has a default (see `defaultErrorShape`). */
export type ErrorShape =
  | 'litellm' // {"error":{"message","type":null|"None","param":null|"None","code":"400"}}  (code is a string)
  | 'openai' // {"error":{"message","type":"BadRequestError","param":null,"code":400}}   (current vLLM)
  | 'vllmFlat' // {"object":"error","message","type":"BadRequestError","param":null,"code":400} (older vLLM)
  | 'llamacpp' // {"error":{"code":400,"message","type":"invalid_request_error"}}
  | 'aimlapi' // {"message","path","requestId","statusCode":"429","timestamp"}
  | 'openrouter'; // {"error":{"message","code":402}}

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
