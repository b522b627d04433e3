/**
 * Splitting text into chunks that tokenize independently, so counts can be cached per chunk.
 *
 * Exactness. The sum of the chunk counts equals the count of the whole text for all four local tokenizers,
 * because every cut is at a place where none of them joins tokens across:
 *
 * - A line cut sits right after the LAST newline of a whitespace run (`\n`, `\n\n`, `\n  \n`, `\r\n`…), never
 *   before a `/`. The Llama 3, Qwen2 and Tekken pre-tokenizer regexes end every match that contains a newline at
 *   the last newline of its whitespace run (`\s*[\r\n]+`, or punctuation followed by `[\r\n]*`), so a pre-token
 *   never spans the cut; BPE merges never cross pre-tokens. The one exception is Tekken's
 *   ` ?[^\s\p{L}\p{N}]+[\r\n/]*`, which runs on through a `/` after the newlines — hence the `/` rule. Whitespace
 *   here is Unicode White_Space, as the regexes mean it. Qwen2's NFC cannot cross a newline.
 * - A space cut sits before a lone space that follows a non-space and precedes a letter: every pre-tokenizer
 *   starts a new pre-token there.
 * - Llama 2 (SentencePiece BPE, no pre-tokenizer): no vocabulary piece has a newline (it is the byte token
 *   <0x0A>) or a character other than `▁` before a `▁`, so no merge crosses either kind of cut; and its
 *   leading-space prefix applies only to the start of the whole text — later chunks are counted with
 *   `atStart = false`.
 *
 * Which cuts. The splitter looks at most `maxChunk` characters ahead for a line cut. Cuts are chosen by the
 * text around them, not by their distance from the chunk's start, so that after an edit the chunks realign
 * with the old ones right after the edited region: a paragraph break is always taken, a single line break when
 * a hash of the few characters before it says so (one in four). Without either, the last line cut in reach;
 * without line cuts, a hashed space cut, else the last one. Text with no cut at all within `maxChunk` (CJK without
 * line breaks) runs on to the first cut after it, up to MAX_CHUNK_HARD characters; failing that the text is cut
 * anyway (`forced`) at a hashed place past `maxChunk`, which may change the count by a token or two, and the count
 * says it is not exact.
 *
 * Every step reads a bounded stretch of text, so a caller can yield between chunks whatever the document's
 * shape. `test/unit/tokensParagraph.test.ts` checks whole-text count == sum of chunks for every tokenizer.
 */

export const DEFAULT_MAX_CHUNK = 4096;
/** No chunk is longer; a stretch this long with no safe cut is cut anyway. */
export const MAX_CHUNK_HARD = 65_536;

/** A chunk as offsets into the text. */
export interface ChunkRange {
  start: number;
  end: number;
  /**
   * One past the last character the splitter read to decide this chunk: the chunk stays the same in any text
   * that agrees with this one on [start, examined). `text.length + 1` when the chunk depends on where the text ends.
   */
  examined: number;
  /** The cut at `end` is not a safe place (see the file comment): counts across it are approximate. */
  forced: boolean;
}

/** Unicode White_Space, by char code (the set the tokenizers' `\s` means). */
export function isWhiteSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0x85) return false;
  return (
    c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

const LETTER = /\p{L}/u;

function isLetterAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return LETTER.test(String.fromCodePoint(text.codePointAt(i) ?? c));
}

/** FNV-1a of text[from, to) & mask === 0: a choice made by content alone. */
function hashPicks(text: string, from: number, to: number, mask: number): boolean {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return ((h >>> 0) & mask) === 0;
}

const HASHED_CHARS = 8;
/** One single line break in four becomes a cut; one lone-space cut in 128. */
const LINE_MASK = 3;
const SPACE_MASK = 127;
/** A forced cut about every 4096 characters past `maxChunk`. */
const FORCED_MASK = 4095;

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Splits text into chunks whose concatenation is exactly `text` (see the file comment). */
export function splitChunks(text: string, maxChunk = DEFAULT_MAX_CHUNK): string[] {
  const out: string[] = [];
  const splitter = new ChunkSplitter(text, maxChunk);
  for (let r = splitter.nextRange(); r; r = splitter.nextRange()) out.push(text.slice(r.start, r.end));
  return out;
}

