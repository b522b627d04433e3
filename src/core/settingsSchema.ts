/**
 * Every Inkwell setting, declared once: key, JSON type, default, scope and description.
 * package.json's `contributes.configuration` must say the same (a unit test checks), and
 * src/settings.ts reads only through these keys.
 */
export type SettingScope = 'application' | 'window' | 'resource';

export interface SettingDeclaration {
  type: string | string[];
  default: unknown;
  scope: SettingScope;
  description: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  items?: Record<string, unknown>;
}

const sampling = (description: string, extra: Partial<SettingDeclaration> = {}): SettingDeclaration => ({
  type: ['number', 'null'],
  default: null,
  scope: 'resource',
  description: `${description} Empty (null) means not sent. Sent only to providers that accept it.`,
  ...extra,
});

export const SETTINGS = {
  // Where requests go: application scope, so a workspace can never redirect a key.
  'inkwell.provider': {
    type: 'string',
    default: 'infermatic',
    scope: 'application',
    description: 'The active provider: "infermatic", "aimlapi" or the id of an entry in inkwell.providers.',
  },
  'inkwell.model': {
    type: 'string',
    default: '',
    scope: 'application',
    description: 'The active model id. Empty means the provider\'s default. Set it with "Inkwell: Select Model".',
  },
  'inkwell.infermatic.baseUrl': {
    type: 'string',
    default: 'https://api.totalgpt.ai',
    scope: 'application',
    description: 'Base URL of the Infermatic API.',
  },
  'inkwell.aimlapi.baseUrl': {
    type: 'string',
    default: 'https://api.aimlapi.com/v1',
    scope: 'application',
    description: 'Base URL of the AI/ML API.',
  },
  'inkwell.providers': {
    type: 'array',
    default: [],
    scope: 'application',
    description:
      'Your own OpenAI-compatible providers (OpenRouter, vLLM, llama.cpp, KoboldCpp, Ollama, LM Studio…): ' +
      '{ "name", "baseUrl", "kind", "completions", "chat", "tokenCount", "headers", "parameters", "apiKeyEnvVar", "requiresApiKey", "defaultModel" }.',
    items: { type: 'object' },
  },
  // Generation.
  'inkwell.generation.mode': {
    type: 'string',
    default: 'auto',
    scope: 'resource',
    enum: ['auto', 'completion', 'chat'],
    description: 'Continue Writing route: raw text completion, chat, or auto (completion where the provider offers it).',
  },
  'inkwell.generation.systemPrompt': {
    type: 'string',
    default:
      'You are a skilled novelist. Continue the passage the user gives you seamlessly, in the same voice, tense and style. ' +
      'Write only the continuation: no preamble, no commentary, do not repeat the passage.',
    scope: 'resource',
    description: 'System prompt for Continue Writing in chat mode.',
  },
  'inkwell.generation.contextOverflow': {
    type: 'string',
    default: 'trimStart',
    scope: 'resource',
    enum: ['trimStart', 'refuse'],
    description: 'When the text before the cursor does not fit the context: trim from the start (at a paragraph or sentence) or refuse.',
  },
  'inkwell.chat.systemPrompt': {
    type: 'string',
    default: 'You are a thoughtful writing partner helping an author with their story. Answer concisely and stay in service of the author\'s voice.',
    scope: 'resource',
    description: 'System prompt for the chat panel.',
  },
  // Sampling: workspace-scopable, so a novel can carry its own preset.
  'inkwell.sampling.maxTokens': {
    type: 'number',
    default: 300,
    scope: 'resource',
    minimum: 1,
    maximum: 32768,
    description: 'max_tokens: the longest continuation, in tokens (at most 32,768). Always sent.',
  },
  'inkwell.sampling.temperature': sampling('temperature.', { minimum: 0, maximum: 5 }),
  'inkwell.sampling.topP': sampling('top_p.', { minimum: 0, maximum: 1 }),
  'inkwell.sampling.topK': sampling('top_k.', { minimum: -1 }),
  'inkwell.sampling.minP': sampling('min_p.', { minimum: 0, maximum: 1 }),
  'inkwell.sampling.topA': sampling('top_a.', { minimum: 0, maximum: 1 }),
  'inkwell.sampling.repetitionPenalty': sampling('repetition_penalty (llama.cpp: repeat_penalty).', { minimum: 0 }),
  'inkwell.sampling.frequencyPenalty': sampling('frequency_penalty.', { minimum: -2, maximum: 2 }),
  'inkwell.sampling.presencePenalty': sampling('presence_penalty.', { minimum: -2, maximum: 2 }),
  'inkwell.sampling.seed': sampling('seed.'),
  'inkwell.sampling.minTokens': sampling('min_tokens (at most max_tokens).', { minimum: 0, maximum: 32768 }),
  'inkwell.sampling.n': sampling('n: how many alternatives the server generates; Inkwell uses the first, so leave it empty unless a server needs it.', { minimum: 1, maximum: 8 }),
  'inkwell.alternatives.count': {
    type: 'number',
    default: 1,
    scope: 'resource',
    minimum: 1,
    maximum: 8,
    description:
      'How many continuations **Continue Writing** makes at once. The first streams into the document; the others are gathered alongside (in the same request where the server takes `n`, else a few requests at a time). Cycle them with `Alt+]` and `Alt+[`, or the CodeLens above the text. Each one costs as much as a continuation, so a repository\'s value is ignored in an untrusted workspace.',
  },
  'inkwell.sampling.stop': {
    type: 'array',
    default: [],
    scope: 'resource',
    items: { type: 'string' },
    description: 'stop: strings that end the generation. Empty means not sent.',
  },
  // Context and tokens.
  'inkwell.contextSize': {
    type: ['number', 'null'],
    default: null,
    scope: 'resource',
    minimum: 256,
    maximum: 1048576,
    description: 'The model\'s context size in tokens, when the provider does not tell it. Overrides Inkwell\'s table of known models.',
  },
  'inkwell.tokenizer': {
    type: 'string',
    default: 'auto',
    scope: 'resource',
    enum: ['auto', 'qwen2', 'llama3', 'llama2', 'mistral-nemo', 'estimate'],
    description: 'How tokens are counted: auto (the server\'s tokenizer, then the model family\'s tokenizer chosen by the model name, then an estimate), one tokenizer family, or an estimate.',
  },
  'inkwell.tokenCount.useServer': {
    type: 'boolean',
    default: true,
    scope: 'application',
    description:
      'With inkwell.tokenizer "auto", send the manuscript (or its selection) to the provider\'s token counter when it has one, for the model\'s own count. Off: count on this machine only.',
  },
  // What Inkwell treats as a manuscript: only these are ever counted (and so sent) without the writer asking.
  'inkwell.manuscript.languages': {
    type: 'array',
    default: ['markdown', 'plaintext'],
    scope: 'application',
    items: { type: 'string' },
    description:
      'Language ids of the documents Inkwell counts tokens for in the status bar. Settings, output and other non-prose documents are never counted.',
  },
  // Story memory: the story folder beside the chapters (README "Story memory").
  'inkwell.story.folder': {
    type: 'string',
    default: 'story',
    scope: 'resource',
    description:
      'The story folder, relative to the workspace folder: `memory.md` (always sent first), `authors-note.md` (placed a few lines before the end of the prompt) and `lore/`, one Markdown file per lore entry. A path outside the workspace folder is ignored.',
  },
  'inkwell.story.loreBudget': {
    type: 'number',
    default: 0.25,
    scope: 'resource',
    minimum: 0,
    maximum: 0.9,
    description: 'The share of the context lore entries may take (0.25 is a quarter). Entries go in by order until it is full.',
  },
  'inkwell.story.scanTokens': {
    type: 'number',
    default: 2048,
    scope: 'resource',
    minimum: 0,
    maximum: 1048576,
    description: 'How far back from the cursor, in tokens, Inkwell looks for lore keys (an entry\'s own `scanTokens` wins).',
  },
  'inkwell.story.recursionRounds': {
    type: 'number',
    default: 3,
    scope: 'resource',
    minimum: 0,
    maximum: 10,
    description: 'How many rounds an active entry\'s text may activate other entries. 0 turns it off.',
  },
  'inkwell.story.authorsNoteDepth': {
    type: 'number',
    default: 3,
    scope: 'resource',
    minimum: 0,
    maximum: 100,
    description: 'How many lines (paragraphs) before the end of the story text the author\'s note goes. 0 puts it at the very end.',
  },
  'inkwell.story.partSeparator': {
    type: 'string',
    default: '\n\n',
    scope: 'resource',
    description: 'In completion mode, what goes between memory and each lore entry.',
  },
  'inkwell.story.storySeparator': {
    type: 'string',
    default: '\n***\n',
    scope: 'resource',
    description: 'In completion mode, what goes between memory and lore and the story text.',
  },
  // Token probabilities.
  'inkwell.probabilities.topK': {
    type: 'number',
    default: 0,
    scope: 'resource',
    minimum: 0,
    maximum: 20,
    description:
      'Ask for the probabilities of each generated token and its top K alternatives (1–20; 0: do not ask), where the provider gives them. Hover generated text to see them and reroll from any token. "Inkwell: Toggle Token Probabilities" turns it on and off.',
  },
  'inkwell.probabilities.tint': {
    type: 'boolean',
    default: false,
    scope: 'window',
    description: 'Tint each generated token by how sure the model was of it (the less sure, the stronger). "Inkwell: Toggle Probability Tint" turns it on and off.',
  },
  // Network.
  'inkwell.network.connectTimeoutSeconds': {
    type: 'number',
    default: 15,
    scope: 'application',
    minimum: 1,
    description: 'Seconds to wait for a connection.',
  },
  'inkwell.network.firstByteTimeoutSeconds': {
    type: 'number',
    default: 180,
    scope: 'application',
    minimum: 1,
    description: 'Seconds to wait for the first byte of an answer. Generous, for slow local servers loading a model.',
  },
  'inkwell.network.idleTimeoutSeconds': {
    type: 'number',
    default: 60,
    scope: 'application',
    minimum: 1,
    description: 'Seconds a stream may stay silent (keep-alive comments count as activity) before it is called stalled.',
  },
  'inkwell.network.generationTimeoutSeconds': {
    type: 'number',
    default: 600,
    scope: 'application',
    minimum: 10,
    description:
      'Seconds one generation may take in all, retries and keep-alives included, before Inkwell stops it and keeps what arrived. A stream that only ever sends keep-alive comments ends here.',
  },
  'inkwell.network.maxRetries': {
    type: 'number',
    default: 3,
    scope: 'application',
    minimum: 0,
    maximum: 10,
    description: 'Retries for 429, 408 and 5xx answers before the first token, with jittered backoff honouring Retry-After.',
  },
} satisfies Record<string, SettingDeclaration>;

