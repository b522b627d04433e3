// One generation's token probabilities: each choice's text and `logprobs` objects, as the stream
// brought them, → one token list per choice, laid over the generated text.
//
// The list is a function of everything received so far, not of how it was cut into chunks: wire
// entries and text are only appended, each convention decodes the entries in order (bytes left open
// by one token wait for the next), and the reading and spans are worked out when asked (settled spans
// and the tokens made from them are kept, so asking again while it streams costs little). The token
// objects are shared between answers and frozen.
//
// A convention decodes only when asked: while every token came with its bytes (the content-array
// shapes), all three spell each token alike, so they would tie and the hinted one would win; only that
// one is decoded and aligned. The first token without bytes brings the others up to date.

import { TokenAligner, type Alignment, type Span } from './alignTokens';
import { ConventionDecoder, PIECE_CONVENTIONS, rawEvidence, shownText, spell, type PieceConvention } from './pieceConventions';
import { readWireEntries, type WireAlternative, type WireEntry } from './wireEntries';

/** Past this many tokens in one choice, later ones are dropped (the stream bound stops long before). */
export const MAX_TOKENS_PER_CHOICE = 100_000;
/** Choice indices at or above this are ignored (n is at most 16 anywhere). */
export const MAX_CHOICES = 64;

export interface TokenAlternative {
  /** The alternative on its own, decoded (a lone byte of a character shows as U+FFFD). */
  text: string;
  logprob: number;
  /** Its UTF-8 bytes, when known: what a reroll with it must put in the prompt. */
  bytes?: number[];
}

export interface GeneratedToken {
  /** Exactly the generated text this token contributed ('' for a byte of a character a later token completes). */
  text: string;
  /** Where `text` starts in the generated text, in UTF-16 code units. Tokens tile a prefix of the text. */
  offset: number;
  /** The token on its own, decoded, for showing (U+FFFD for a lone byte of a character). */
  token: string;
  bytes?: number[];
  /** Natural log of the probability, ≤ 0 (-Infinity when the server gave none). */
  logprob: number;
  /** Best first, at most 20. The chosen token may be missing (llama.cpp takes them before sampling). */
  top: TokenAlternative[];
  /** Bytes of a character that earlier tokens began and this one continues: a reroll cannot cut here alone. */
  carried?: number[];
}

export class ChoiceLogprobs {
  private text = '';
  private readonly wire: WireEntry[] = [];
  private readonly readings: Reading[] = PIECE_CONVENTIONS.map((c) => ({ decoder: new ConventionDecoder(c), aligner: new TokenAligner(), built: [] }));
  private cached: { entries: number; textLength: number; tokens: GeneratedToken[]; convention: PieceConvention } | undefined;
  private dropped = false;
  /** Tokens and alternatives that only a raw convention spells so (see rawEvidence). */
  private readonly evidence = { byteLevel: 0, sentencePiece: 0 };
  /** Every token so far came with its bytes, so every convention reads the stream the same way. */
  private allSpelledInBytes = true;

  /** Text the stream gave this choice (before any seam join). */
  addText(text: string): void {
    this.text += text;
  }

  /** One `logprobs` object of this choice (a chunk's, or a whole answer's). */
  addLogprobs(raw: unknown): void {
    for (const entry of readWireEntries(raw)) {
      if (this.wire.length >= MAX_TOKENS_PER_CHOICE) {
        this.dropped = true;
        return;
      }
      this.wire.push(entry);
      if (!entry.bytes) this.allSpelledInBytes = false;
      for (const token of [entry, ...entry.top]) {
        const raw = rawEvidence(token.token);
        if (raw) this.evidence[raw]++;
      }
    }
  }

  get generatedText(): string {
    return this.text;
  }

  get tokenCount(): number {
    return this.wire.length;
  }

  /** More tokens arrived than MAX_TOKENS_PER_CHOICE; the list covers the first ones. */
  get overflowed(): boolean {
    return this.dropped;
  }

  /** Which spelling of tokens fits the text best (see pieceConventions.ts). */
  get convention(): PieceConvention {
    return this.current().convention;
  }

