// Lore names in the manuscript, for the editor's hover, Go to Definition, Find All References and the
// lore file's mention count. One rule decides which entry a stretch of text belongs to everywhere: the
// longest key that covers it, so what a hover shows and what References lists agree. Only primary keys
// count (secondary keys refine an entry, they never name it). Pure: no vscode.
import { CompiledEntry } from './loreActivation';
import { CompiledKey, ScanText, fold } from './keyMatcher';
import { splitFrontMatter } from './loreFile';

export interface Mention {
  entry: CompiledEntry;
  /** The key as the writer wrote it. */
  key: string;
  index: number;
  length: number;
}

/** How far either side of the cursor (or of a possible mention) a line is scanned: well past the longest plain key (200). */
const LINE_WINDOW = 2_000;
/** Characters either side of a possible match that decide it: the neighbours and their combining marks. */
const NEIGHBOURHOOD = 8;

/**
 * The mention under the cursor, from that line's text alone (keys do not cross lines; a very long line
 * is scanned only around the cursor). Among the keys that cover `offset`, one that strictly covers it
 * beats one that merely ends at it, then the longer wins, then the one whose middle is nearest the
 * cursor, then the entry that comes first.
 */
export function mentionAt(line: string, offset: number, entries: readonly CompiledEntry[]): Mention | undefined {
  const start = Math.max(0, offset - LINE_WINDOW);
  const text = line.slice(start, offset + LINE_WINDOW);
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
 * Every mention of one entry, file by file, judged line by line exactly as the hover judges the line
 * under the cursor: where two of its own keys overlap, one mention (the longer); a mention inside a
 * longer match of another entry belongs to that entry. Each file is searched once per key for where a
 * mention may be, and only those lines are scanned with the other keys that could hold one.
 */
export class MentionSearch {
  private readonly holders: CompiledKey[];

  constructor(
    private readonly target: CompiledEntry,
    others: readonly CompiledEntry[],
  ) {
    this.holders = keysThatMayContain(target, others);
  }

  /** The mentions in one file's text, first to last, at most `limit`. */
  in(text: string, limit: number): FileMentions {
    const mentions: Mention[] = [];
    let around: Segment | undefined;
    const { offsets, truncated } = candidatesOf(this.target, text, 4 * limit);
    for (const at of offsets) {
      if (around?.holds(at)) continue;
      around = new Segment(text, at);
      for (const m of around.mentionsOf(this.target, this.holders)) {
        const last = mentions[mentions.length - 1];
        if (last && m.index < last.index + last.length) continue;
        if (mentions.length === limit) return { mentions, capped: true };
        mentions.push(m);
      }
    }
    return { mentions, capped: truncated };
  }
}

/**
 * Other entries' keys that could hold one of the entry's mentions: regular expressions, and plain keys
 * whose text holds one of its plain keys ("Wren Ashby" may hold "Wren"; "Ashby Hall" never does).
 */
function keysThatMayContain(target: CompiledEntry, others: readonly CompiledEntry[]): CompiledKey[] {
  const own = target.keys.some((k) => k.regex) ? undefined : target.keys.map((k) => fold(k.folded!));
  return others
    .filter((o) => o !== target)
    .flatMap((o) => o.keys)
    .filter((k) => k.regex || !own || own.some((text) => fold(k.folded!).includes(text) && k.folded!.length > text.length));
}

/** Offsets where a key of the entry may match, in order: a plain search of the folded text, no index built. */
function candidatesOf(entry: CompiledEntry, text: string, bound: number): { offsets: number[]; truncated: boolean } {
  // One pass per key over a whole file: the three-character index would cost more than it saves.
  const scan = new ScanText(text, { pieces: false });
  const offsets: number[] = [];
  let truncated = false;
  for (const key of entry.keys) {
    const before = offsets.length;
    if (key.regex) {
      for (const m of scan.all(key)) offsets.push(m.index);
    } else {
      const needle = fold(key.folded!);
      for (let at = scan.folded.indexOf(needle); at !== -1 && offsets.length - before <= bound; at = scan.folded.indexOf(needle, at + 1)) {
        // A few characters either side settle case and word boundaries (a cut can only let more through,
        // and the line's own scan has the last word), so lines where only a longer word matched are skipped.
        const from = Math.max(0, at - NEIGHBOURHOOD);
        const near = new ScanText(text.slice(from, at + needle.length + NEIGHBOURHOOD), { pieces: false });
        if (near.all(key).some((m) => m.index === at - from)) offsets.push(at);
      }
    }
    if (offsets.length - before > bound) {
      truncated = true;
      offsets.length = before + bound;
    }
  }
  return { offsets: offsets.sort((a, b) => a - b), truncated };
}

/**
 * The line around an offset, or, on a very long line, a window of it: the stretch the hover would scan.
 * Matches touching a cut edge are not trusted (the cut may have made a word boundary).
 */
class Segment {
  readonly start: number;
  readonly stop: number;
  private readonly cutBefore: boolean;
  private readonly cutAfter: boolean;
  private readonly scan: ScanText;

  constructor(text: string, at: number) {
    let start = at;
    while (start > 0 && at - start < LINE_WINDOW && !isLineBreak(text.charCodeAt(start - 1))) start--;
    let stop = at;
    while (stop < text.length && stop - at < LINE_WINDOW && !isLineBreak(text.charCodeAt(stop))) stop++;
    this.start = start;
    this.stop = stop;
    this.cutBefore = start > 0 && !isLineBreak(text.charCodeAt(start - 1));
    this.cutAfter = stop < text.length && !isLineBreak(text.charCodeAt(stop));
    this.scan = new ScanText(text.slice(start, stop));
  }

  /** Whether a mention starting at `at` is judged here: inside, and a longest plain key's length from a cut edge. */
  holds(at: number): boolean {
    const margin = 200;
    return at >= this.start + (this.cutBefore ? margin : 0) && at < this.stop - (this.cutAfter ? margin : 0);
  }

  private matches(key: CompiledKey): { index: number; length: number }[] {
    const width = this.stop - this.start;
    return this.scan
      .all(key)
      .filter((m) => !(this.cutBefore && m.index === 0) && !(this.cutAfter && m.index + m.length === width))
      .map((m) => ({ index: this.start + m.index, length: m.length }));
  }

  /** The entry's mentions here, first to last, less those inside a longer match of another entry's key. */
  mentionsOf(target: CompiledEntry, others: readonly CompiledKey[]): Mention[] {
    const found = target.keys.flatMap((key) => this.matches(key).map((m) => ({ entry: target, key: key.source, ...m })));
    found.sort((a, b) => a.index - b.index || b.length - a.length);
    const own: Mention[] = [];
    for (const m of found) {
      const last = own[own.length - 1];
      if (last && m.index < last.index + last.length) {
        if (m.length > last.length) own[own.length - 1] = m;
      } else own.push(m);
    }
    if (!own.length) return own;
    const shortest = Math.min(...own.map((m) => m.length));
    const longer = others.filter((k) => couldBeLonger(k, shortest)).flatMap((k) => this.matches(k));
    return own.filter((m) => !longer.some((o) => o.length > m.length && o.index <= m.index && o.index + o.length >= m.index + m.length));
  }
}

function isLineBreak(code: number): boolean {
  return code === 10 || code === 13;
}

/** A plain key's matches are as long as the key; a regular expression's may be any length. */
function couldBeLonger(key: CompiledKey, length: number): boolean {
  return key.regex !== undefined || (key.folded?.length ?? 0) > length;
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
