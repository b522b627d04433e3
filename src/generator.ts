import { ProviderError } from './core/errors/providerError';
import { ChatMessage, GenerationMode, buildChatRequest, buildCompletionRequest } from './core/requests/buildRequest';
import { SamplingSettings } from './core/providers/samplingParams';
import { Usage } from './core/stream/completionStream';
import { StreamMeter, streamBound } from './core/stream/streamBound';
import { UsageTally } from './core/stream/usageTally';
import type { ProviderAuth } from './providers/providerAuth';
import type { ProviderHttp } from './providers/providerHttp';
import type { ActiveTarget } from './providers/providerTargets';
import { Settings } from './settings';
import { Log } from './log';
import { logprobsFields, refusesLogprobs } from './core/logprobs/logprobsRequest';

export interface GenerationRequest {
  target: ActiveTarget;
  mode: GenerationMode;
  sampling: SamplingSettings;
  /** Completion mode. */
  prompt?: string;
  /** Chat mode; a system message is folded into the first user turn where the model needs it. */
  messages?: ChatMessage[];
  signal: AbortSignal;
  onText(index: number, text: string): void;
  onProgress?(tokens: number): void;
  /** What the generation is waiting for, before its first token (a retry and its delay). */
  onWaiting?(what: string): void;
  /** The address and body as sent (no headers, so never the key), for the view of what the model sees. */
  onRequest?(url: string, body: Record<string, unknown>): void;
  /** Ask for the top `k` alternatives of each token (1–20); absent or 0: not asked. */
  topLogprobs?: number;
  /** A choice's `logprobs` object as the stream carried it (only when asked). */
  onLogprobs?(index: number, logprobs: Record<string, unknown>): void;
}

export interface GenerationResult {
  outcome: 'done' | 'truncated' | 'error' | 'aborted';
  error?: ProviderError;
  usage?: Usage;
  /** Streamed pieces of choice 0 (a piece is a token for every server we know). */
  tokens: number;
  foldedSystemPrompt: boolean;
  /** Probabilities were asked for and the server refused them (a 400 naming the parameter): asked again without. */
  logprobsRefused?: { status?: number; message: string };
}

/**
 * Runs one streamed generation: key, request body, retries before the first token, and the
 * system-prompt fold (up front for models known to reject one, and once on that error for any other).
 */
export class Generator {
  /** Models that answered a system message with the litellm 500 this session. */
  private readonly rejectsSystem = new Set<string>();

