/**
 * Chunk counts are cached by content: a key made from the chunk's length and a 53-bit hash, and an LRU map.
 * (How text is cut into chunks is in chunkSplitter.ts; reusing the previous cut of a document, chunkLayout.ts.)
 */

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
