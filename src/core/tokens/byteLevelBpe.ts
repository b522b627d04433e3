/**
 * Byte-level BPE by merge rank — the tiktoken algorithm.
 *
 * Meta's reference Llama 3 tokenizer and Mistral's reference Tekken tokenizer (mistral-common) are both
 * tiktoken: split the text with a regex, map each piece to UTF-8 bytes, then repeatedly merge the adjacent
 * pair whose concatenation has the lowest rank (leftmost first on ties) until no pair is in the vocabulary.
 * Token id = rank (+ an offset for Tekken's 1000 reserved special ids).
 *
 * Qwen2's Hugging Face tokenizer is a BPE whose merges were generated from the same kind of rank table, so
 * the same algorithm reproduces it; `test/unit/tokensReference.test.ts` checks all three against the Rust
 * implementations (tiktoken, Hugging Face tokenizers).
 *
 * Byte strings are held as "binary strings": one JS char per byte (char code 0–255), the cheapest Map key.
 */
import { mergeSimple, mergeWithHeap } from './bpeMerge';

export interface ByteLevelBpeSpec {
  /** Pre-tokenizer regex, JavaScript syntax, flags `gu` (see `jsPattern`). */
  pattern: RegExp;
  /** Binary-string token bytes → rank. */
  ranks: Map<string, number>;
  /** Added to every rank to give the token id (Tekken: 1000). */
  idOffset?: number;
  /** Text that maps straight to one id before the regex runs (Qwen2's `<|im_start|>`…). */
  specialTokens?: ReadonlyMap<string, number>;
  /** Unicode normalization applied first (Qwen2: NFC). */
  normalize?: 'NFC';
}

/**
 * A pre-token longer than this many characters is merged in pieces of this size: one pre-token of megabytes
 * (a line of a single repeated character, CJK text with no punctuation) would otherwise need hundreds of MB for
 * its merge. Such a cut can change the count by a few tokens (`tokensLongText.test.ts` measures it); it never
 * happens in prose, and a count that needed one is reported as not exact.
 */
export const MAX_PIECE_CHARS = 8192;
/** Roughly this much text is encoded between two pauses of `steps()`. */
const STEP_CHARS = 16_384;
/** Only short pieces are cached: long ones rarely repeat and would pin memory. */
const CACHED_PIECE_BYTES = 256;

/** What `steps()` found, once it is done. */
export interface StepsResult {
  /** Cuts that were not pre-token boundaries (see MAX_PIECE_CHARS). */
  forcedCuts: number;
}

const ASCII_ONLY = /^\p{ASCII}*$/u;

/** One char per UTF-8 byte. */
export function utf8Binary(s: string): string {
  if (ASCII_ONLY.test(s)) return s;
  const bytes = textEncoder.encode(s);
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return out;
}
const textEncoder = new TextEncoder();

function escapeRegex(s: string): string {
  return s.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&');
}

/** Index ≤ `at` that does not split a surrogate pair. */
export function codePointBoundary(text: string, at: number): number {
  if (at <= 0 || at >= text.length) return at;
  const c = text.charCodeAt(at);
  return c >= 0xdc00 && c <= 0xdfff ? at - 1 : at;
}

export class ByteLevelBpe {
  private readonly pattern: RegExp;
  private readonly ranks: Map<string, number>;
  private readonly idOffset: number;
  private readonly specials: ReadonlyMap<string, number>;
  private readonly specialRegex: RegExp | undefined;
  private readonly normalize: 'NFC' | undefined;
  /** Pieces that needed merging → their ids; pieces repeat a lot in prose. Cleared when full. */
  private readonly pieceCache = new Map<string, number[]>();

  constructor(spec: ByteLevelBpeSpec) {
    this.pattern = new RegExp(spec.pattern.source, 'gu');
    this.ranks = spec.ranks;
    this.idOffset = spec.idOffset ?? 0;
    this.specials = spec.specialTokens ?? new Map();
    this.specialRegex =
      this.specials.size > 0
        ? new RegExp([...this.specials.keys()].sort((a, b) => b.length - a.length).map(escapeRegex).join('|'), 'g')
        : undefined;
    this.normalize = spec.normalize;
  }

  get vocabSize(): number {
    return this.ranks.size + this.specials.size;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    drain(this.steps(text, (id) => out.push(id)));
    return out;
  }

  count(text: string): number {
    let n = 0;
    drain(this.steps(text, () => n++));
    return n;
  }

  /**
   * Encodes `text`, calling `emit` for each id, and pauses (yields) every STEP_CHARS or so, so a caller can
   * see new messages (a cancellation) while a long text is encoded.
   */
  *steps(text: string, emit: (id: number) => void): Generator<void, StepsResult> {
    if (this.normalize && !ASCII_ONLY.test(text)) text = text.normalize(this.normalize);
    const result: StepsResult = { forcedCuts: 0 };
    const special = this.specialRegex;
    if (!special) {
      yield* this.ordinary(text, emit, result);
      return result;
    }
    special.lastIndex = 0;
    let start = 0;
    for (let m = special.exec(text); m; m = special.exec(text)) {
      const at = m.index;
      const next = at + m[0].length;
      if (at > start) yield* this.ordinary(text.slice(start, at), emit, result);
      emit(this.specials.get(m[0])!);
      start = next;
      special.lastIndex = next;
    }
    if (start < text.length) yield* this.ordinary(start === 0 ? text : text.slice(start), emit, result);
    return result;
  }

