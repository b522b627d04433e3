// Tokens' bytes → the characters they complete. A token may end inside a UTF-8 character (an emoji
// or `é` sampled as two byte tokens): its bytes wait for the tokens that finish the character, and
// the character is counted to the token that completes it.

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** How many bytes at the end of `bytes` begin a character that is not finished yet (0–3). */
export function unfinishedTail(bytes: readonly number[]): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = (b & 0xe0) === 0xc0 ? 2 : (b & 0xf0) === 0xe0 ? 3 : (b & 0xf8) === 0xf0 ? 4 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Whole UTF-8 → text, or undefined when the bytes are not exactly whole, valid characters. */
export function decodeWhole(bytes: readonly number[]): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/** Bytes → text, an invalid sequence as U+FFFD (what servers put in their text for it). */
export function decodeLenient(bytes: readonly number[]): string {
  if (bytes.every((b) => b < 0x80)) return String.fromCharCode(...bytes); // most tokens, much faster
  return decoder.decode(Uint8Array.from(bytes));
}

export interface AssembledToken {
  /** Characters this token completed (may be ''). */
  text: string;
  /** Bytes of an unfinished character that the tokens before left open (empty when it starts clean). */
  carriedIn: number[];
}

export class Utf8Assembler {
  private carried: number[] = [];

  /** A token known by its bytes. */
  pushBytes(bytes: readonly number[]): AssembledToken {
    const carriedIn = this.carried;
    const all = carriedIn.length > 0 ? [...carriedIn, ...bytes] : [...bytes];
    const keep = unfinishedTail(all);
    this.carried = all.slice(all.length - keep);
    return { text: decodeLenient(all.slice(0, all.length - keep)), carriedIn };
  }

  /**
   * A token known only as text. Bytes left open before it cannot join text, and its server did not
   * put them in its text either (a server that spells tokens as text holds such bytes back until the
   * character is whole), so they are dropped.
   */
  pushText(text: string): AssembledToken {
    const carriedIn = this.carried;
    this.carried = [];
    return { text, carriedIn };
  }
}