  tokens(): readonly GeneratedToken[] {
    return this.current().tokens;
  }

  private current(): { tokens: GeneratedToken[]; convention: PieceConvention } {
    const c = this.cached;
    if (c && c.entries === this.wire.length && c.textLength === this.text.length) return c;
    // Best fit to the text; on a tie, the raw convention the token strings alone point to, if only one.
    const { byteLevel, sentencePiece } = this.evidence;
    const hinted: PieceConvention = byteLevel > 0 && sentencePiece === 0 ? 'byteLevel' : sentencePiece > 0 && byteLevel === 0 ? 'sentencePiece' : 'decoded';
    let best: { reading: Reading; alignment: Alignment } | undefined;
    for (const reading of this.readings) {
      if (this.allSpelledInBytes && reading.decoder.convention !== hinted) continue; // it would tie and lose
      const entries = reading.decoder.entries;
      for (let k = entries.length; k < this.wire.length; k++) reading.decoder.push(this.wire[k]);
      const alignment = reading.aligner.align(this.text, (k) => entries[k].adds, entries.length);
      const better = !best || alignment.matched > best.alignment.matched;
      const tieWon = best && alignment.matched === best.alignment.matched && reading.decoder.convention === hinted;
      if (better || tieWon) best = { reading, alignment };
    }
    const { reading, alignment } = best!;
    const tokens = alignment.spans.map((span, i) => this.token(reading, i, span));
    this.cached = { entries: this.wire.length, textLength: this.text.length, tokens, convention: reading.decoder.convention };
    return this.cached;
  }

  /** Token `i` as `reading` has it over `span`: the same object as last time when nothing changed. */
  private token(reading: Reading, i: number, span: Span): GeneratedToken {
    const known = reading.built[i];
    if (known && known.offset === span.start && known.text.length === span.end - span.start) return known;
    const decoded = reading.decoder.entries[i];
    const entry = this.wire[i];
    const token: GeneratedToken = {
      text: this.text.slice(span.start, span.end),
      offset: span.start,
      token: decoded.shown,
      logprob: entry.logprob,
      top: entry.top.map((alt) => alternative(alt, reading.decoder.convention)),
    };
    if (decoded.bytes) token.bytes = decoded.bytes;
    if (decoded.carriedIn.length > 0) token.carried = decoded.carriedIn;
    reading.built[i] = Object.freeze(token);
    return token;
  }
}

interface Reading {
  decoder: ConventionDecoder;
  aligner: TokenAligner;
  /** Tokens already made for this reading, by index (reused while their span holds). */
  built: GeneratedToken[];
}

function alternative(alt: WireAlternative, convention: PieceConvention): TokenAlternative {
  const spelling = spell(alt, convention);
  const out: TokenAlternative = { text: shownText(spelling, alt.token), logprob: alt.logprob };
  if (spelling && 'bytes' in spelling) out.bytes = spelling.bytes;
  return out;
}

/** Every choice of one request. Feed it the stream's text and logprobs pieces in the order they came. */
export class GenerationLogprobs {
  private readonly choices = new Map<number, ChoiceLogprobs>();
  private given = false;

  addText(index: number, text: string): void {
    this.choice(index)?.addText(text);
  }

  addLogprobs(index: number, raw: unknown): void {
    const choice = this.choice(index);
    if (!choice) return;
    const before = choice.tokenCount;
    choice.addLogprobs(raw);
    if (choice.tokenCount > before) this.given = true;
  }

  /** Some choice carried at least one token's probabilities. */
  get sawLogprobs(): boolean {
    return this.given;
  }

  /** The choice's tokens so far ([] when it had none). */
  tokens(index: number): readonly GeneratedToken[] {
    return this.choices.get(index)?.tokens() ?? [];
  }

  get(index: number): ChoiceLogprobs | undefined {
    return this.choices.get(index);
  }

  private choice(index: number): ChoiceLogprobs | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= MAX_CHOICES) return undefined;
    let choice = this.choices.get(index);
    if (!choice) this.choices.set(index, (choice = new ChoiceLogprobs()));
    return choice;
  }
}
