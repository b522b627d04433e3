/**
 * Splitting text into chunks that tokenize independently, and caching counts per chunk.
 *
 * Exactness. The sum of the chunk counts equals the count of the whole text — no difference — for all four
 * local tokenizers, because every chunk boundary is a place where none of them can join tokens across:
 *
 * - Boundaries sit right after the LAST newline of a whitespace run (`\n\n`, `\n  \n`, `\r\n\r\n`…), and never
 *   before a `/`. The Llama 3, Qwen2 and Tekken pre-tokenizer regexes end every match that contains a newline at
 *   the last newline of its whitespace run (`\s*[\r\n]+`, or punctuation followed by `[\r\n]*`), so a pre-token
 *   never spans the boundary; BPE merges never cross pre-tokens. The one exception is Tekken's
 *   ` ?[^\s\p{L}\p{N}]+[\r\n/]*`, which runs on through a `/` after the newlines — hence the `/` rule.
 *   Qwen2's NFC normalization cannot cross a newline (a starter that composes with nothing).
 * - Llama 2 (SentencePiece BPE, no pre-tokenizer): a newline is the byte token <0x0A>, which no vocabulary
 *   piece contains, so it is a wall for merges; and SentencePiece's leading-space prefix applies only to the
 *   start of the whole text — chunks after the first are counted with `atStart = false`.
 * - Paragraphs longer than `maxChunk` are cut at single line breaks (same rule), and lines longer than that
 *   before a space that follows a non-space and precedes a letter: every pre-tokenizer starts a new pre-token
 *   at such a space, and in SentencePiece `▁` only begins pieces.
 *
 * `test/unit/tokensParagraph.test.ts` checks whole-text count == sum of chunks on prose and on random text
 * for every tokenizer.
 */

export const DEFAULT_MAX_CHUNK = 4096;

const WS = /\s/;

function isNewline(c: string): boolean {
  return c === '\n' || c === '\r';
}

/**
 * Positions where the text may be cut. `minNewlines` 2 = paragraph breaks (a blank line), 1 = line breaks.
 * Scans [from, to) and returns cut offsets in that range, ascending.
 */
function cutsIn(text: string, from: number, to: number, minNewlines: number): number[] {
  const cuts: number[] = [];
  let i = from;
  while (i < to) {
    const c = text[i];
    if (!WS.test(c)) {
      i++;
      continue;
    }
    // A whitespace run [i, j).
    let j = i;
    let newlines = 0;
    let lastNl = -1;
    while (j < text.length && WS.test(text[j])) {
      if (text[j] === '\n' || (text[j] === '\r' && text[j + 1] !== '\n')) {
        newlines++;
        lastNl = j;
      }
      j++;
    }
    if (newlines >= minNewlines) {
      const cut = lastNl + 1;
      if (cut > from && cut < text.length && cut <= to && text[cut] !== '/') cuts.push(cut);
    }
    i = j;
  }
  return cuts;
}

/** Cuts before a space (preceded by a non-space, followed by a letter), for overlong lines. */
function spaceCutsIn(text: string, from: number, to: number): number[] {
  const cuts: number[] = [];
  const letter = /\p{L}/u;
  for (let i = from + 1; i < to; i++) {
    if (text[i] === ' ' && !WS.test(text[i - 1]) && i + 1 < text.length && letter.test(text[i + 1])) cuts.push(i);
  }
  return cuts;
}

/** Picks cuts from a sorted list so that pieces stay ≤ max where the cuts allow. */
function pack(start: number, end: number, cuts: number[], max: number): number[] {
  const out: number[] = [];
  let last = start;
  let prevCut = -1;
  for (const c of cuts) {
    if (c - last > max && prevCut > last) {
      out.push(prevCut);
      last = prevCut;
    }
    prevCut = c;
  }
  if (end - last > max && prevCut > last) out.push(prevCut);
  return out;
}

/**
 * Splits text into chunks whose concatenation is exactly `text`: paragraphs with their trailing blank lines,
 * long paragraphs cut further (see the file comment).
 */
export function splitChunks(text: string, maxChunk = DEFAULT_MAX_CHUNK): string[] {
  const out: string[] = [];
  const splitter = new ChunkSplitter(text, maxChunk);
  for (let c = splitter.next(); c !== undefined; c = splitter.next()) out.push(c);
  return out;
}

/** A chunk as offsets into the text. */
export interface ChunkRange {
  start: number;
  end: number;
  /**
   * One past the last character the splitter read to decide this chunk: the chunk (and every chunk before it)
   * stays the same in any text that agrees with this one on [0, examined). `text.length + 1` when the chunk
   * runs to the end of the text (then it depends on where the text ends).
   */
  examined: number;
}

