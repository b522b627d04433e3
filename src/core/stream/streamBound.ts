// How much text one generation may bring before Inkwell calls it a runaway. A server that ignores
// max_tokens (or a proxy that loops) would otherwise pour megabytes into the manuscript or the chat
// transcript. The bound sits well past anything max_tokens could produce, so an honest server never
// meets it: every server we know sends at most one piece per token, and no tokenizer Inkwell knows
// has a token longer than a couple of hundred characters.

/** Pieces (of any one choice) per token of max_tokens, with room for empty keep-alive pieces. */
const PIECES_PER_TOKEN = 2;
const EXTRA_PIECES = 64;
/** Characters (over all choices) per token of max_tokens. */
const CHARS_PER_TOKEN = 256;
const EXTRA_CHARS = 16_384;

export interface StreamBound {
  maxPieces: number;
  maxChars: number;
}

export function streamBound(maxTokens: number, choices?: number | null): StreamBound {
  const whole = (value: number | null | undefined) => (typeof value === 'number' && Number.isFinite(value) ? Math.max(1, Math.floor(value as number)) : 1);
  const tokens = whole(maxTokens);
  const n = whole(choices);
  return { maxPieces: tokens * PIECES_PER_TOKEN + EXTRA_PIECES, maxChars: tokens * CHARS_PER_TOKEN * n + EXTRA_CHARS };
}

/** Counts what arrives and says when the bound is passed. */
export class StreamMeter {
  private readonly pieces = new Map<number, number>();
  private chars = 0;

  constructor(private readonly bound: StreamBound) {}

  /** Records one piece; true once the stream has gone past its bound. */
  add(index: number, text: string): boolean {
    const count = (this.pieces.get(index) ?? 0) + 1;
    this.pieces.set(index, count);
    this.chars += text.length;
    return count > this.bound.maxPieces || this.chars > this.bound.maxChars;
  }
}
