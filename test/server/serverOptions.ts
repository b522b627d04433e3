/**
 * What a provider test server is configured with: its options and their defaults, and the model table
 * (ids and context sizes) with the lookups in it.
 */
import type { Flavor } from './flavor';
import type { LogprobsServerOptions } from './logprobsRequest';
import type { Scenario } from './scenario';
import { MAX_STREAM_TOKENS } from './tokenText';

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

/** The llama.cpp flavour's slot count (`--parallel`): the most `n` it takes. */
export const LLAMACPP_SLOTS = 2;

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

export const DEFAULT_LIFETIME_MS = 10 * 60 * 1000;
export const DEFAULT_MAX_BODY = 8 * 1024 * 1024;

/** The options with every default filled in; `configure` patches them on a running server. */
export type ResolvedOptions = Required<Omit<ProviderTestServerOptions, 'scenario' | 'port'>>;

export function resolveOptions(options: ProviderTestServerOptions): ResolvedOptions {
  return {
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
}

export function firstModel(opts: ResolvedOptions): ModelSpec {
  return opts.models[0] ?? { id: 'test-model', contextLength: opts.defaultContextLength };
}

export function findModel(opts: ResolvedOptions, id: string): ModelSpec | undefined {
  const bare = id.startsWith('koboldcpp/') ? id.slice('koboldcpp/'.length) : id;
  return opts.models.find((m) => m.id === id || m.id === bare);
}

export function contextOf(opts: ResolvedOptions, id: string): number {
  return findModel(opts, id)?.contextLength ?? opts.defaultContextLength;
}
