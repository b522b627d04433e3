// A token as a server names it in its probabilities → the bytes it stands for.
//
// Servers name tokens three ways: as decoded text, or as the tokenizer's raw vocabulary piece. Raw
// pieces come in two published conventions, and a few servers escape bytes that are not whole UTF-8:
// - byte-level BPE (GPT-2, Llama 3, Qwen): every byte is one printable character, by GPT-2's
//   `bytes_to_unicode` (openai/gpt-2 src/encoder.py): the printable bytes `!`–`~`, `¡`–`¬`, `®`–`ÿ`
//   stand for themselves; the other 68 bytes, in byte order, become U+0100, U+0101, … (so a space
//   is `Ġ`, a newline `Ċ`).
// - SentencePiece (Llama 2, Mistral): a space is `▁` (U+2581), and with byte fallback a byte with no
//   piece of its own is the piece `<0xNN>` (`ByteToPiece`: "<0x%02X>", upper-case hex).
// - OpenAI's legacy completions name a token that is not whole UTF-8 `bytes:\xe2\x80`; DeepSeek sends
//   the same escapes without the prefix.

/** Character code (all are below U+0144) → byte. */
const BYTE_LEVEL_DECODE: readonly (number | undefined)[] = (() => {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const table: (number | undefined)[] = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) table[printable(b) ? b : 256 + shifted++] = b;
  return table;
})();

/** Bytes of a byte-level BPE piece, or undefined when a character is outside the table (so it was not one). */
export function byteLevelPieceBytes(piece: string): number[] | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < piece.length; i++) {
    const b = BYTE_LEVEL_DECODE[piece.charCodeAt(i)];
    if (b === undefined) return undefined;
    bytes.push(b);
  }
  return bytes;
}

const SENTENCE_PIECE_BYTE = /^<0x([0-9A-Fa-f]{2})>$/;
const SENTENCE_PIECE_SPACE = /\u2581/g;

/** Bytes of a SentencePiece piece: `<0xNN>` is that byte; otherwise the text with `▁` as a space. */
export function sentencePieceBytes(piece: string): number[] {
  const byte = SENTENCE_PIECE_BYTE.exec(piece);
  if (byte) return [parseInt(byte[1], 16)];
  return utf8Bytes(piece.replace(SENTENCE_PIECE_SPACE, ' '));
}

const ESCAPED = /^(bytes:)?((?:\\x[0-9A-Fa-f]{2})+)$/;

/**
 * Bytes of an escaped token (`bytes:\xe2\x80`, or DeepSeek's `\xf0\x9f\x8c`), else undefined.
 * Without the `bytes:` prefix only escapes of non-ASCII bytes count: a real token could spell `\x41`.
 */
export function escapedBytes(token: string): number[] | undefined {
  const m = ESCAPED.exec(token);
  if (!m) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < m[2].length; i += 4) bytes.push(parseInt(m[2].slice(i + 2, i + 4), 16));
  if (!m[1] && bytes.some((b) => b < 0x80)) return undefined;
  return bytes;
}

/** vLLM's `return_tokens_as_token_ids`: `token_id:123`, a token we cannot spell. */
export function isTokenIdPlaceholder(token: string): boolean {
  return /^token_id:\d+$/.test(token);
}

const encoder = new TextEncoder();

export function utf8Bytes(text: string): number[] {
  return Array.from(encoder.encode(text));
}
