/**
 * Token probabilities from the provider test server's side (docs/story.md, "Token probabilities and
 * reroll"): what a request asks for, whether the server gives them, and in which shape each flavour
 * answers (the shapes themselves are in logprobsWire.ts). Pure.
 */
import type { ContentStyle, LogprobsSpec, PieceSpelling } from './logprobsWire';
import { fnv1a } from './wire';

export interface LogprobsServerOptions {
  /** 'give' (default); 'ignore': answer as if not asked; 'reject': a 400 that names the parameter. */
  support?: 'give' | 'ignore' | 'reject';
  /** How legacy `tokens` are spelled on completion routes. Default 'decoded'. */
  spelling?: PieceSpelling;
  /** Legacy decoded: a lone byte of a character as `bytes:\x..` (default) or held back (vLLM). */
  partial?: 'escaped' | 'heldBack';
  /** Sample every multi-byte character one byte per token. Default false. */
  splitCharacters?: boolean;
}

/** Alternatives asked for, or undefined when the body does not ask for probabilities. */
export function logprobsAsked(mode: 'completions' | 'chat', body: Record<string, unknown>): number | undefined {
  const lp = body['logprobs'];
  if (mode === 'chat') {
    if (lp !== true) return undefined;
    const k = body['top_logprobs'];
    return typeof k === 'number' && Number.isFinite(k) ? Math.max(0, Math.floor(k)) : 0;
  }
  if (lp === true) return 1; // llama.cpp's reading
  return typeof lp === 'number' && Number.isFinite(lp) && lp >= 0 ? Math.floor(lp) : undefined;
}

/** vLLM's default `max_logprobs`; llama.cpp has no cap. */
export const VLLM_MAX_LOGPROBS = 20;

export function vllmLogprobsLimitMessage(k: number): string {
  return `Requested sample logprobs of ${k}, which is greater than max allowed: ${VLLM_MAX_LOGPROBS}`;
}

/** The shape a flavour answers on a route: llama.cpp uses the content array on both. */
export function logprobsSpecFor(
  flavor: string,
  mode: 'completions' | 'chat',
  options: LogprobsServerOptions,
  top: number,
  seed: string,
): LogprobsSpec {
  const style: ContentStyle = flavor === 'llamacpp' ? 'llamacpp' : 'vllm';
  if (mode === 'chat' || flavor === 'llamacpp') return { shape: 'content', style, top, seed };
  return { shape: 'legacy', spelling: options.spelling ?? 'decoded', partial: options.partial ?? 'escaped', top, seed };
}

/** The same probabilities for the same model and prompt, whatever the request's order. */
export function logprobsSeed(model: string, promptText: string): string {
  return `${model}|${fnv1a(promptText)}`;
}
