/**
 * Token probabilities as the servers send them (docs/story.md, "Token probabilities and reroll"), for the
 * provider test server. Pure. The token model: one text piece is one token, except that with
 * `splitCharacters` every character of more than one UTF-8 byte is sampled one byte per token (as a
 * byte-level or byte-fallback tokenizer does for a rare character), and the text of such a step is ''
 * until the byte that completes the character (servers hold incomplete UTF-8 back from their text).
 *
 * Spellings, from the published tokenizer sources (written here independently of src/):
 * - byteLevel: GPT-2 `bytes_to_unicode` (openai/gpt-2 src/encoder.py): bytes `!`..`~`, `¡`..`¬`, `®`..`ÿ`
 *   are themselves, the other 68 bytes in order are chr(256 + n) (space → `Ġ`, newline → `Ċ`).
 * - sentencePiece: space → `▁` (U+2581); a lone byte → `<0xNN>` (sentencepiece `ByteToPiece`, "%02X").
 * - decoded: the text; a lone byte of a character either `bytes:\xc3` (OpenAI's legacy completions,
 *   `escaped`) or '' with the whole character on the completing token (vLLM's detokenizer, `heldBack`).
 * Shapes: `legacy` `{tokens, token_logprobs, top_logprobs:[{tok: lp}], text_offset}` (vLLM completions);
 * `content` `{content:[{token, logprob, bytes, top_logprobs}]}` — vLLM style (`bytes` = UTF-8 of `token`,
 * a lone byte spelled U+FFFD) or llama.cpp style (`id`, `token` cut to valid UTF-8, `bytes` the real ones).
 */
import { fnv1a, type StreamLogprobs } from './wire';

export type LogprobsShape = 'legacy' | 'content';
export type PieceSpelling = 'decoded' | 'byteLevel' | 'sentencePiece';
export type ContentStyle = 'vllm' | 'llamacpp';

export interface LogprobsSpec {
  shape: LogprobsShape;
  /** legacy only. */
  spelling?: PieceSpelling;
  /** legacy decoded only: how a lone byte of a character is named. Default 'escaped'. */
  partial?: 'escaped' | 'heldBack';
  /** content only. Default 'vllm'. */
  style?: ContentStyle;
  /** Alternatives per token (0 = only the chosen token's own logprob). */
  top: number;
  /** Seed for the deterministic probabilities. */
  seed: string;
}

/** What the server means by one token (the reference a parser is checked against). */
export interface SampledToken {
  bytes: number[];
  /** The text this token step emits ('' while a character is incomplete). */
  emits: string;
  logprob: number;
  /** Best first; `bytes` of each alternative. May lack the chosen token (llama.cpp style). */
  top: { bytes: number[]; logprob: number }[];
}

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

