// OpenAI-style streaming chunks → typed pieces, for /v1/completions ('completion') and
// /v1/chat/completions ('chat'), tolerant of every quirk in docs/providers.md.

import { ProviderError } from '../errors/providerError';
import { errorFromStreamPayload } from '../errors/errorBody';
import type { SseEvent } from './sseReader';
import { asCount, parseJson, isRecord } from '../json';

export type StreamMode = 'completion' | 'chat';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/**
 * done: `[DONE]` seen, or every choice got a finish_reason, and no error.
 * error: the provider reported an error (HTTP status or inside the stream), or the request
 *        failed before any text arrived.
 * truncated: text arrived, then the stream stopped without finishing and without a provider error
 *        (closed early, connection lost, idle timeout, cancelled): keep the text, offer to continue.
 *        The same stop before any text is 'error'.
 * Whenever the outcome is not 'done', at least one {kind:'error'} piece comes before 'end'.
 */
export type StreamOutcome = 'done' | 'truncated' | 'error';

export type StreamPiece =
  | { kind: 'text'; index: number; text: string }
  | { kind: 'finish'; index: number; reason: string }
  /** The choice's `logprobs` object as the chunk carried it (only with `withLogprobs`); after its text. */
  | { kind: 'logprobs'; index: number; logprobs: Record<string, unknown> }
  /** `index`: the choice the report came with, when its chunk carried exactly one (see UsageTally). */
  | { kind: 'usage'; usage: Usage; index?: number }
  | { kind: 'error'; error: ProviderError }
  | { kind: 'end'; outcome: StreamOutcome };

export interface CompletionDecoderOptions {
  /** n: how many choices to expect. When set, "every choice finished" means indices 0..n-1. */
  expectedChoices?: number;
  secrets?: readonly string[];
  /** Data that is neither JSON nor `[DONE]`: skipped, reported here (e.g. for the log). */
  onIgnored?: (data: string) => void;
  /**
   * Pass each choice's `logprobs` object on as a {kind:'logprobs'} piece. A piece rather than a
   * callback: it stays in order with the text, and is dropped with the rest when an attempt is retried.
   */
  withLogprobs?: boolean;
}

/**
 * Event-at-a-time decoder. `push` returns the pieces an event gives; `end` returns the closing
 * pieces: a 'cut' error when the stream stopped unfinished, then `{kind:'end'}`.
 * After `[DONE]`, `finished` is true and later events are ignored.
 */
export class CompletionStreamDecoder {
  private readonly finishedChoices = new Set<number>();
  private readonly seenChoices = new Set<number>();
  private sawDone = false;
  private sawError = false;
  private sawText = false;
  private ended = false;

  constructor(
    private readonly mode: StreamMode,
    private readonly options: CompletionDecoderOptions = {},
  ) {}

  /** `[DONE]` was seen: the caller may stop reading. */
  get finished(): boolean {
    return this.sawDone;
  }

  get hadError(): boolean {
    return this.sawError;
  }

  push(event: SseEvent): StreamPiece[] {
    if (this.sawDone || this.ended) return [];
    const data = event.data.trim();
    if (event.event === 'error') return this.error(errorFromStreamPayload(parseJson(data) ?? data, this.secrets));
    if (data === '') return [];
    if (data === '[DONE]') {
      this.sawDone = true;
      return [];
    }
    const chunk = parseJson(data);
    if (!isRecord(chunk)) {
      this.options.onIgnored?.(data);
      return [];
    }
    return this.chunk(chunk);
  }

  /**
   * Closes the stream. `failure` is why reading stopped early (network, timeout, abort); without
   * it, the stream simply ended.
   */
  end(failure?: ProviderError): StreamPiece[] {
    if (this.ended) return [];
    this.ended = true;
    const out: StreamPiece[] = [];
    let outcome: StreamOutcome;
    if (this.sawError) outcome = 'error';
    else if (this.sawDone || this.allChoicesFinished()) outcome = 'done';
    else {
      // Nothing to keep and continue from: that is a failure, not a cut.
      outcome = this.sawText ? 'truncated' : 'error';
      out.push({
        kind: 'error',
        error: failure ?? new ProviderError({ kind: 'cut', providerMessage: 'no [DONE] and no finish_reason' }),
      });
    }
    out.push({ kind: 'end', outcome });
    return out;
  }