  constructor(
    private readonly auth: ProviderAuth,
    private readonly http: ProviderHttp,
    private readonly log: Log,
  ) {}

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    const { target } = request;
    const modelKey = `${target.profile.id} ${target.model}`;
    const fold = this.rejectsSystem.has(modelKey);
    let headers: Record<string, string>;
    try {
      headers = await this.auth.headers(target.profile, { interactive: true });
    } catch (error) {
      return { outcome: 'error', error: error instanceof ProviderError ? error : new ProviderError({ kind: 'no-key' }), tokens: 0, foldedSystemPrompt: fold };
    }
    const settings = new Settings();
    // The caller's signal, plus our own: for a runaway stream and for the whole generation's limit.
    const local = new AbortController();
    const forward = () => local.abort();
    request.signal.addEventListener('abort', forward, { once: true });
    // A stop that came while the key was read has already fired: no listener hears it again.
    if (request.signal.aborted) local.abort();
    const limit = { ms: settings.generationTimeoutMs, passed: false };
    const deadline = setTimeout(() => {
      limit.passed = true;
      local.abort();
    }, limit.ms);
    try {
      return await this.attempt(request, { fold, modelKey, headers, signal: local, limit });
    } finally {
      clearTimeout(deadline);
      request.signal.removeEventListener('abort', forward);
    }
  }

  private async attempt(
    request: GenerationRequest,
    run: {
      fold: boolean;
      modelKey: string;
      headers: Record<string, string>;
      /** Aborted by the caller, by a runaway stream, or by the generation's limit. */
      signal: AbortController;
      limit: { readonly ms: number; readonly passed: boolean };
    },
  ): Promise<GenerationResult> {
    const { target } = request;
    const { headers, signal: local } = run;
    let { fold } = run;
    let tokens = 0;
    let usage: Usage | undefined;
    let logprobsRefused: GenerationResult['logprobsRefused'];
    for (;;) {
      const tally = new UsageTally();
      const built =
        request.mode === 'completion'
          ? buildCompletionRequest({ profile: target.profile, model: target.model, sampling: request.sampling, stream: true, prompt: request.prompt ?? '' })
          : buildChatRequest({ profile: target.profile, model: target.model, sampling: request.sampling, stream: true, messages: request.messages ?? [], foldSystem: fold });
      const withLogprobs = !!request.topLogprobs && !logprobsRefused;
      if (withLogprobs) Object.assign(built.body, logprobsFields(request.mode, request.topLogprobs!));
      request.onRequest?.(built.url, built.body);
      let error: ProviderError | undefined;
      let outcome: GenerationResult['outcome'] = 'truncated';
      const meter = new StreamMeter(streamBound(request.sampling.max_tokens, request.sampling.n));
      let runaway = false;
      const stream = this.http.streamCompletion(
        { url: built.url, headers, body: built.body, mode: request.mode, expectedChoices: request.sampling.n, withLogprobs },
        {
          signal: local.signal,
          retry: {
            onRetry: ({ attempt, delayMs, error: cause }) => request.onWaiting?.(`retry ${attempt} in ${Math.ceil(delayMs / 1000)} s: ${cause.message}`),
          },
        },
      );
      for await (const piece of stream) {
        switch (piece.kind) {
          case 'text':
            if (runaway) break;
            if (meter.add(piece.index, piece.text)) {
              runaway = true;
              local.abort();
              break;
            }
            if (piece.index === 0) {
              tokens++;
              request.onProgress?.(tokens);
            }
            request.onText(piece.index, piece.text);
            break;
          case 'logprobs':
            if (!runaway) request.onLogprobs?.(piece.index, piece.logprobs);
            break;
          case 'usage':
            tally.add(piece.usage, piece.index);
            usage = tally.total;
            break;
          case 'error':
            error ??= piece.error;
            break;
          case 'finish':
            break;
          case 'end':
            outcome = piece.outcome;
            break;
        }
      }
      const ended = { usage, tokens, foldedSystemPrompt: fold, ...(logprobsRefused ? { logprobsRefused } : {}) };
      if (request.signal.aborted) return { outcome: 'aborted', ...ended };
      if (run.limit.passed) {
        const seconds = Math.round(run.limit.ms / 1000);
        const error = new ProviderError({
          kind: 'timeout',
          message: `The generation passed its limit of ${seconds} s.`,
          nextStep: 'What arrived is kept. Raise inkwell.network.generationTimeoutSeconds for very long generations.',
        });
        return { outcome: 'error', error, ...ended };
      }
      if (runaway) {
        const { maxChars } = streamBound(request.sampling.max_tokens, request.sampling.n);
        this.log.info(`${target.model}: the stream passed its bound for max_tokens ${request.sampling.max_tokens} (${maxChars} characters); stopped it.`);
        return { outcome: 'error', error: new ProviderError({ kind: 'runaway' }), ...ended };
      }
      const hasSystem = request.mode === 'chat' && (request.messages ?? []).some((m) => m.role === 'system' && m.content.trim());
      if (error?.kind === 'system-prompt-rejected' && tokens === 0 && hasSystem && !fold) {
        this.log.info(`${target.model} rejected the system prompt; retrying with it folded into the first user turn.`);
        this.rejectsSystem.add(run.modelKey);
        fold = true;
        continue;
      }
      if (withLogprobs && error && tokens === 0 && refusesLogprobs(error.status, error.providerMessage)) {
        // The writer asked for probabilities, not for the generation to fail: go on without them.
        this.log.info(`${target.profile.label} refused token probabilities (${error.providerMessage}); asking again without them.`);
        logprobsRefused = { status: error.status, message: error.providerMessage };
        continue;
      }
      return { outcome, error, ...ended };
    }
  }
}