/** `splitChunks` one chunk at a time, so a caller can yield to the event loop between chunks. */
export class ChunkSplitter {
  private pos: number;
  private pending: ChunkRange[] = [];
  private readonly paraRe = /(?:\r\n?|\n)[^\S\r\n]*(?:\r\n?|\n)/g;

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
    return this.pending.length ? this.pending[0].start : this.pos;
  }

  next(): string | undefined {
    const r = this.nextRange();
    return r && this.text.slice(r.start, r.end);
  }

  nextRange(): ChunkRange | undefined {
    if (this.pending.length) return this.pending.shift();
    const text = this.text;
    if (this.pos >= text.length) return undefined;
    const start = this.pos;
    const { end, examined } = this.nextParagraphEnd(start);
    this.pos = end;
    if (end - start <= this.maxChunk) return { start, end, examined };
    // Overlong paragraph: line breaks first, then spaces inside overlong lines.
    const lineCuts = pack(start, end, cutsIn(text, start, end, 1).filter((c) => c < end), this.maxChunk);
    const bounds = [start, ...lineCuts, end];
    const pieces: ChunkRange[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const a = bounds[i];
      const b = bounds[i + 1];
      if (b - a <= this.maxChunk) {
        pieces.push({ start: a, end: b, examined });
        continue;
      }
      const sb = [a, ...pack(a, b, spaceCutsIn(text, a, b), this.maxChunk), b];
      for (let k = 0; k + 1 < sb.length; k++) pieces.push({ start: sb[k], end: sb[k + 1], examined });
    }
    this.pending = pieces;
    return this.pending.shift();
  }

  /** End of the paragraph starting at `start`: the next valid paragraph cut, or the end of the text. */
  private nextParagraphEnd(start: number): { end: number; examined: number } {
    const text = this.text;
    const re = this.paraRe;
    re.lastIndex = start;
    for (;;) {
      const m = re.exec(text);
      if (!m) return { end: text.length, examined: text.length + 1 };
      // Two line breaks with only blanks between; the whitespace run may go on. Cut after its last newline.
      let j = m.index;
      let lastNl = m.index;
      while (j < text.length && WS.test(text[j])) {
        if (isNewline(text[j])) lastNl = j;
        j++;
      }
      const cut = lastNl + 1;
      if (j >= text.length) return { end: text.length, examined: text.length + 1 };
      if (text[cut] !== '/') return { end: cut, examined: j + 1 };
      re.lastIndex = j;
    }
  }
}

/** 53-bit string hash (cyrb53). Two different paragraphs colliding is ~1 in 2^53 per pair. */
export function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * Cache key for a chunk: length + hash, not the chunk itself (a slice of a 1 MB document would keep the whole
 * document string alive in V8; keys must not pin old versions of the text).
 */
export function chunkKey(chunk: string, atStart = false): string {
  return `${chunk.length}:${hash53(chunk).toString(36)}${atStart ? '^' : ''}`;
}

/** A Map with least-recently-used eviction. */
export class LruCache<V> {
  private readonly map = new Map<string, V>();

  constructor(readonly capacity = 50_000) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      // Refresh recency.
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  clear(): void {
    this.map.clear();
  }
}

// ---- incremental layout ----

/** A text's chunks, with content keys (no start-of-text flag), reusable for the next version of the text. */
export interface ChunkLayout {
  readonly text: string;
  readonly starts: number[];
  readonly ends: number[];
  readonly examined: number[];
  readonly keys: string[];
}

/** Length of the common prefix of a and b. Compares 1 KB blocks with native string equality first. */
export function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  const B = 1024;
  let i = 0;
  while (i + B <= n && a.substring(i, i + B) === b.substring(i, i + B)) i += B;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common suffix of a and b, at most `max`. */
export function commonSuffixLength(a: string, b: string, max: number): number {
  const n = Math.min(a.length, b.length, max);
  const B = 1024;
  let i = 0;
  while (i + B <= n && a.substring(a.length - i - B, a.length - i) === b.substring(b.length - i - B, b.length - i)) i += B;
  while (i < n && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/**
 * Splits `text` into chunks, reusing `prev` (the layout of an earlier version of the text) for the unchanged
 * start and end: only the edited region is re-split and re-hashed. Calls `tick()` after each new chunk so the
 * caller can yield. The result's chunks are valid cuts (exact sums) even where they differ from a fresh split.
 */
export async function layoutChunks(
  text: string,
  prev: ChunkLayout | undefined,
  tick: () => Promise<void> | void,
  maxChunk = DEFAULT_MAX_CHUNK,
): Promise<ChunkLayout & { reused: number }> {
  if (prev && prev.text === text) return { ...prev, reused: prev.starts.length };
  const out = { text, starts: [] as number[], ends: [] as number[], examined: [] as number[], keys: [] as string[], reused: 0 };
  let pos = 0;
  let delta = 0;
  let suffixStart = Infinity;
  if (prev) {
    const P = commonPrefixLength(prev.text, text);
    const S = commonSuffixLength(prev.text, text, Math.min(prev.text.length, text.length) - P);
    delta = text.length - prev.text.length;
    suffixStart = text.length - S;
    let k = 0;
    while (k < prev.starts.length && prev.examined[k] <= P) {
      out.starts.push(prev.starts[k]);
      out.ends.push(prev.ends[k]);
      out.examined.push(prev.examined[k]);
      out.keys.push(prev.keys[k]);
      k++;
    }
    out.reused = k;
    if (k > 0) pos = prev.ends[k - 1];
  }
  const splitter = new ChunkSplitter(text, maxChunk, pos);
  for (let r = splitter.nextRange(); r; r = splitter.nextRange()) {
    if (prev && r.start >= suffixStart) {
      // From here on the text is the old text shifted by delta: reuse the old chunks if one starts here.
      const oi = binarySearch(prev.starts, r.start - delta);
      if (oi >= 0) {
        for (let k = oi; k < prev.starts.length; k++) {
          out.starts.push(prev.starts[k] + delta);
          out.ends.push(prev.ends[k] + delta);
          out.examined.push(prev.examined[k] + delta);
          out.keys.push(prev.keys[k]);
          out.reused++;
        }
        break;
      }
    }
    out.starts.push(r.start);
    out.ends.push(r.end);
    out.examined.push(r.examined);
    out.keys.push(chunkKey(text.slice(r.start, r.end)));
    await tick();
  }
  return out;
}

function binarySearch(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] === x) return mid;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