const BYTES_TO_UNICODE: string[] = (() => {
  const bs: number[] = [];
  for (let b = '!'.charCodeAt(0); b <= '~'.charCodeAt(0); b++) bs.push(b);
  for (let b = '¡'.charCodeAt(0); b <= '¬'.charCodeAt(0); b++) bs.push(b);
  for (let b = '®'.charCodeAt(0); b <= 'ÿ'.charCodeAt(0); b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const table: string[] = [];
  bs.forEach((b, i) => (table[b] = String.fromCharCode(cs[i] as number)));
  return table;
})();

function whole(bytes: readonly number[]): string | undefined {
  try {
    return strictUtf8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/** Text pieces → token steps: the step texts for the stream plan, and the tokens behind them. */
export function sampleTokens(
  pieces: readonly string[],
  splitCharacters: boolean,
  newlineTokens = false,
): { pieces: string[]; tokens: Omit<SampledToken, 'logprob' | 'top'>[] } {
  const tokens: Omit<SampledToken, 'logprob' | 'top'>[] = [];
  // A SentencePiece vocabulary has no newline piece: a newline is always its own byte token, <0x0A>.
  const split = newlineTokens ? pieces.flatMap((p) => p.split(/(\n)/).filter((part) => part !== '')) : pieces;
  for (const piece of split) {
    if (!splitCharacters || [...piece].every((char) => char.charCodeAt(0) < 0x80)) {
      tokens.push({ bytes: [...encoder.encode(piece)], emits: piece });
      continue;
    }
    let ascii = '';
    for (const char of piece) {
      if (char.charCodeAt(0) < 0x80) {
        ascii += char;
        continue;
      }
      if (ascii) tokens.push({ bytes: [...encoder.encode(ascii)], emits: ascii });
      ascii = '';
      const bytes = [...encoder.encode(char)];
      bytes.forEach((b, i) => tokens.push({ bytes: [b], emits: i === bytes.length - 1 ? char : '' }));
    }
    if (ascii) tokens.push({ bytes: [...encoder.encode(ascii)], emits: ascii });
  }
  return { pieces: tokens.map((t) => t.emits), tokens };
}

const ALTERNATIVE_WORDS = [' the', ' a', ' her', ' his', ' and', ',', '.', ' rain', ' night', ' door', ' she', ' slowly', '\n', ' é', ' 雪'];

/**
 * Deterministic probabilities for token `step` of choice `choice`: p0 in [0.40, 0.94], then each next
 * alternative half the remaining mass, so they are best first and sum below 1. Usually the chosen
 * token is the best; sometimes the second; in llama.cpp style sometimes not listed at all.
 */
export function withProbabilities(token: Omit<SampledToken, 'logprob' | 'top'>, spec: LogprobsSpec, choice: number, step: number): SampledToken {
  const h = fnv1a(`${spec.seed}|${choice}|${step}`);
  const k = Math.max(0, Math.floor(spec.top));
  const slots = Math.max(k, 2);
  const p0 = 0.4 + (h % 55) / 100;
  const probs = [p0];
  for (let j = 1; j < slots; j++) probs.push((1 - p0) * 0.5 ** j);
  const missing = spec.style === 'llamacpp' && h % 11 === 5;
  const rank = missing ? slots : h % 7 === 3 ? 1 : 0;
  const chosenProb = missing ? (probs[slots - 1] as number) / 2 : (probs[rank] as number);
  const others = otherTokens(token.bytes, token.emits !== '', slots);
  const top: { bytes: number[]; logprob: number }[] = [];
  let o = 0;
  for (let j = 0; j < k; j++) top.push({ bytes: j === rank ? token.bytes : (others[o++] as number[]), logprob: Math.log(probs[j] as number) });
  return { ...token, logprob: Math.log(chosenProb), top };
}

/**
 * Alternatives that differ from the chosen token: for the byte that completes a character, its sibling
 * first (`é` → `è`), so a reroll can complete the character otherwise. (Not for a middle byte: vLLM
 * names both '' and its top-logprobs dict would keep one.)
 */
function otherTokens(chosen: readonly number[], completes: boolean, count: number): number[][] {
  const out: number[][] = [];
  const only = chosen.length === 1 ? (chosen[0] as number) : -1;
  if (completes && only >= 0x80 && only <= 0xbf) out.push([only ^ 0x01]);
  const chosenKey = chosen.join(',');
  for (const word of ALTERNATIVE_WORDS) {
    const bytes = [...encoder.encode(word)];
    if (bytes.join(',') !== chosenKey) out.push(bytes);
  }
  for (let i = 0; out.length < count; i++) out.push([...encoder.encode(` word${i}`)]);
  return out.slice(0, count);
}

/** The token as a legacy `tokens` entry / top-logprobs key. `before`: the bytes of the steps before it. */
function spellLegacy(bytes: readonly number[], spec: LogprobsSpec, before: readonly number[]): string {
  const spelling = spec.spelling ?? 'decoded';
  if (spelling === 'byteLevel') return bytes.map((b) => BYTES_TO_UNICODE[b]).join('');
  const text = whole(bytes);
  if (spelling === 'sentencePiece') {
    return text === undefined || text === '\n' ? bytes.map((b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`).join('') : text.replace(/ /g, '\u2581');
  }
  if (text !== undefined) return text;
  if ((spec.partial ?? 'escaped') === 'escaped') return 'bytes:' + bytes.map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
  // vLLM's detokenizer: the bytes left open before, with this token, as far as they make whole text.
  const open = openTail(before);
  return whole([...open, ...bytes]) ?? '';
}

/** The bytes of an unfinished character at the end of `bytes`. */
function openTail(bytes: readonly number[]): number[] {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back] as number;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? bytes.slice(bytes.length - back) : [];
  }
  return [];
}

function contentToken(bytes: readonly number[], logprob: number, style: ContentStyle): Record<string, unknown> {
  if (style === 'llamacpp') {
    // llama.cpp: `token` is the text cut to its valid UTF-8 prefix, `bytes` all of it.
    let valid = bytes.length;
    while (valid > 0 && whole(bytes.slice(0, valid)) === undefined) valid--;
    const token = lenientUtf8.decode(Uint8Array.from(bytes.slice(0, valid)));
    return { id: 1 + (fnv1a(bytes.join(',')) % 150_000), token, bytes: [...bytes], logprob };
  }
  // vLLM: `token` decoded on its own (U+FFFD for a lone byte), `bytes` its UTF-8.
  const token = lenientUtf8.decode(Uint8Array.from(bytes));
  return { token, logprob, bytes: [...encoder.encode(token)] };
}

/**
 * The `logprobs` objects of one choice's tokens, for any range of steps. vLLM's legacy shape depends on
 * what came before a range (`text_offset`, and a held-back character's first bytes); that is kept per
 * step as the steps are first reached, so sending an answer token by token reads each token a bounded
 * number of times rather than the whole answer before it again for every token.
 */
class ChoiceLogprobs {
  /** Per step reached: code points emitted before it (Python's len), and the last ≤3 bytes before it. */
  private readonly offsets: number[] = [0];
  private readonly tails: number[][] = [[]];
  /** Whether the text emitted so far ends in a high surrogate (a piece may split a pair). */
  private endsHigh = false;

  constructor(private readonly all: readonly SampledToken[], private readonly spec: LogprobsSpec) {}

  /** The `logprobs` object for tokens [from, to). */
  range(from: number, to: number): Record<string, unknown> {
    const slice = this.all.slice(from, to);
    if (this.spec.shape === 'content') {
      const style = this.spec.style ?? 'vllm';
      return {
        content: slice.map((t) => ({
          ...contentToken(t.bytes, t.logprob, style),
          top_logprobs: t.top.map((a) => contentToken(a.bytes, a.logprob, style)),
        })),
      };
    }
    this.reach(from);
    // An open character has at most 3 bytes, and openTail reads no further back than that.
    let before = this.tails[from] ?? [];
    let offset = this.offsets[from] ?? 0;
    const tokens: string[] = [];
    const offsets: number[] = [];
    const tops: Record<string, number>[] = [];
    for (const t of slice) {
      const spelled = spellLegacy(t.bytes, this.spec, before);
      tokens.push(spelled);
      offsets.push(offset);
      offset += [...spelled].length;
      const top: Record<string, number> = {};
      for (const a of t.top) top[spellLegacy(a.bytes, this.spec, before)] = a.logprob;
      tops.push(top);
      before = lastBytes(before, t.bytes);
    }
    return { text_offset: offsets, token_logprobs: slice.map((t) => t.logprob), tokens, top_logprobs: tops };
  }

  /** Extends the per-step prefixes up to `step` (not past the tokens). */
  private reach(step: number): void {
    for (let i = this.offsets.length; i <= Math.min(step, this.all.length); i++) {
      const t = this.all[i - 1] as SampledToken;
      let added = [...t.emits].length;
      // Joined, a low surrogate after a high one is one code point with it, not two.
      if (this.endsHigh && isLowSurrogate(t.emits.charCodeAt(0))) added--;
      if (t.emits !== '') this.endsHigh = isHighSurrogate(t.emits.charCodeAt(t.emits.length - 1));
      this.offsets.push((this.offsets[i - 1] as number) + added);
      this.tails.push(lastBytes(this.tails[i - 1] as number[], t.bytes));
    }
  }
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** The last (up to) 3 bytes of `before` followed by `bytes`. */
function lastBytes(before: readonly number[], bytes: readonly number[]): number[] {
  return [...before, ...bytes].slice(-3);
}

/** The `logprobs` object for tokens [from, to) of a choice whose tokens are `all`. */
export function logprobsObject(all: readonly SampledToken[], from: number, to: number, spec: LogprobsSpec): Record<string, unknown> {
  return new ChoiceLogprobs(all, spec).range(from, to);
}

/** The stream's probabilities for these choices' tokens: each choice's prefixes are built once. */
export function streamLogprobs(tokens: readonly (readonly SampledToken[])[], spec: LogprobsSpec): StreamLogprobs {
  const choices = tokens.map((all) => new ChoiceLogprobs(all, spec));
  const empty = new ChoiceLogprobs([], spec);
  return {
    forStep: (c, i) => (choices[c] ?? empty).range(i, i + 1),
    whole: (c, steps) => (choices[c] ?? empty).range(0, steps),
  };
}

export interface LogprobsPlan {
  /** Step texts per choice, for the stream plan. */
  pieces: string[][];
  /** The tokens behind them, per choice: what a parser must find. */
  tokens: SampledToken[][];
  logprobs: StreamLogprobs;
}

/** Everything the server needs to send `pieces` (per choice) with probabilities in `spec`'s shape. */
export function planLogprobs(pieces: readonly (readonly string[])[], spec: LogprobsSpec, splitCharacters: boolean): LogprobsPlan {
  const sampled = pieces.map((p) => sampleTokens(p, splitCharacters, spec.shape === 'legacy' && spec.spelling === 'sentencePiece'));
  const tokens = sampled.map((s, c) => s.tokens.map((t, i) => withProbabilities(t, spec, c, i)));
  return {
    pieces: sampled.map((s) => s.pieces),
    tokens,
    logprobs: streamLogprobs(tokens, spec),
  };
}
