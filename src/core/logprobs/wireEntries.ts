// One choice's `logprobs` object, in any shape a server sends, → one entry per token, as sent.
//
// - Legacy completions (vLLM, Infermatic, OpenAI): `{tokens, token_logprobs, top_logprobs: [{token: lp}],
//   text_offset}`. `text_offset` is not used: vLLM counts it in Python characters (code points, not
//   UTF-16) of the token strings, which are raw pieces on some versions, so it matches no text of ours.
// - Content array (chat on OpenAI/vLLM/llama.cpp, and llama.cpp's /v1/completions):
//   `{content: [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}]}`; llama.cpp with
//   `post_sampling_probs` says `prob` / `top_probs` instead.
// Everything is bounded: a hostile server cannot make an entry hold more than it could mean.

import { isRecord } from '../json';
import { utf8Bytes } from './rawPieces';

/** OpenAI and vLLM accept at most 20; more from a server is noise. */
export const MAX_ALTERNATIVES = 20;
/** Longer "tokens" than this are not tokens (no vocabulary has them): kept as unknown. */
export const MAX_TOKEN_CHARS = 256;
const MAX_TOKEN_BYTES = 4 * MAX_TOKEN_CHARS;

export interface WireAlternative {
  /** The token as sent: decoded text, a raw piece, or an escape. */
  token: string;
  /** UTF-8 bytes the server gave (authoritative); absent when it gave none we can trust. */
  bytes?: number[];
  /** Natural log of the probability, ≤ 0; -Infinity when the server sent none. */
  logprob: number;
}

export interface WireEntry extends WireAlternative {
  /** Best first; the chosen token may be missing (llama.cpp takes them before sampling). */
  top: WireAlternative[];
}

/** The entries in one `logprobs` object (a chunk's, or a whole answer's); [] for anything else. */
export function readWireEntries(raw: unknown): WireEntry[] {
  if (!isRecord(raw)) return [];
  if (Array.isArray(raw.content)) return raw.content.map(contentEntry);
  if (Array.isArray(raw.tokens)) return legacyEntries(raw);
  return [];
}

function legacyEntries(raw: Record<string, unknown>): WireEntry[] {
  const tokens = raw.tokens as unknown[];
  const logprobs = Array.isArray(raw.token_logprobs) ? raw.token_logprobs : [];
  const tops = Array.isArray(raw.top_logprobs) ? raw.top_logprobs : [];
  return tokens.map((token, i) => {
    const top = isRecord(tops[i])
      ? Object.entries(tops[i] as Record<string, unknown>).map(([t, lp]) => ({ token: boundedToken(t), logprob: logprobOf(lp) }))
      : [];
    return { token: boundedToken(token), logprob: logprobOf(logprobs[i]), top: bestFirst(top) };
  });
}

function contentEntry(raw: unknown): WireEntry {
  if (!isRecord(raw)) return { token: '', logprob: -Infinity, top: [] };
  const topRaw = Array.isArray(raw.top_logprobs) ? raw.top_logprobs : Array.isArray(raw.top_probs) ? raw.top_probs : [];
  const top = topRaw.slice(0, 4 * MAX_ALTERNATIVES).filter(isRecord).map(alternative);
  return { ...alternative(raw), top: bestFirst(top) };
}

function alternative(raw: Record<string, unknown>): WireAlternative {
  const token = boundedToken(raw.token);
  const logprob = raw.logprob !== undefined ? logprobOf(raw.logprob) : logprobOf(probToLog(raw.prob));
  const bytes = bytesOf(raw.bytes, token);
  return bytes ? { token, bytes, logprob } : { token, logprob };
}

function boundedToken(value: unknown): string {
  return typeof value === 'string' && value.length <= MAX_TOKEN_CHARS ? value : '';
}

/** A log probability is ≤ 0; null (vLLM's -inf), junk or NaN is -Infinity; above 0 is rounding: 0. */
function logprobOf(value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) return -Infinity;
  return Math.min(0, value);
}

function probToLog(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0 ? Math.log(Math.min(1, value)) : undefined;
}

/**
 * `bytes` when it is a short list of bytes that says more than the token text: vLLM fills it with the
 * UTF-8 of its `token`, so a byte token it could only spell `\uFFFD` arrives as [239, 191, 189], which
 * is not that token's bytes.
 */
function bytesOf(value: unknown, token: string): number[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TOKEN_BYTES) return undefined;
  if (!value.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= 255)) return undefined;
  const bytes = value as number[];
  if (token.includes('\uFFFD') && sameBytes(bytes, utf8Bytes(token))) return undefined;
  return [...bytes];
}

function sameBytes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function bestFirst(top: WireAlternative[]): WireAlternative[] {
  // Not `b - a`: two -Infinity would give NaN.
  return top.sort((a, b) => (a.logprob === b.logprob ? 0 : a.logprob < b.logprob ? 1 : -1)).slice(0, MAX_ALTERNATIVES);
}
