/**
 * The merge step of byte-level BPE for one pre-token: repeatedly join the adjacent pair with the lowest rank
 * (leftmost on ties) while the join is in the vocabulary. Parts are returned as boundaries into the byte string.
 */

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