  private *ordinary(text: string, emit: (id: number) => void, result: StepsResult): Generator<void> {
    // A regex per call: a paused generator must not share lastIndex with another one.
    const re = new RegExp(this.pattern);
    let sincePause = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const piece = m[0];
      if (piece.length === 0) {
        re.lastIndex++;
        continue;
      }
      if (piece.length <= MAX_PIECE_CHARS) {
        this.emitPiece(piece, emit);
      } else {
        for (let a = 0; a < piece.length; ) {
          const b = a + MAX_PIECE_CHARS >= piece.length ? piece.length : codePointBoundary(piece, a + MAX_PIECE_CHARS);
          if (a > 0) result.forcedCuts++;
          this.emitPiece(piece.slice(a, b), emit);
          a = b;
        }
      }
      sincePause += piece.length;
      if (sincePause >= STEP_CHARS) {
        sincePause = 0;
        yield;
      }
    }
  }

  private emitPiece(piece: string, emit: (id: number) => void): void {
    const bytes = utf8Binary(piece);
    const direct = this.ranks.get(bytes);
    if (direct !== undefined) {
      emit(direct + this.idOffset);
      return;
    }
    let ids = this.pieceCache.get(bytes);
    if (!ids) {
      ids = this.mergePiece(bytes);
      if (bytes.length <= CACHED_PIECE_BYTES) {
        if (this.pieceCache.size >= 50_000) this.pieceCache.clear();
        this.pieceCache.set(bytes, ids);
      }
    }
    for (const id of ids) emit(id);
  }

  /** Ids for one pre-token that is not itself a token. */
  mergePiece(bytes: string): number[] {
    const bounds = bytes.length <= 64 ? mergeSimple(bytes, this.ranks) : mergeWithHeap(bytes, this.ranks);
    const out: number[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const rank = this.ranks.get(bytes.slice(bounds[i], bounds[i + 1]));
      // Every single byte is in a byte-level vocabulary; a miss means the rank table is incomplete.
      if (rank === undefined) throw new Error(`byte sequence not in vocabulary: ${JSON.stringify(bytes.slice(bounds[i], bounds[i + 1]))}`);
      out.push(rank + this.idOffset);
    }
    return out;
  }
}

/** Runs a generator to its end; returns what it returned. */
export function drain<R>(g: Generator<void, R>): R {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** GPT-2's reversible byte → printable-char map, used by Hugging Face byte-level vocabularies ("Ġ" = space). */
export function byteLevelUnicodeToByte(): Map<string, number> {
  const bs: number[] = [];
  for (let i = 33; i <= 126; i++) bs.push(i);
  for (let i = 161; i <= 172; i++) bs.push(i);
  for (let i = 174; i <= 255; i++) bs.push(i);
  const cs = bs.slice();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + extra++);
    }
  }
  const map = new Map<string, number>();
  bs.forEach((b, i) => map.set(String.fromCharCode(cs[i]), b));
  return map;
}

/** Hugging Face byte-level vocab entry ("Ġworld") → binary string (" world"); undefined if not byte-level. */
export function hfByteLevelToBinary(token: string, u2b: Map<string, number>): string | undefined {
  let out = '';
  for (const ch of token) {
    const b = u2b.get(ch);
    if (b === undefined) return undefined;
    out += String.fromCharCode(b);
  }
  return out;
}

/**
 * `\s` and `\S` as the models' tokenizers mean them. The Rust regex engines behind tiktoken and Hugging Face
 * tokenizers take `\s` to be Unicode White_Space; JavaScript's `\s` differs from it in two characters: it
 * includes U+FEFF (a byte order mark, not White_Space) and leaves out U+0085 (NEL, which is). Works inside and
 * outside character classes (`[^\s\p{L}]` → `[^\p{White_Space}\p{L}]`); needs the `u` flag.
 */
export function unicodeWhiteSpace(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c !== '\\' || i + 1 >= source.length) {
      out += c;
      continue;
    }
    const n = source[++i];
    out += n === 's' ? '\\p{White_Space}' : n === 'S' ? '\\P{White_Space}' : `\\${n}`;
  }
  return out;
}

/**
 * Python/Rust regex syntax the pre-tokenizers use → JavaScript. `(?i:'s|'t|…)` has no JS equivalent before
 * V8 12.5, so spell the case-insensitive contractions out; `\s` becomes Unicode White_Space.
 */
export function jsPattern(source: string): RegExp {
  const fixed = source.replace(
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)",
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])",
  );
  return new RegExp(unicodeWhiteSpace(fixed), 'gu');
}
