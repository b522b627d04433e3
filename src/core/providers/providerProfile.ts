import { SamplingParam, ParamRange } from './samplingParams';

/** How a server counts tokens for us, if it can. */
export type TokenCountRoute =
  | 'none'
  | 'litellm-token-counter' // POST {root}/utils/token_counter {model,prompt}
  | 'vllm-tokenize' // POST {root}/tokenize {model,prompt} → {count,max_model_len}
  | 'llamacpp-tokenize'; // POST {root}/tokenize {content} → {tokens}

/** Where a provider tells context sizes, if anywhere. */
/** Where a provider states a model's context: vLLM's max_model_len, llama.cpp's meta.n_ctx, AI/ML API's catalogue. */
export type ContextSizeSource = 'none' | 'models-max-model-len' | 'models-meta-n-ctx' | 'aimlapi-models';

/** The server software behind an OpenAI-compatible endpoint; decides parameter defaults and quirks. */
export const PROVIDER_KINDS = [
  'openai',
  'vllm',
  'llamacpp',
  'koboldcpp',
  'openrouter',
  'ollama',
  'lmstudio',
  'litellm',
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number] | 'infermatic' | 'aimlapi';

export interface ProviderProfile {
  readonly id: string;
  readonly label: string;
  readonly kind: ProviderKind;
  readonly builtIn: boolean;
  /** As the user wrote it; `apiBase()` and `serverRoot()` derive the route prefixes. */
  readonly baseUrl: string;
  readonly supportsCompletions: boolean;
  readonly supportsChat: boolean;
  readonly tokenCount: TokenCountRoute;
  readonly contextSizes: ContextSizeSource;
  /** Parameters this API accepts; anything else is never sent (some servers answer 400). */
  readonly acceptedParams: ReadonlySet<SamplingParam>;
  /** Wire names that differ from the OpenAI-style name (llama.cpp: repeat_penalty). */
  readonly paramRenames: Readonly<Partial<Record<SamplingParam, string>>>;
  readonly paramRanges: Readonly<Partial<Record<SamplingParam, ParamRange>>>;
  readonly maxStopSequences?: number;
  /** Whether `stream_options.include_usage` is understood. */
  readonly streamUsage: boolean;
  readonly extraHeaders: Readonly<Record<string, string>>;
  readonly apiKeyEnvVar?: string;
  /**
   * The origin a key from `apiKeyEnvVar` is meant for. A built-in provider's variable holds a key for
   * its public service, so a base URL moved elsewhere asks first, as a stored key does. A custom
   * provider names its variable and its URL in the same entry: none.
   */
  readonly apiKeyEnvOrigin?: string;
  readonly requiresApiKey: boolean;
  readonly defaultModel?: string;
  /** Models known to answer 500 to a system message; the prompt is folded into the user turn up front. */
  readonly systemPromptRejectingModels: readonly string[];
}

/** `https://x/v1` stays; `https://x` gains `/v1`. Routes like `/chat/completions` hang off this. */
export function apiBase(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

/** The server root without `/v1`, where `/tokenize`, `/utils/token_counter` and AI/ML API's `/models` live. */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** scheme://host:port — a key is bound to this. */
export function originOf(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

export function validateBaseUrl(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `"${baseUrl}" is not a URL. Write it like https://api.example.com/v1.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `"${baseUrl}" must start with https:// or http://.`;
  }
  if (url.username || url.password) {
    return 'Put credentials in the API key (Inkwell: Set API Key), not in the base URL.';
  }
  return undefined;
}
