import { ProviderKind, ProviderProfile, TokenCountRoute, originOf, validateBaseUrl, PROVIDER_KINDS } from './providerProfile';
import { SamplingParam, isSamplingParam } from './samplingParams';

const VLLM_PARAMS: SamplingParam[] = [
  'temperature', 'top_p', 'top_k', 'min_p', 'repetition_penalty', 'frequency_penalty',
  'presence_penalty', 'seed', 'stop', 'max_tokens', 'min_tokens', 'n',
];

/** What each server kind accepts without answering 400 (from its docs; see README "Providers"). */
const KIND_PARAMS: Record<ProviderKind, SamplingParam[]> = {
  infermatic: VLLM_PARAMS,
  litellm: VLLM_PARAMS,
  vllm: VLLM_PARAMS,
  aimlapi: [
    'temperature', 'top_p', 'top_k', 'min_p', 'top_a', 'repetition_penalty', 'frequency_penalty',
    'presence_penalty', 'seed', 'stop', 'max_tokens',
  ],
  // llama-server applies repeat_penalty and silently ignores repetition_penalty and top_a.
  llamacpp: [
    'temperature', 'top_p', 'top_k', 'min_p', 'repetition_penalty', 'frequency_penalty',
    'presence_penalty', 'seed', 'stop', 'max_tokens', 'n',
  ],
  koboldcpp: [
    'temperature', 'top_p', 'top_k', 'min_p', 'top_a', 'repetition_penalty', 'frequency_penalty',
    'presence_penalty', 'seed', 'stop', 'max_tokens',
  ],
  openrouter: [
    'temperature', 'top_p', 'top_k', 'min_p', 'top_a', 'repetition_penalty', 'frequency_penalty',
    'presence_penalty', 'seed', 'stop', 'max_tokens',
  ],
  ollama: ['temperature', 'top_p', 'frequency_penalty', 'presence_penalty', 'seed', 'stop', 'max_tokens'],
  lmstudio: [
    'temperature', 'top_p', 'top_k', 'min_p', 'repetition_penalty', 'frequency_penalty',
    'presence_penalty', 'seed', 'stop', 'max_tokens',
  ],
  openai: ['temperature', 'top_p', 'frequency_penalty', 'presence_penalty', 'seed', 'stop', 'max_tokens', 'n'],
};

const KIND_RENAMES: Partial<Record<ProviderKind, Partial<Record<SamplingParam, string>>>> = {
  llamacpp: { repetition_penalty: 'repeat_penalty' },
  lmstudio: { repetition_penalty: 'repeat_penalty' },
};

const KIND_TOKEN_COUNT: Partial<Record<ProviderKind, TokenCountRoute>> = {
  infermatic: 'litellm-token-counter',
  litellm: 'litellm-token-counter',
  vllm: 'vllm-tokenize',
  llamacpp: 'llamacpp-tokenize',
};

const KIND_STREAM_USAGE: ReadonlySet<ProviderKind> = new Set<ProviderKind>([
  'infermatic', 'litellm', 'vllm', 'llamacpp', 'openrouter', 'openai',
]);

export const INFERMATIC_ID = 'infermatic';
export const AIMLAPI_ID = 'aimlapi';
export const DEFAULT_INFERMATIC_BASE_URL = 'https://api.totalgpt.ai';
export const DEFAULT_AIMLAPI_BASE_URL = 'https://api.aimlapi.com/v1';

export function builtInProviders(baseUrls: { infermatic: string; aimlapi: string }): ProviderProfile[] {
  return [
    {
      id: INFERMATIC_ID,
      label: 'Infermatic',
      kind: 'infermatic',
      builtIn: true,
      baseUrl: baseUrls.infermatic || DEFAULT_INFERMATIC_BASE_URL,
      supportsCompletions: true,
      supportsChat: true,
      tokenCount: 'litellm-token-counter',
      contextSizes: 'none',
      acceptedParams: new Set(KIND_PARAMS.infermatic),
      paramRenames: {},
      paramRanges: {},
      streamUsage: true,
      extraHeaders: {},
      apiKeyEnvVar: 'INFERMATIC_API_KEY',
      apiKeyEnvOrigin: originOf(DEFAULT_INFERMATIC_BASE_URL),
      requiresApiKey: true,
      defaultModel: 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic',
      systemPromptRejectingModels: [
        'TheDrummer-Rocinante-12B-v1.1',
        'Midnight-Miqu-70B-v1.5',
        'TheDrummer-Anubis-70B-v1-FP8-Dynamic',
      ],
    },
    {
      id: AIMLAPI_ID,
      label: 'AI/ML API',
      kind: 'aimlapi',
      builtIn: true,
      baseUrl: baseUrls.aimlapi || DEFAULT_AIMLAPI_BASE_URL,
      // /v1/completions exists for some models only; chat is the dependable route.
      supportsCompletions: false,
      supportsChat: true,
      tokenCount: 'none',
      contextSizes: 'aimlapi-models',
      acceptedParams: new Set(KIND_PARAMS.aimlapi),
      paramRenames: {},
      paramRanges: {
        temperature: { min: 0, max: 2 },
        top_p: { min: 0.01, max: 1 },
        seed: { min: 1, integer: true },
        min_p: { min: 0.001, max: 0.999 },
        top_a: { min: 0, max: 1 },
      },
      maxStopSequences: 4,
      streamUsage: false,
      extraHeaders: {},
      apiKeyEnvVar: 'AIMLAPI_API_KEY',
      apiKeyEnvOrigin: originOf(DEFAULT_AIMLAPI_BASE_URL),
      requiresApiKey: true,
      defaultModel: 'anthracite-org/magnum-v4-72b',
      systemPromptRejectingModels: [],
    },
  ];
}

