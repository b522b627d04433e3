// Decoded tokens → the spans of the generated text they produced. The generated text (what the server
// streamed as text) is the truth; tokens are laid over it. A token that does not read what the text
// holds at its place gets an empty span there, and the next token that does match within a few
// characters takes up the thread; the characters skipped go to the token just before, which is
// where servers lose them: a character sampled as byte tokens that a server could only spell U+FFFD,
// a leading space a server's one-token decode dropped. So the spans always tile a prefix of the text,
// and one odd token never shifts the rest.
//
// Incremental: a token's span is settled once the text is long enough that more text cannot change
// it, and settled spans are never worked out again, so reading the list while it streams stays cheap.
// The answer is the same as aligning everything at once (the tests hold it to that).

/** How far ahead a token may be found after one that did not match (UTF-16 code units). */
export const RESYNC_WINDOW = 16;
/**
 * A run of tokens that read only U+FFFD (lone bytes a server could not spell) widens the window by one
 * unit a token: a byte stands for at most one UTF-16 unit of its character, and a long run of astral
 * characters sampled byte by byte must not lose the thread. Bounded, so a reading that fits nowhere
 * stays linear.
 */
export const MAX_BYTE_RUN_SLACK = 1024;
const ONLY_REPLACEMENT = /^\uFFFD+$/;

export interface Span {
  start: number;
  end: number;
}

export interface Alignment {
  spans: Span[];
  /** Characters matched by tokens' own text (not skipped ones): how well this reading fits. */
  matched: number;
}

/** `add(k)`: what token k adds under one convention; null when it cannot be spelled. */
export type TokenAdds = (k: number) => string | null;

interface State {
  spans: Span[];
  at: number;
  matched: number;
  /** Extra window from the U+FFFD tokens since the last token that matched. */
  slack: number;
}

/**
 * Places token `k` at `s.at`. Returns false, leaving `s` untouched, when `settledOnly` and the text
 * is too short to know the answer for good.
 */
function place(s: State, text: string, add: string | null, settledOnly: boolean): boolean {
  const { at } = s;
  if (add === '' || add === null) {
    s.spans.push({ start: at, end: at });
    return true;
  }
  if (text.startsWith(add, at)) {
    s.spans.push({ start: at, end: at + add.length });
    s.at = at + add.length;
    s.matched += add.length;
    s.slack = 0;
    return true;
  }
  const window = RESYNC_WINDOW + s.slack + add.length;
  if (settledOnly && text.length < at + window) return false;
  // Searched in a window, not the whole text: a reading that fits nowhere must stay linear.
  const ahead = text.slice(at, at + window).indexOf(add, 1);
  if (ahead < 0) {
    s.spans.push({ start: at, end: at });
    if (ONLY_REPLACEMENT.test(add)) s.slack = Math.min(MAX_BYTE_RUN_SLACK, s.slack + add.length);
    return true;
  }
  const found = at + ahead;
  const before = s.spans[s.spans.length - 1];
  if (before) s.spans[s.spans.length - 1] = { start: before.start, end: found };
  s.spans.push({ start: before ? found : at, end: found + add.length });
  s.at = found + add.length;
  s.matched += add.length;
  s.slack = 0;
  return true;
}

export class TokenAligner {
  private readonly settled: State = { spans: [], at: 0, matched: 0, slack: 0 };

  /** The spans of the first `count` tokens over `text` (which only ever grows between calls). */
  align(text: string, add: TokenAdds, count: number): Alignment {
    const s = this.settled;
    while (s.spans.length < count && place(s, text, add(s.spans.length), true));
    const open: State = { spans: s.spans.slice(), at: s.at, matched: s.matched, slack: s.slack };
    for (let k = open.spans.length; k < count; k++) place(open, text, add(k), false);
    // Text after the last token, when that token read nothing it could match: it is that token's (a
    // character a server spelled U+FFFD, sampled last). After a token that matched, later text belongs
    // to tokens that have not arrived.
    const last = open.spans[open.spans.length - 1];
    if (last && last.start === last.end && last.end === open.at && text.length > open.at && text.length - open.at <= RESYNC_WINDOW + open.slack) {
      open.spans[open.spans.length - 1] = { start: last.start, end: text.length };
    }
    return { spans: open.spans, matched: open.matched };
  }
}

/** All at once. */
export function alignTokens(text: string, adds: readonly (string | null)[]): Alignment {
  return new TokenAligner().align(text, (k) => adds[k], adds.length);
}
