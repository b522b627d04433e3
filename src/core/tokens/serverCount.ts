/**
 * The three server tokenizer routes (see docs/providers.md): what to send, and what the answer means.
 * HTTP itself is the caller's; paths hang off the server root (no `/v1`).
 */
import type { TokenCountRoute } from '../providers/providerProfile';
import type { ServerCountAnswer } from './serverCountPolicy';
import { asCount, isRecord } from '../json';

export interface ServerCountRequest {
  /** Relative to the server root: `/tokenize`, `/utils/token_counter`. */
  path: string;
  body: Record<string, unknown>;
}

export function serverCountRequest(route: TokenCountRoute, model: string, text: string): ServerCountRequest | undefined {
  switch (route) {
    case 'vllm-tokenize':
      // add_special_tokens: false — count the text, not text + BOS (vLLM adds BOS by default).
      return { path: '/tokenize', body: { model, prompt: text, add_special_tokens: false } };
    case 'llamacpp-tokenize':
      // llama-server does not add BOS unless add_special is true.
      return { path: '/tokenize', body: { content: text, add_special: false } };
    case 'litellm-token-counter':
      return { path: '/utils/token_counter', body: { model, prompt: text } };
    case 'none':
      return undefined;
  }
}

/**
 * Reads a server's answer. Throws on an answer without a usable count (the caller then falls back to local).
 * Infermatic/litellm counts with the model's Hugging Face tokenizer only when `tokenizer_type` says
 * "huggingface_tokenizer"; its OpenAI fallback is another tokenizer altogether, so that count is not exact.
 * litellm's count of a prompt may include the model's BOS token (+1).
 */
export function parseServerCount(route: TokenCountRoute, json: unknown): ServerCountAnswer {
  const o = isRecord(json) ? json : {};
  switch (route) {
    case 'vllm-tokenize': {
      const count = asCount(o.count) ?? (Array.isArray(o.tokens) ? o.tokens.length : undefined);
      if (count === undefined) throw new Error('vLLM /tokenize answer has no count');
      const ctx = asCount(o.max_model_len);
      return { count, exact: true, tokenizer: 'server tokenizer', ...(ctx ? { contextLength: ctx } : {}) };
    }
    case 'llamacpp-tokenize': {
      if (!Array.isArray(o.tokens)) throw new Error('llama.cpp /tokenize answer has no tokens');
      return { count: o.tokens.length, exact: true, tokenizer: 'server tokenizer' };
    }
    case 'litellm-token-counter': {
      const count = asCount(o.total_tokens);
      if (count === undefined) throw new Error('token_counter answer has no total_tokens');
      const type = typeof o.tokenizer_type === 'string' ? o.tokenizer_type : undefined;
      const exact = type === 'huggingface_tokenizer';
      return { count, exact, tokenizer: exact ? 'server tokenizer' : `server (${type ?? 'unknown tokenizer'})` };
    }
    case 'none':
      throw new Error('this provider has no token counting route');
  }
}
