import { TokenizerFamily, isLocalFamily } from './types';

/**
 * Model id → tokenizer family, by name. Ids come as the providers spell them:
 * `Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic`, `anthracite-org/magnum-v4-72b`, `TheDrummer-Rocinante-12B-v1.1`.
 * Order matters: the first rule that matches wins. The `inkwell.tokenizer` setting (passed as `override`) beats all.
 */
const FAMILY_RULES: ReadonlyArray<readonly [RegExp, TokenizerFamily]> = [
  // Explicit bases first.
  [/qwen|qwq|kunou|eva-?qwen/i, 'qwen2'],
  // magnum v2/v4 72B are Qwen2/2.5 fine-tunes; magnum 12B is Nemo; other sizes are Mistral Small/Large (v3 SPM) or Gemma.
  [/magnum.*\b72b\b/i, 'qwen2'],
  [/magnum.*\b12b\b/i, 'mistral-nemo'],
  [/mistral-?nemo|\bnemo\b|rocinante|unslop|\bmn-|inferor|starcannon|celeste|(?:^|[-_/])nemomix/i, 'mistral-nemo'],
  // Llama 2 (and Miqu, a Llama 2-architecture model with the Llama 2 tokenizer).
  [/miqu|llama-?2|(?:^|[-_/.])l2(?:[-_/.]|$)|mythomax|mythalion|xwin|goliath|euryale-1\./i, 'llama2'],
  // Llama 3.x: L3 / L3.1 / L3.3 names and the known L3 fine-tunes.
  [
    /llama-?3|(?:^|[-_/.])l3(?:\.\d)?(?:[-_/.]|$)|euryale|astoria|anubis|nevoria|hanami|stheno|lumimaid|cu-mai|electra|wayfarer|damascus/i,
    'llama3',
  ],
];

export function familyForModel(model: string, override?: string): TokenizerFamily {
  if (override && override !== 'auto') {
    if (isLocalFamily(override) || override === 'unknown') return override;
  }
  for (const [re, family] of FAMILY_RULES) if (re.test(model)) return family;
  return 'unknown';
}

/**
 * Context sizes for models whose provider does not tell (Infermatic's /v1/models has none).
 * Values are the model's own published maximum (config.json `max_position_embeddings`, or the model card where
 * the card is stricter); a provider may serve less. Entries marked "uncertain" are inferred from the base model.
 */
const CONTEXT_RULES: ReadonlyArray<readonly [RegExp, number, string]> = [
  // Qwen2.5-72B base: config.json max_position_embeddings 32768 (128k only with YaRN, which vLLM does not enable by default).
  [/magnum-v4-72b/i, 32768, 'Qwen2.5-72B-Instruct base (max_position_embeddings 32768); AI/ML API lists 32768'],
  [/magnum-v2-72b/i, 32768, 'Qwen2-72B base; uncertain'],
  [/kunou/i, 32768, 'Sao10K 72B-Qwen2.5-Kunou: Qwen2.5-72B base; uncertain'],
  [/qwen2\.5|qwen-2\.5/i, 32768, 'Qwen2.5 config.json'],
  // Llama 3.1 / 3.3: 131072.
  [/l3\.3|llama-?3\.3/i, 131072, 'Llama 3.3 config.json'],
  [/l3\.1|llama-?3\.1/i, 131072, 'Llama 3.1 config.json'],
  [/euryale-v2\.3|anubis|nevoria|astoria|electra|cu-mai/i, 131072, 'Llama 3.3 70B fine-tunes; uncertain'],
  [/euryale-v2\.2|hanami/i, 131072, 'Llama 3.1 70B fine-tunes; uncertain'],
  // Llama 3.0: 8192.
  [/euryale-v2\.1|(?:^|[-_/.])l3(?:[-_/.]|$)|llama-?3(?:[-_/.]|$)|stheno-v3\.2/i, 8192, 'Llama 3 (3.0) config.json'],
  // Miqu: config.json max_position_embeddings 32764 (sic).
  [/miqu/i, 32764, 'Midnight-Miqu-70B-v1.5 config.json'],
  [/mythomax|(?:^|[-_/.])l2(?:[-_/.]|$)|llama-?2/i, 4096, 'Llama 2 config.json'],
  // Mistral Nemo: 128k per Mistral's announcement (config.json says 1024000, which is not a usable window).
  [/rocinante|unslop|mistral-?nemo|\bnemo\b|\bmn-|inferor|magnum.*\b12b\b/i, 131072, 'Mistral Nemo 12B card: 128k; uncertain for fine-tunes'],
];

export function knownContextLength(model: string): number | undefined {
  for (const [re, tokens] of CONTEXT_RULES) if (re.test(model)) return tokens;
  return undefined;
}

/** A model's context size and where it was found. */
export interface ContextSize {
  tokens: number;
  source: 'provider' | 'setting' | 'table' | 'default';
}

export interface ContextSizeInputs {
  model: string;
  /** What the provider lists for the model (vLLM max_model_len, AI/ML API contextLength). */
  fromProvider?: number;
  /** The inkwell.contextSize setting. */
  setting?: number;
  fallback?: number;
}

/**
 * Best first: what the provider says, then the user's setting (it overrides the table), then
 * Inkwell's table of known models, then `fallback` (if given).
 */
export function resolveContextSize(opts: ContextSizeInputs & { fallback: number }): ContextSize;
export function resolveContextSize(opts: ContextSizeInputs): ContextSize | undefined;
export function resolveContextSize(opts: ContextSizeInputs): ContextSize | undefined {
  const ok = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;
  if (ok(opts.fromProvider)) return { tokens: opts.fromProvider, source: 'provider' };
  if (ok(opts.setting)) return { tokens: opts.setting, source: 'setting' };
  const known = knownContextLength(opts.model);
  if (ok(known)) return { tokens: known, source: 'table' };
  if (ok(opts.fallback)) return { tokens: opts.fallback, source: 'default' };
  return undefined;
}
