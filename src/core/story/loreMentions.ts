// Lore names in the manuscript, for the editor's hover, Go to Definition, Find All References and the
// lore file's mention count. One rule decides which entry a stretch of text belongs to everywhere: the
// longest key that covers it, so what a hover shows and what References lists agree. Only primary keys
// count (secondary keys refine an entry, they never name it). Pure: no vscode.
import { CompiledEntry } from './loreActivation';
import { CompiledKey, ScanText } from './keyMatcher';
import { splitFrontMatter } from './loreFile';

export interface Mention {
  entry: CompiledEntry;
  /** The key as the writer wrote it. */
  key: string;
  index: number;
  length: number;
}

/** Lines longer than this are scanned only around the cursor, so a hover on a huge line stays quick. */
export const MAX_SCANNED_LINE = 10_000;
/** How far either side of the cursor a long line is scanned: well past the longest plain key (200). */
const LINE_WINDOW = 2_000;

/**
 * The mention under the cursor, from that line's text alone (keys do not cross lines). Among the keys
 * that cover `offset`, one that strictly covers it beats one that merely ends at it, then the longer
 * wins, then the one whose middle is nearest the cursor, then the entry that comes first.
 */
export function mentionAt(line: string, offset: number, entries: readonly CompiledEntry[]): Mention | undefined {
  let start = 0;
  let text = line;
  if (line.length > MAX_SCANNED_LINE) {
    start = Math.max(0, offset - LINE_WINDOW);
    text = line.slice(start, Math.min(line.length, offset + LINE_WINDOW));
  }
  const cut = { before: start > 0, after: start + text.length < line.length };
  const at = offset - start;
  const scan = new ScanText(text);
  let best: { mention: Mention; rank: number[] } | undefined;
  for (const entry of entries) {
    for (const key of entry.keys) {
      for (const m of scan.all(key)) {
        if (m.index > at) break;
        const end = m.index + m.length;
        // A match touching a cut edge may be an artefact of the cut (a word boundary that is not one).
        if (end < at || (cut.before && m.index === 0) || (cut.after && end === text.length)) continue;
        const rank = [end > at ? 1 : 0, m.length, -Math.abs(m.index + m.length / 2 - at)];
        if (!best || beats(rank, best.rank)) best = { mention: { entry, key: key.source, index: start + m.index, length: m.length }, rank };
      }
    }
  }
  return best?.mention;
}

function beats(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}

export interface FileMentions {
  mentions: Mention[];
  /** More than `limit` were found; the rest are not listed. */
  capped: boolean;
}

/**
 * Every mention of `target` in one file's text, first to last: its keys' matches (where two of its own
 * keys overlap, one mention: the longer), less those lying inside a longer match of another entry,
 * which belong to that entry. The text is scanned once; `others` may include `target`.
 */
export function mentionsOf(target: CompiledEntry, scan: ScanText, others: readonly CompiledEntry[], limit: number): FileMentions {
  const found: Mention[] = [];
  for (const key of target.keys) {
    for (const m of scan.all(key)) found.push({ entry: target, key: key.source, index: m.index, length: m.length });
  }
  found.sort((a, b) => a.index - b.index || b.length - a.length);
  const own: Mention[] = [];
  for (const m of found) {
    const last = own[own.length - 1];
    if (last && m.index < last.index + last.length) {
      if (m.length > last.length) own[own.length - 1] = m;
    } else own.push(m);
  }
  if (!own.length) return { mentions: [], capped: false };
  const shortest = Math.min(...own.map((m) => m.length));
  const shadowed = new Set<Mention>();
  for (const other of others) {
    if (other === target) continue;
    for (const key of other.keys) {
      if (!couldBeLonger(key, shortest)) continue;
      for (const m of scan.all(key)) markContained(own, m.index, m.length, shadowed);
    }
  }
  const mentions = own.filter((m) => !shadowed.has(m));
  return { mentions: mentions.slice(0, limit), capped: mentions.length > limit };
}

/** A plain key's matches are as long as the key; a regular expression's may be any length. */
function couldBeLonger(key: CompiledKey, length: number): boolean {
  return key.regex !== undefined || (key.folded?.length ?? 0) > length;
}

/** Marks the mentions (sorted by index, not overlapping) that lie inside a strictly longer match. */
function markContained(sorted: Mention[], index: number, length: number, into: Set<Mention>): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].index < index) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sorted.length && sorted[i].index < index + length; i++) {
    const m = sorted[i];
    if (m.index + m.length <= index + length && m.length < length) into.add(m);
  }
}

/** Line and character of offsets in a text, with VS Code's line breaks (\r\n, \r or \n). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (c === 10 || c === 13) this.starts.push(i + 1);
    }
  }

  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
}

/** The line where a lore file's text starts: past the front matter and any blank lines after it. */
export function loreBodyStart(source: string): number {
  const { body, bodyLine } = splitFrontMatter(source);
  const blank = /^(?:[ \t]*(?:\r\n|\r|\n))*/.exec(body)![0];
  return bodyLine + new LineIndex(blank).position(blank.length).line;
}

/** Whether a line of a story-folder file is in its front matter (no lore names are looked up there). */
export function inFrontMatter(source: string, line: number): boolean {
  const { yaml, bodyLine } = splitFrontMatter(source);
  return yaml !== undefined && line < bodyLine;
}

/** The start of an entry's text for a hover: whole words, at most `maxChars`, an ellipsis when cut. */
export function loreExcerpt(content: string, maxChars = 600, maxLines = 8): string {
  const lines = content.split('\n');
  let text = lines.slice(0, maxLines).join('\n');
  let cut = lines.length > maxLines;
  if (text.length > maxChars) {
    text = text.slice(0, maxChars);
    if (/[\uD800-\uDBFF]$/.test(text)) text = text.slice(0, -1);
    const space = text.search(/\s\S*$/);
    if (space > maxChars * 0.6) text = text.slice(0, space);
    cut = true;
  }
  return cut ? `${text.trimEnd()} …` : text;
}

/** The lore file's lens: "Mentioned 14 times in 5 chapters". */
export function mentionSummary(mentions: number, files: number, capped = false): string {
  if (mentions === 0) return 'Not mentioned in the manuscript';
  const n = (x: number) => x.toLocaleString('en-US');
  const times = capped ? `${n(mentions)}+ times` : mentions === 1 ? 'once' : `${n(mentions)} times`;
  return `Mentioned ${times} in ${n(files)} ${files === 1 ? 'chapter' : 'chapters'}`;
}
