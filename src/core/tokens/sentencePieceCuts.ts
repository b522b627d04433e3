/**
 * Where a SentencePiece BPE text (Llama 2) may be cut without changing its tokens.
 *
 * Every symbol BPE ever builds is a vocabulary piece, so if no piece holds the two characters either side of a
 * position next to each other, no merge can cross that position: the two sides are encoded independently and
 * their tokens concatenate to the tokens of the whole. In Llama 2's vocabulary no piece has a character other
 * than `▁` before a `▁`, nor a letter before punctuation, so such places are everywhere in prose.
 *
 * Used to count a long text in pieces (bounded memory, pauses for cancellation). Where no such place exists
 * for `max` characters (a line of one repeated letter, say) the text is cut anyway, and the count says so.
 */
import { codePointBoundary } from './byteLevelBpe';

export interface Segment {
  start: number;
  end: number;
  /** The cut at `start` is not a safe place (see the file comment). */
  forced: boolean;
}

/** The character (code point) that ends just before `at`. */
function charBefore(text: string, at: number): string {
  const c = text.charCodeAt(at - 1);
  return c >= 0xdc00 && c <= 0xdfff && at >= 2 ? text.slice(at - 2, at) : text[at - 1];
}

function charAt(text: string, at: number): string {
  const c = text.charCodeAt(at);
  return c >= 0xd800 && c <= 0xdbff && at + 1 < text.length ? text.slice(at, at + 2) : text[at];
}

export class SafePairCuts {
  private readonly pairs = new Set<string>();

  /** `pieces`: the vocabulary as text, spaces spelled `space`; byte and control pieces (`<0x0A>`, `<s>`) skipped. */
  constructor(
    pieces: readonly string[],
    private readonly space = '▁',
  ) {
    for (const p of pieces) {
      if (/^<.*>$/.test(p)) continue;
      const cs = [...p];
      for (let i = 0; i + 1 < cs.length; i++) this.pairs.add(cs[i] + cs[i + 1]);
    }
  }

  /** Whether the text may be cut at `at` (0 < at < length). */
  isSafe(text: string, at: number): boolean {
    if (codePointBoundary(text, at) !== at) return false;
    const a = charBefore(text, at);
    const b = charAt(text, at);
    return !this.pairs.has((a === ' ' ? this.space : a) + (b === ' ' ? this.space : b));
  }

  /** Pieces of about `target` characters, never over `max`, cut at safe places where there are any. */
  *segments(text: string, target: number, max: number): Generator<Segment> {
    let start = 0;
    let forced = false;
    while (text.length - start > max) {
      let cut = -1;
      for (let at = start + target; at < start + max; at++) {
        if (this.isSafe(text, at)) {
          cut = at;
          break;
        }
      }
      const nextForced = cut < 0;
      if (nextForced) cut = codePointBoundary(text, start + max);
      yield { start, end: cut, forced };
      start = cut;
      forced = nextForced;
    }
    yield { start, end: text.length, forced };
  }
}
