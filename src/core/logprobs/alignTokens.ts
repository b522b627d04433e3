// Decoded tokens → the spans of the generated text they produced. The generated text (what the server
// streamed as text) is the truth; tokens are laid over it. A token that does not read what the text
// holds at its place gets an empty span there, and the next token that does match within a few
// characters takes up the thread; the characters skipped go to the token just before, which is
// where servers lose them: a character sampled as byte tokens that a server could only spell U+FFFD,
// a leading space a server's one-token decode dropped. So the spans always tile a prefix of the text,
// and one odd token never shifts the rest.

/** How far ahead a token may be found after one that did not match (UTF-16 code units). */
export const RESYNC_WINDOW = 16;

export interface Span {
  start: number;
  end: number;
}

export interface Alignment {
  spans: Span[];
  /** Characters matched by tokens' own text (not skipped ones): how well this reading fits. */
  matched: number;
}

/** `adds[k]`: what token k adds under one convention; null when it cannot be spelled. */
export function alignTokens(text: string, adds: readonly (string | null)[]): Alignment {
  const spans: Span[] = [];
  let at = 0;
  let matched = 0;
  for (const add of adds) {
    if (add === '' || add === null) {
      spans.push({ start: at, end: at });
      continue;
    }
    if (text.startsWith(add, at)) {
      spans.push({ start: at, end: at + add.length });
      at += add.length;
      matched += add.length;
      continue;
    }
    // Searched in a window, not the whole text: a reading that fits nowhere must stay linear.
    const ahead = text.slice(at, at + RESYNC_WINDOW + add.length).indexOf(add, 1);
    const found = at + ahead;
    if (ahead < 0) {
      spans.push({ start: at, end: at });
      continue;
    }
    const before = spans[spans.length - 1];
    if (before && before.end === at) before.end = found;
    spans.push({ start: before ? found : at, end: found + add.length });
    at = found + add.length;
    matched += add.length;
  }
  // Text after the last token, when that token read nothing it could match: it is that token's (a
  // character a server spelled U+FFFD, sampled last). After a token that matched, later text belongs
  // to tokens that have not arrived.
  const last = spans[spans.length - 1];
  if (last && last.start === last.end && last.end === at && text.length > at && text.length - at <= RESYNC_WINDOW) {
    last.end = text.length;
  }
  return { spans, matched };
}
