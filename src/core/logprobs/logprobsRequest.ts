// Asking for token probabilities, and telling whether the provider gave them.
//
// Completion routes take `logprobs: k` (the legacy form; vLLM caps k at 20 by default, llama.cpp
// takes it as its n_probs); chat routes take `logprobs: true, top_logprobs: k` (OpenAI's limit is 20).
// Infermatic's documentation does not list the parameter, and some providers drop unknown fields:
// a provider may ignore the request (no `logprobs` in any choice) or refuse it (a 400 naming it).

import type { GenerationMode } from '../requests/buildRequest';

export const MIN_TOP_LOGPROBS = 1;
export const MAX_TOP_LOGPROBS = 20;

export function clampTopLogprobs(k: number): number {
  if (!Number.isFinite(k)) return MIN_TOP_LOGPROBS;
  return Math.min(MAX_TOP_LOGPROBS, Math.max(MIN_TOP_LOGPROBS, Math.round(k)));
}

/** The fields to add to a request body to ask for the top `k` alternatives of each token. */
export function logprobsFields(mode: GenerationMode, k: number): Record<string, unknown> {
  const top = clampTopLogprobs(k);
  return mode === 'completion' ? { logprobs: top } : { logprobs: true, top_logprobs: top };
}

const NAMES_LOGPROBS = /\b(?:top_)?logprobs\b|\bn_probs\b/i;

/** A client error that names the parameter: the provider will not give probabilities. */
export function refusesLogprobs(status: number | undefined, message: string | undefined): boolean {
  return (status === 400 || status === 422) && NAMES_LOGPROBS.test(message ?? '');
}

/**
 * given: some choice carried probabilities. ignored: text arrived and no choice carried any.
 * refused: the request failed with an error naming the parameter. undecided: nothing to judge by
 * (an unrelated failure before any text).
 */
export type LogprobsVerdict = 'given' | 'ignored' | 'refused' | 'undecided';

export interface LogprobsEvidence {
  sawLogprobs: boolean;
  sawText: boolean;
  errorStatus?: number;
  errorMessage?: string;
}

export function judgeLogprobs(evidence: LogprobsEvidence): LogprobsVerdict {
  if (evidence.sawLogprobs) return 'given';
  if (refusesLogprobs(evidence.errorStatus, evidence.errorMessage)) return 'refused';
  return evidence.sawText ? 'ignored' : 'undecided';
}