/** One entry of the `inkwell.providers` setting, as the user wrote it. */
export interface CustomProviderSetting {
  id?: unknown;
  name?: unknown;
  kind?: unknown;
  baseUrl?: unknown;
  completions?: unknown;
  chat?: unknown;
  tokenCount?: unknown;
  headers?: unknown;
  parameters?: unknown;
  apiKeyEnvVar?: unknown;
  requiresApiKey?: unknown;
  defaultModel?: unknown;
  systemPromptRejectingModels?: unknown;
}

export interface CatalogProblem {
  index: number;
  message: string;
}

function isKind(value: unknown): value is ProviderKind {
  return typeof value === 'string' && (PROVIDER_KINDS as readonly string[]).includes(value);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'custom';
}

/** Turns the `inkwell.providers` setting into profiles; a bad entry is skipped and reported, never guessed at. */
export function customProviders(
  entries: readonly CustomProviderSetting[],
  takenIds: ReadonlySet<string>,
): { profiles: ProviderProfile[]; problems: CatalogProblem[] } {
  const profiles: ProviderProfile[] = [];
  const problems: CatalogProblem[] = [];
  const ids = new Set(takenIds);
  entries.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null) {
      problems.push({ index, message: 'each provider must be an object' });
      return;
    }
    const name = typeof entry.name === 'string' && entry.name.trim() ? entry.name.trim() : undefined;
    const baseUrl = typeof entry.baseUrl === 'string' ? entry.baseUrl.trim() : '';
    if (!name) {
      problems.push({ index, message: 'a provider needs a "name"' });
      return;
    }
    const urlProblem = validateBaseUrl(baseUrl);
    if (urlProblem) {
      problems.push({ index, message: `${name}: ${urlProblem}` });
      return;
    }
    const kind: ProviderKind = isKind(entry.kind) ? entry.kind : 'openai';
    const id = typeof entry.id === 'string' && entry.id.trim() ? slug(entry.id) : slug(name);
    if (ids.has(id)) {
      problems.push({ index, message: `${name}: the id "${id}" is already used by another provider` });
      return;
    }
    ids.add(id);
    const listed = Array.isArray(entry.parameters)
      ? entry.parameters.filter((p): p is SamplingParam => typeof p === 'string' && isSamplingParam(p))
      : undefined;
    const params = new Set<SamplingParam>(listed ?? KIND_PARAMS[kind]);
    params.add('max_tokens'); // vLLM's default is 16: always sent.
    const tokenCount = (['none', 'litellm-token-counter', 'vllm-tokenize', 'llamacpp-tokenize'] as const).find(
      (r) => r === entry.tokenCount,
    );
    const headers: Record<string, string> = {};
    if (typeof entry.headers === 'object' && entry.headers !== null) {
      for (const [k, v] of Object.entries(entry.headers as Record<string, unknown>)) {
        if (typeof v === 'string' && /^[A-Za-z0-9-]+$/.test(k) && k.toLowerCase() !== 'authorization') headers[k] = v;
      }
    }
    profiles.push({
      id,
      label: name,
      kind,
      builtIn: false,
      baseUrl,
      supportsCompletions: entry.completions !== false,
      supportsChat: entry.chat !== false,
      tokenCount: tokenCount ?? KIND_TOKEN_COUNT[kind] ?? 'none',
      contextSizes: kind === 'vllm' ? 'models-max-model-len' : kind === 'llamacpp' ? 'models-meta-n-ctx' : 'none',
      acceptedParams: params,
      paramRenames: KIND_RENAMES[kind] ?? {},
      paramRanges: {},
      streamUsage: KIND_STREAM_USAGE.has(kind),
      extraHeaders: headers,
      apiKeyEnvVar: typeof entry.apiKeyEnvVar === 'string' && entry.apiKeyEnvVar ? entry.apiKeyEnvVar : undefined,
      // Local servers usually take no key; a key is still sent when one is set.
      requiresApiKey: entry.requiresApiKey === true,
      defaultModel: typeof entry.defaultModel === 'string' ? entry.defaultModel : undefined,
      systemPromptRejectingModels: Array.isArray(entry.systemPromptRejectingModels)
        ? entry.systemPromptRejectingModels.filter((m): m is string => typeof m === 'string')
        : [],
    });
  });
  return { profiles, problems };
}