/** `splitChunks` one chunk at a time, so a caller can yield to the event loop between chunks. */
export class ChunkSplitter {
  private pos: number;

  /** `from` must be a chunk start (0, or the end of a chunk this splitter would produce). */
  constructor(
    private readonly text: string,
    private readonly maxChunk = DEFAULT_MAX_CHUNK,
    from = 0,
  ) {
    this.pos = from;
  }

  /** Offset of the next chunk's start. */
  get offset(): number {
    return this.pos;
  }

  next(): string | undefined {
    const r = this.nextRange();
    return r && this.text.slice(r.start, r.end);
  }

  nextRange(): ChunkRange | undefined {
    const text = this.text;
    const len = text.length;
    const start = this.pos;
    if (start >= len) return undefined;
    const reach = start + Math.max(1, this.maxChunk);
    const hardEnd = Math.min(len, start + Math.max(this.maxChunk, MAX_CHUNK_HARD));
    let lastLine = -1;
    let pickedSpace = -1;
    let lastSpace = -1;
    const done = (end: number, readTo: number, forced = false): ChunkRange => {
      this.pos = end;
      return { start, end, examined: readTo >= len ? len + 1 : readTo + 1, forced };
    };
    let i = start;
    while (i < hardEnd) {
      if (i > reach) {
        // Past reach: take the best cut seen, else the first one that comes.
        if (lastLine > 0) return done(lastLine, i);
        if (pickedSpace > 0) return done(pickedSpace, i);
        if (lastSpace > 0) return done(lastSpace, i);
      }
      if (!isWhiteSpace(text.charCodeAt(i))) {
        i++;
        continue;
      }
      // A whitespace run [i, j).
      let j = i;
      let newlines = 0;
      let lastNl = -1;
      while (j < hardEnd && isWhiteSpace(text.charCodeAt(j))) {
        const c = text.charCodeAt(j);
        if (c === 10 || (c === 13 && text.charCodeAt(j + 1) !== 10)) {
          newlines++;
          lastNl = j;
        }
        j++;
      }
      if (j >= hardEnd && j < len) break; // the run goes on past what one chunk may hold
      if (newlines > 0) {
        const cut = lastNl + 1;
        if (cut > start && cut < len && text.charCodeAt(cut) !== 47 /* / */) {
          if (cut > reach) return done(cut, j);
          if (newlines >= 2 || hashPicks(text, Math.max(start, i - HASHED_CHARS), i, LINE_MASK)) return done(cut, j);
          lastLine = cut;
        }
      } else if (j === i + 1 && text.charCodeAt(i) === 32 && i > start && j < len && isLetterAt(text, j)) {
        if (i > reach) return done(i, j + 1);
        if (pickedSpace < 0 && hashPicks(text, Math.max(start, i - HASHED_CHARS), i, SPACE_MASK)) pickedSpace = i;
        lastSpace = i;
      }
      i = j;
    }
    if (hardEnd >= len) return done(len, len);
    if (lastLine > 0) return done(lastLine, hardEnd);
    if (pickedSpace > 0) return done(pickedSpace, hardEnd);
    if (lastSpace > 0) return done(lastSpace, hardEnd);
    return done(this.forcedCut(start, hardEnd), hardEnd, true);
  }

  /**
   * Where to cut a stretch with no safe cut: the first place past `maxChunk` that the few characters before it
   * pick (about one in FORCED_MASK + 1), never inside a surrogate pair. Chosen by content, like the other cuts, so
   * that after an edit the chunks of a long unbroken stretch still line up with the old ones.
   */
  private forcedCut(start: number, hardEnd: number): number {
    const text = this.text;
    for (let p = start + Math.max(HASHED_CHARS, this.maxChunk); p < hardEnd; p++) {
      if (isLowSurrogate(text.charCodeAt(p))) continue;
      if (hashPicks(text, p - HASHED_CHARS, p, FORCED_MASK)) return p;
    }
    return isLowSurrogate(text.charCodeAt(hardEnd)) ? hardEnd - 1 : hardEnd;
  }
}
