// One error type for everything that can go wrong between Inkwell and a provider, carrying the
// provider's own words and a short next step for the user (docs/security.md, items 5, 16, 17, 20).

import { redactSecrets } from './redact';

export type ProviderErrorKind =
  | 'auth'
  | 'payment'
  | 'forbidden'
  | 'not-found'
  | 'rate-limit'
  | 'timeout'
  | 'context-overflow'
  | 'system-prompt-rejected'
  | 'bad-request'
  | 'server'
  | 'network'
  | 'redirect'
  | 'stream-error'
  | 'cut'
  | 'runaway'
  | 'aborted'
  | 'no-key'
  | 'no-model';

export interface ProviderErrorInit {
  kind: ProviderErrorKind;
  /** Human summary; derived from kind, status and providerMessage when absent. */
  message?: string;
  status?: number;
  /** The provider's own text, already trimmed and capped. */
  providerMessage?: string;
  retryAfterMs?: number;
  /** Defaults from the kind: rate-limit, timeout, server, network are retryable. */
  retryable?: boolean;
  nextStep?: string;
  /** The provider's error code or type, when it sent one (e.g. "exceed_context_size_error"). */
  providerCode?: string;
  /** From context-overflow messages, when the numbers are in the text. */
  contextLength?: number;
  requestedTokens?: number;
  /** Where a 3xx answer pointed (query string dropped). */
  location?: string;
  /** True when the 404/400 is about the model name. */
  modelMissing?: boolean;
  cause?: unknown;
  /**
   * Keys to take out of every text field. Redaction happens here, where an error is made, so an
   * error returned from a command or kept in a transcript can never carry a key, whatever path
   * shows it later.
   */
  secrets?: readonly string[];
}

const TITLES: Record<ProviderErrorKind, string> = {
  auth: 'The provider rejected the API key',
  payment: 'The provider account has no credits left',
  forbidden: 'The provider refused access',
  'not-found': 'The provider does not know this address or model',
  'rate-limit': 'The provider is rate limiting requests',
  timeout: 'The provider did not answer in time',
  'context-overflow': "The prompt does not fit in the model's context",
  'system-prompt-rejected': 'The model rejected the system prompt',
  'bad-request': 'The provider rejected the request',
  server: 'The provider had a server error',
  network: 'Could not reach the provider',
  redirect: 'The provider answered with a redirect, which Inkwell does not follow',
  'stream-error': 'The provider reported an error during generation',
  cut: 'The stream stopped before the model finished',
  runaway: 'The server sent far more than the maximum tokens allow, so Inkwell stopped it',
  aborted: 'Cancelled',
  'no-key': 'No API key is set for this provider',
  'no-model': 'No model is selected',
};

export const SET_API_KEY_STEP = 'Run "Inkwell: Set API Key".';
export const SELECT_MODEL_STEP = 'Run "Inkwell: Select Model".';

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  readonly providerMessage: string;
  readonly retryAfterMs?: number;
  readonly retryable: boolean;
  readonly nextStep: string;
  readonly providerCode?: string;
  readonly contextLength?: number;
  readonly requestedTokens?: number;
  readonly location?: string;
  readonly modelMissing: boolean;

  constructor(raw: ProviderErrorInit) {
    const init = redactInit(raw);
    super(init.message ?? defaultMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderError';
    this.kind = init.kind;
    this.providerMessage = init.providerMessage ?? '';
    this.retryable = init.retryable ?? defaultRetryable(init.kind);
    this.modelMissing = init.modelMissing ?? false;
    this.nextStep = init.nextStep ?? nextStepFor(init.kind, init);
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.providerCode !== undefined) this.providerCode = init.providerCode;
    if (init.contextLength !== undefined) this.contextLength = init.contextLength;
    if (init.requestedTokens !== undefined) this.requestedTokens = init.requestedTokens;
    if (init.location !== undefined) this.location = init.location;
  }

  /** The message and the next step, as one line for a notification. */
  get userMessage(): string {
    return this.nextStep ? `${this.message} ${this.nextStep}` : this.message;
  }
}

function redactInit(init: ProviderErrorInit): ProviderErrorInit {
  // Even with no secrets known, the patterns (Bearer tokens, litellm's echoed key) are masked.
  const secrets = init.secrets ?? [];
  const clean = (text: string | undefined) => (text === undefined ? undefined : redactSecrets(text, secrets));
  const out: ProviderErrorInit = { ...init };
  for (const field of ['message', 'providerMessage', 'providerCode', 'location', 'nextStep'] as const) {
    const value = clean(init[field]);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

function defaultMessage(init: ProviderErrorInit): string {
  let text = TITLES[init.kind];
  if (init.status !== undefined) text += ` (HTTP ${init.status})`;
  if (init.kind === 'redirect' && init.location) text += ` to ${init.location}`;
  if (init.providerMessage) text += `: ${init.providerMessage}`;
  return text;
}

function defaultRetryable(kind: ProviderErrorKind): boolean {
  return kind === 'rate-limit' || kind === 'timeout' || kind === 'server' || kind === 'network';
}

export function nextStepFor(
  kind: ProviderErrorKind,
  detail: { retryAfterMs?: number; modelMissing?: boolean } = {},
): string {
  switch (kind) {
    case 'auth':
    case 'no-key':
      return SET_API_KEY_STEP;
    case 'no-model':
      return SELECT_MODEL_STEP;
    case 'payment':
      return 'Add credits to your provider account, then try again.';
    case 'forbidden':
      return `Check that your key may use this model, or pick another: ${SELECT_MODEL_STEP}`;
    case 'not-found':
      return detail.modelMissing
        ? `The model is not available. ${SELECT_MODEL_STEP}`
        : "Check the provider's base URL in Inkwell's settings.";
    case 'rate-limit':
      return detail.retryAfterMs !== undefined
        ? `Wait ${formatWait(detail.retryAfterMs)} and try again.`
        : 'Wait a moment and try again.';
    case 'timeout':
      return "Check that the server is running, or raise Inkwell's timeouts for slow servers.";
    case 'context-overflow':
      return 'Shorten the prompt or lower the maximum tokens, then try again.';
    case 'system-prompt-rejected':
      return 'Try again with the system prompt folded into the first message.';
    case 'bad-request':
      return 'Check the sampling settings for a value this provider does not accept.';
    case 'server':
    case 'stream-error':
      return 'Try again; if it keeps failing, pick another model.';
    case 'network':
      return "Check your connection and the provider's base URL.";
    case 'redirect':
      return 'Set the base URL to the final address yourself (your key was not sent there).';
    case 'cut':
      return 'The text so far is kept; continue writing to pick up where it stopped.';
    case 'runaway':
      return 'What arrived is kept. The server ignores max_tokens (inkwell.sampling.maxTokens): check its settings, or pick another model.';
    case 'aborted':
      return '';
  }
}

export function formatWait(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 90) return `${s} s`;
  const m = Math.ceil(s / 60);
  if (m < 90) return `${m} min`;
  return `${Math.ceil(m / 60)} h`;
}
