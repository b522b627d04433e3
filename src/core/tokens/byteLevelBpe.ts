/**
 * Byte-level BPE by merge rank — the tiktoken algorithm.
 *
 * Meta's reference Llama 3 tokenizer and Mistral's reference Tekken tokenizer (mistral-common) are both
 * tiktoken: split the text with a regex, map each piece to UTF-8 bytes, then repeatedly merge the adjacent
 * pair whose concatenation has the lowest rank (leftmost first on ties) until no pair is in the vocabulary.
 * Token id = rank (+ an offset for Tekken's 1000 reserved special ids).
 *
 * Qwen2's Hugging Face tokenizer is a BPE whose merges were generated from the same kind of rank table, so
 * the same algorithm reproduces it; `test/unit/tokensLocal.test.ts` checks that against the transformers.js
 * port of the real tokenizer.json.
 *
 * Byte strings are held as "binary strings": one JS char per byte (char code 0–255), the cheapest Map key.
 */

export interface ByteLevelBpeSpec {
  /** Pre-tokenizer regex, JavaScript syntax, flags `gu`. */
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
    this.run(text, (id) => out.push(id));
    return out;
  }

  count(text: string): number {
    let n = 0;
    this.run(text, () => n++);
    return n;
  }

  private run(text: string, emit: (id: number) => void): void {
    if (this.normalize && !ASCII_ONLY.test(text)) text = text.normalize(this.normalize);
    const special = this.specialRegex;
    if (!special) {
      this.runOrdinary(text, emit);
      return;
    }
    special.lastIndex = 0;
    let start = 0;
    for (let m = special.exec(text); m; m = special.exec(text)) {
      if (m.index > start) this.runOrdinary(text.slice(start, m.index), emit);
      emit(this.specials.get(m[0])!);
      start = m.index + m[0].length;
    }
    if (start < text.length) this.runOrdinary(start === 0 ? text : text.slice(start), emit);
  }

  private runOrdinary(text: string, emit: (id: number) => void): void {
    const re = this.pattern;
    re.lastIndex = 0;
    const off = this.idOffset;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const piece = m[0];
      if (piece.length === 0) {
        re.lastIndex++;
        continue;
      }
      const bytes = utf8Binary(piece);
      const direct = this.ranks.get(bytes);
      if (direct !== undefined) {
        emit(direct + off);
        continue;
      }
      let ids = this.pieceCache.get(bytes);
      if (!ids) {
        ids = this.mergePiece(bytes);
        if (this.pieceCache.size >= 50_000) this.pieceCache.clear();
        this.pieceCache.set(bytes, ids);
      }
      for (const id of ids) emit(id);
    }
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

/** tiktoken's loop: O(n²) but fastest for the short pieces prose is made of. Returns part boundaries. */
export function mergeSimple(bytes: string, ranks: Map<string, number>): number[] {
  const b: number[] = [];
  for (let i = 0; i <= bytes.length; i++) b.push(i);
  while (b.length > 2) {
    let best = Infinity;
    let at = -1;
    for (let i = 0; i + 2 < b.length; i++) {
      const r = ranks.get(bytes.slice(b[i], b[i + 2]));
      if (r !== undefined && r < best) {
        best = r;
        at = i;
      }
    }
    if (at < 0) break;
    b.splice(at + 1, 1);
  }
  return b;
}

/**
 * The same merge order as `mergeSimple` (lowest rank, leftmost on ties) in O(n log n), for long pieces
 * (runs of spaces, dashes, CJK text) where the quadratic loop would stall the worker.
 */
export function mergeWithHeap(bytes: string, ranks: Map<string, number>): number[] {
  const n = bytes.length;
  // Parts are identified by their start offset; next/prev link live parts.
  const next = new Int32Array(n + 1);
  const prev = new Int32Array(n + 1);
  const alive = new Uint8Array(n + 1);
  const pairRank = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
    alive[i] = 1;
  }
  const heap = new MinHeap();
  const rankAt = (start: number): number => {
    const mid = next[start];
    if (mid >= n) return Infinity;
    const end = next[mid];
    const r = ranks.get(bytes.slice(start, end));
    return r === undefined ? Infinity : r;
  };
  for (let i = 0; i < n - 1; i++) {
    const r = rankAt(i);
    pairRank[i] = r;
    if (r !== Infinity) heap.push(r, i);
  }
  pairRank[n - 1] = Infinity;
  while (heap.size > 0) {
    const [r, start] = heap.pop();
    if (!alive[start] || pairRank[start] !== r) continue; // stale
    // Merge part `start` with the part after it.
    const mid = next[start];
    alive[mid] = 0;
    next[start] = next[mid];
    if (next[mid] <= n) prev[next[mid]] = start;
    const nr = rankAt(start);
    pairRank[start] = nr;
    if (nr !== Infinity) heap.push(nr, start);
    const p = prev[start];
    if (p >= 0) {
      const pr = rankAt(p);
      pairRank[p] = pr;
      if (pr !== Infinity) heap.push(pr, p);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i = next[i]) out.push(i);
  out.push(n);
  return out;
}

/** Min-heap on (rank, position). */
class MinHeap {
  private readonly r: number[] = [];
  private readonly p: number[] = [];
  get size(): number {
    return this.r.length;
  }
  private less(i: number, j: number): boolean {
    return this.r[i] < this.r[j] || (this.r[i] === this.r[j] && this.p[i] < this.p[j]);
  }
  private swap(i: number, j: number): void {
    const tr = this.r[i];
    this.r[i] = this.r[j];
    this.r[j] = tr;
    const tp = this.p[i];
    this.p[i] = this.p[j];
    this.p[j] = tp;
  }
  push(rank: number, pos: number): void {
    this.r.push(rank);
    this.p.push(pos);
    let i = this.r.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.r[0], this.p[0]];
    const lastR = this.r.pop()!;
    const lastP = this.p.pop()!;
    if (this.r.length > 0) {
      this.r[0] = lastR;
      this.p[0] = lastP;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const rt = l + 1;
        let m = i;
        if (l < this.r.length && this.less(l, m)) m = l;
        if (rt < this.r.length && this.less(rt, m)) m = rt;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
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
 * Python/Rust regex syntax the pre-tokenizers use → JavaScript. `(?i:'s|'t|…)` has no JS equivalent before
 * V8 12.5, so spell the case-insensitive contractions out.
 */
export function jsPattern(source: string): RegExp {
  const fixed = source.replace(
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)",
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])",
  );
  return new RegExp(fixed, 'gu');
}