  private get secrets(): readonly string[] {
    return this.options.secrets ?? [];
  }

  private error(error: ProviderError): StreamPiece[] {
    this.sawError = true;
    return [{ kind: 'error', error }];
  }

  private chunk(chunk: Record<string, unknown>): StreamPiece[] {
    const out: StreamPiece[] = [];
    let errorReported = false;
    if (isErrorChunk(chunk)) {
      out.push(...this.error(errorFromStreamPayload(chunk, this.secrets)));
      errorReported = true;
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    choices.forEach((raw, position) => {
      if (!isRecord(raw)) return;
      const index = typeof raw.index === 'number' && Number.isInteger(raw.index) ? raw.index : position;
      this.seenChoices.add(index);
      const text = this.textOf(raw);
      if (text) {
        this.sawText = true;
        out.push({ kind: 'text', index, text });
      }
      if (this.options.withLogprobs && isRecord(raw.logprobs)) out.push({ kind: 'logprobs', index, logprobs: raw.logprobs });
      const reason = raw.finish_reason;
      if (typeof reason === 'string' && reason !== '') {
        if (reason === 'error') {
          if (!errorReported) {
            out.push(...this.error(errorFromStreamPayload(raw.error ?? { message: 'finish_reason "error"' }, this.secrets)));
            errorReported = true;
          }
        } else if (!this.finishedChoices.has(index)) {
          this.finishedChoices.add(index);
          out.push({ kind: 'finish', index, reason });
        }
      }
    });
    const usage = usageOf(chunk.usage);
    if (usage) {
      const only = choices.length === 1 && isRecord(choices[0]) ? choices[0] : undefined;
      const index = only ? (typeof only.index === 'number' && Number.isInteger(only.index) ? only.index : 0) : undefined;
      out.push(index === undefined ? { kind: 'usage', usage } : { kind: 'usage', usage, index });
    }
    return out;
  }

  private textOf(choice: Record<string, unknown>): string {
    const delta = isRecord(choice.delta) ? choice.delta : undefined;
    const primary = this.mode === 'chat' ? delta?.content : choice.text;
    if (typeof primary === 'string') return primary;
    // Servers that answer the "other" shape on a route: harmless to accept.
    const fallback = this.mode === 'chat' ? choice.text : delta?.content;
    return typeof fallback === 'string' ? fallback : '';
  }

  private allChoicesFinished(): boolean {
    const n = this.options.expectedChoices;
    if (n !== undefined && n > 0) {
      for (let i = 0; i < n; i++) if (!this.finishedChoices.has(i)) return false;
      return true;
    }
    if (this.seenChoices.size === 0) return false;
    for (const i of this.seenChoices) if (!this.finishedChoices.has(i)) return false;
    return true;
  }
}

/** Events → pieces, ending with exactly one `{kind:'end'}`. Stops reading at `[DONE]`. */
export async function* decodeCompletionEvents(
  events: AsyncIterable<SseEvent>,
  mode: StreamMode,
  options: CompletionDecoderOptions = {},
): AsyncGenerator<StreamPiece, void, undefined> {
  const decoder = new CompletionStreamDecoder(mode, options);
  for await (const event of events) {
    yield* decoder.push(event);
    if (decoder.finished) break;
  }
  yield* decoder.end();
}

function isErrorChunk(chunk: Record<string, unknown>): boolean {
  if (chunk.error !== undefined && chunk.error !== null) return true;
  if (chunk.object === 'error') return true;
  // AI/ML API's flat shape, should it ever arrive inside a stream.
  return chunk.choices === undefined && typeof chunk.message === 'string' && chunk.statusCode !== undefined;
}

function usageOf(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const promptTokens = asCount(raw.prompt_tokens);
  const completionTokens = asCount(raw.completion_tokens);
  const total = asCount(raw.total_tokens);
  if (promptTokens === undefined && completionTokens === undefined && total === undefined) return undefined;
  const p = promptTokens ?? 0;
  const c = completionTokens ?? 0;
  return { promptTokens: p, completionTokens: c, totalTokens: total ?? p + c };
}