export type SettingKey = keyof typeof SETTINGS;

/**
 * Settings a workspace could abuse: the prompts and route (what the model is told) and everything
 * that decides what a request costs. In an untrusted workspace only the writer's own (user) value
 * counts; VS Code is told too (restrictedConfigurations), and src/settings.ts enforces it itself.
 */
export const RESTRICTED_SETTINGS: SettingKey[] = [
  'inkwell.generation.systemPrompt',
  'inkwell.chat.systemPrompt',
  'inkwell.generation.mode',
  'inkwell.sampling.maxTokens',
  'inkwell.sampling.minTokens',
  'inkwell.sampling.n',
  'inkwell.alternatives.count',
  'inkwell.contextSize',
];

/**
 * A number setting held to its declared range. VS Code shows the schema's bounds but does not
 * enforce them, so a hand-written settings.json can say `"n": 1000`. Non-numbers pass through for
 * the caller to reject.
 */
export function clampToDeclaration(key: SettingKey, value: unknown): unknown {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  const { minimum, maximum } = SETTINGS[key] as SettingDeclaration;
  return Math.min(maximum ?? Infinity, Math.max(minimum ?? -Infinity, value));
}

/** Whether a workspace's value may decide `key` (application settings and, untrusted, restricted ones: no). */
export function workspaceMayDecide(key: SettingKey, trusted: boolean): boolean {
  if (SETTINGS[key].scope === 'application') return false;
  return trusted || !RESTRICTED_SETTINGS.includes(key);
}
