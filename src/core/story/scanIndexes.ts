// The two indexes ScanText builds over a folded text, written as plain loops over character codes:
// lore activation builds them on every keystroke over the scanned text, and a regular expression with
// Unicode classes (and a Set of three-character strings) cost more there than all the key lookups
// together. Pure: no vscode.

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;
const MARK_CHAR = /^\p{M}$/u;
const NO_SPACE_CHAR = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]$/u;

/** 0: neither; 1: a word character (of a script written with spaces); 2: a combining mark. */
type CharClass = 0 | 1 | 2;

function classOf(code: number, cache: Map<number, CharClass>): CharClass {
  if (code < 128) {
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 ? 1 : 0;
  }
  let c = cache.get(code);
  if (c === undefined) {
    const ch = String.fromCodePoint(code);
    c = WORD_CHAR.test(ch) && !NO_SPACE_CHAR.test(ch) ? 1 : MARK_CHAR.test(ch) ? 2 : 0;
    cache.set(code, c);
  }
  return c;
}

/**
 * Every word of `text` with where it starts, as `(?:(?![no-space scripts])[\p{L}\p{N}_]\p{M}*)+` would
 * find them: letters, digits and underscores with the marks that follow them, split where a script
 * written without spaces starts.
 */
export function wordIndex(text: string): Map<string, number[]> {
  const index = new Map<string, number[]>();
  const cache = new Map<number, CharClass>();
  let start = -1;
  const end = (at: number) => {
    if (start < 0) return;
    const word = text.slice(start, at);
    const where = index.get(word);
    if (where) where.push(start);
    else index.set(word, [start]);
    start = -1;
  };
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i)!;
    const cls = classOf(code, cache);
    if (cls === 1) {
      if (start < 0) start = i;
    } else if (cls !== 2 || start < 0) end(i);
    i += code > 0xffff ? 2 : 1;
  }
  end(text.length);
  return index;
}

/**
 * The three-character pieces of a text, as bits of a hash: `mayHave` is false only when a piece is
 * certainly absent (a collision can only say "maybe"). Sized to the text so a long chapter stays sparse.
 */
export class PieceFilter {
  private readonly bits: Uint32Array;
  private readonly shift: number;

  constructor(text: string) {
    let log = 16;
    while (log < 22 && 1 << log < text.length * 16) log++;
    this.bits = new Uint32Array((1 << log) >>> 5);
    this.shift = 32 - log;
    for (let i = 0; i + 3 <= text.length; i++) {
      const h = this.hash(text.charCodeAt(i), text.charCodeAt(i + 1), text.charCodeAt(i + 2));
      this.bits[h >>> 5] |= 1 << (h & 31);
    }
  }

  private hash(a: number, b: number, c: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> this.shift;
  }

  /** False when some three-character piece of `needle` is not in the text. */
  mayHave(needle: string): boolean {
    for (let i = 0; i + 3 <= needle.length; i++) {
      const h = this.hash(needle.charCodeAt(i), needle.charCodeAt(i + 1), needle.charCodeAt(i + 2));
      if (!(this.bits[h >>> 5] & (1 << (h & 31)))) return false;
    }
    return true;
  }
}
