/**
 * A document's chunks, kept from one count to the next: after an edit only the edited region is re-split and
 * re-hashed, and every step (comparing old and new text, splitting) is small enough to yield between.
 */
import { ChunkSplitter, DEFAULT_MAX_CHUNK } from './chunkSplitter';
import { chunkKey } from './paragraphCache';

/** A text's chunks, with content keys (no start-of-text flag), reusable for the next version of the text. */
export interface ChunkLayout {
  readonly text: string;
  readonly starts: number[];
  readonly ends: number[];
  readonly examined: number[];
  readonly keys: string[];
  /** Chunk i ends at a forced (inexact) cut. */
  readonly forced: boolean[];
}

/** Characters compared between two calls of `tick` when looking for what an edit left alone. */
const COMPARE_STEP = 1 << 18;

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

async function prefixInSteps(a: string, b: string, tick: () => Promise<void> | void): Promise<number> {
  const n = Math.min(a.length, b.length);
  for (let off = 0; ; off += COMPARE_STEP) {
    const w = Math.min(COMPARE_STEP, n - off);
    const same = commonPrefixLength(a.substring(off, off + w), b.substring(off, off + w));
    if (same < w || off + w >= n) return off + same;
    await tick();
  }
}

async function suffixInSteps(a: string, b: string, max: number, tick: () => Promise<void> | void): Promise<number> {
  const n = Math.min(a.length, b.length, max);
  for (let off = 0; ; off += COMPARE_STEP) {
    const w = Math.min(COMPARE_STEP, n - off);
    const same = commonSuffixLength(a.substring(0, a.length - off), b.substring(0, b.length - off), w);
    if (same < w || off + w >= n) return off + same;
    await tick();
  }
}

/**
 * Splits `text` into chunks, reusing `prev` (the layout of an earlier version of the text) for the unchanged
 * start and end. Calls `tick()` between steps so the caller can yield. The result's chunks are valid cuts (exact
 * sums) even where they differ from a fresh split.
 */
export async function layoutChunks(
  text: string,
  prev: ChunkLayout | undefined,
  tick: () => Promise<void> | void,
  maxChunk = DEFAULT_MAX_CHUNK,
): Promise<ChunkLayout & { reused: number }> {
  if (prev && prev.text === text) return { ...prev, reused: prev.starts.length };
  const out = { text, starts: [] as number[], ends: [] as number[], examined: [] as number[], keys: [] as string[], forced: [] as boolean[], reused: 0 };
  const take = (from: ChunkLayout, k: number, delta: number) => {
    out.starts.push(from.starts[k] + delta);
    out.ends.push(from.ends[k] + delta);
    out.examined.push(from.examined[k] + delta);
    out.keys.push(from.keys[k]);
    out.forced.push(from.forced[k]);
    out.reused++;
  };
  let pos = 0;
  let delta = 0;
  let suffixStart = Infinity;
  if (prev) {
    const P = await prefixInSteps(prev.text, text, tick);
    const S = await suffixInSteps(prev.text, text, Math.min(prev.text.length, text.length) - P, tick);
    delta = text.length - prev.text.length;
    suffixStart = text.length - S;
    let k = 0;
    while (k < prev.starts.length && prev.examined[k] <= P) take(prev, k++, 0);
    if (k > 0) pos = prev.ends[k - 1];
  }
  const splitter = new ChunkSplitter(text, maxChunk, pos);
  for (let r = splitter.nextRange(); r; r = splitter.nextRange()) {
    if (prev && r.start >= suffixStart) {
      // From here on the text is the old text shifted by delta: reuse the old chunks if one starts here.
      const oi = binarySearch(prev.starts, r.start - delta);
      if (oi >= 0) {
        for (let k = oi; k < prev.starts.length; k++) take(prev, k, delta);
        break;
      }
    }
    out.starts.push(r.start);
    out.ends.push(r.end);
    out.examined.push(r.examined);
    out.keys.push(chunkKey(text.slice(r.start, r.end)));
    out.forced.push(r.forced);
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
