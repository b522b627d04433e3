// Finding lore keys in text: plain keys (case-folded unless case-sensitive, whole words by default) and
// keys written `/pattern/flags`. Whole words are Unicode-aware: letters and digits of any script are word
// characters, and scripts written without spaces (Chinese, Japanese, Thai…) need no boundary, so 王小明
// is found inside a Chinese sentence and "Wren" is not found in "Wrenna". Plain keys are looked up in a
// word index of the text built once, so a thousand entries cost a thousand lookups, not a thousand
// scans. Pure: no vscode.

import { PieceFilter, wordIndex } from './scanIndexes';

export interface KeyOptions {
  caseSensitive: boolean;
  wholeWords: boolean;
}

export interface CompiledKey {
  /** As the writer wrote it. */
  source: string;
  caseSensitive: boolean;
  wholeWords: boolean;
  /** For a `/pattern/flags` key. */
  regex?: RegExp;
  /** For a plain key: the text to find, folded unless case-sensitive. */
  folded?: string;
  /**
   * For the word index: the key's longest word (the rarest, likely) and where it starts in the key.
   * Empty when the index cannot help (not whole words, or no word outside a script written without spaces).
   */
  anchorWord?: string;
  anchorOffset?: number;
  /** For a regular expression: text every match must contain (folded), to skip texts without it cheaply. */
  literal?: string;
}

/** Where a key was found: its last occurrence (nearest the cursor) and how often, counted up to a bound. */
export interface KeyMatch {
  index: number;
  length: number;
  count: number;
}

const WORD = /[\p{L}\p{N}_]/u;
const MARK = /\p{M}/u;
const NO_SPACE = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}';
const NO_SPACE_SCRIPT = new RegExp(`[${NO_SPACE}]`, 'u');
/** Words for the index: letters, digits and their marks, split where a script written without spaces starts. */
const WORDS = new RegExp(`(?:(?![${NO_SPACE}])[\\p{L}\\p{N}_]\\p{M}*)+`, 'gu');
const REGEX_KEY = /^\/(.+)\/([a-z]*)$/s;
/** A group that repeats and holds a repeat, e.g. `(a+)+`: such patterns can take forever on some text. */
const NESTED_REPEAT = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/;
export const MAX_COUNTED = 999;

export function compileKey(source: string, options: KeyOptions): CompiledKey | { error: string } {
  const regexForm = REGEX_KEY.exec(source);
  if (regexForm) {
    const [, pattern, flags] = regexForm;
    const bad = [...flags].find((f) => !'imsuv'.includes(f));
    if (bad) return { error: `the flag "${bad}" is not one Inkwell takes (i, m, s, u, v).` };
    if (NESTED_REPEAT.test(pattern)) return { error: 'a repeated group holds a repeat (like (a+)+), which can take forever on some text. Write it without the nesting.' };
    try {
      return { source, ...options, regex: new RegExp(pattern, `${flags}g`), literal: fold(requiredLiteral(pattern)) };
    } catch (e) {
      return { error: `not a valid regular expression (${e instanceof Error ? e.message : String(e)}).` };
    }
  }
  const text = source.trim();
  if (!text) return { error: 'the key is empty.' };
  const folded = options.caseSensitive ? text : fold(text);
  let anchorWord = '';
  let anchorOffset = 0;
  if (options.wholeWords) {
    for (const m of fold(text).matchAll(WORDS)) {
      if (m[0].length > anchorWord.length) {
        anchorWord = m[0];
        anchorOffset = m.index;
      }
    }
  }
  return { source, ...options, folded, anchorWord, anchorOffset };
}

/**
 * The longest run of plain characters every match of `pattern` must contain, or '' when there is none
 * that is certain (an alternation anywhere, or only short runs). Conservative: escapes, classes, groups
 * and quantifiers end a run, and a character made optional by `?`, `*` or `{` leaves it.
 */
export function requiredLiteral(pattern: string): string {
  if (pattern.includes('|')) return '';
  let best = '';
  let run = '';
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  // Only outside groups: a group may be optional or repeated as a whole.
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (depth === 0 && /[\p{L}\p{N} ]/u.test(c)) run += c;
    else if (c === '?' || c === '*' || c === '{') {
      run = run.slice(0, -1);
      end();
    } else {
      if (c === '\\') i++;
      else if (c === '[') while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      end();
    }
  }
  end();
  return best.length >= 3 ? best : '';
}

/** Lower case that keeps every offset: the rare letters whose lower case is longer stay as they are. */
export function fold(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let out = '';
  for (const ch of text) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l : ch;
  }
  return out;
}

/** The base character before `index`, past any combining marks (a mark belongs to the letter before it). */
function baseBefore(text: string, index: number): string {
  let at = index;
  let ch = codePointBefore(text, at);
  while (ch && MARK.test(ch)) {
    at -= ch.length;
    ch = codePointBefore(text, at);
  }
  return ch;
}

function codePointBefore(text: string, index: number): string {
  if (index <= 0) return '';
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) return text.slice(index - 2, index);
  return text[index - 1];
}

function codePointAt(text: string, index: number): string {
  const cp = text.codePointAt(index);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/**
 * A key's edge meets a boundary: the text's end, a character that is not a letter or digit, or a script
 * written without spaces. A combining mark after the key belongs to its last letter: no boundary.
 */
function boundary(neighbour: string, keyEdge: string): boolean {
  if (MARK.test(neighbour)) return false;
  return !neighbour || !WORD.test(neighbour) || NO_SPACE_SCRIPT.test(neighbour) || NO_SPACE_SCRIPT.test(keyEdge);
}

/**
 * Text to look for keys in, folded once. Two indexes are built on first use: its words (for whole-word
 * keys, a lookup instead of a scan) and its three-character pieces (a key or a regular expression's
 * literal with a piece the text lacks cannot be there, so a thousand absent keys cost a thousand lookups).
 */
export class ScanText {
  readonly folded: string;
  private wordIndex?: Map<string, number[]>;
  private pieces?: PieceFilter;

  /**
   * `pieces: false` leaves out the three-character index: for a text looked up by one entry's few keys
   * (the mentions in a chapter), a plain search is cheaper than building it.
   */
  constructor(
    readonly text: string,
    private readonly options: { pieces?: boolean } = {},
  ) {
    this.folded = fold(text);
  }

  private words(): Map<string, number[]> {
    return (this.wordIndex ??= wordIndex(this.folded));
  }

  /** False when `needle` (folded) certainly does not occur: one of its three-character pieces is missing. */
  mayContain(needle: string): boolean {
    if (needle.length < 3 || this.options.pieces === false) return true;
    return (this.pieces ??= new PieceFilter(this.folded)).mayHave(needle);
  }

  /** Each word of the text once. */
  distinctWords(): IterableIterator<string> {
    return this.words().keys();
  }

  /** False when the key certainly does not occur: its anchor word is not a word here, or a piece is missing. */
  mayHold(key: CompiledKey): boolean {
    if (key.regex) return !key.literal || this.mayContain(key.literal);
    if (key.anchorWord) return this.words().has(key.anchorWord);
    return this.mayContain(key.caseSensitive ? fold(key.folded!) : key.folded!);
  }

  /** The key's last occurrence and how many there are (up to MAX_COUNTED), or undefined. */
  find(key: CompiledKey): KeyMatch | undefined {
    let last: KeyMatch | undefined;
    let count = 0;
    this.each(key, (index, length) => {
      last = { index, length, count: 0 };
      return ++count < MAX_COUNTED;
    });
    return last && { ...last, count };
  }

  /** Every occurrence, first to last. */
  all(key: CompiledKey): KeyMatch[] {
    const out: KeyMatch[] = [];
    this.each(key, (index, length) => out.push({ index, length, count: 1 }) > 0);
    return out;
  }

  /** Calls `found` for each occurrence, first to last, while it returns true. */
  private each(key: CompiledKey, found: (index: number, length: number) => boolean): void {
    if (key.regex) {
      if (key.literal && !(this.mayContain(key.literal) && this.folded.includes(key.literal))) return;
      key.regex.lastIndex = 0;
      for (const m of this.text.matchAll(key.regex)) {
        if (m[0].length > 0 && !found(m.index, m[0].length)) return;
      }
      return;
    }
    const needle = key.folded!;
    // A whole-word key is looked up in the word index, which answers "absent" as cheaply; a thousand
    // absent keys then cost a thousand lookups and nothing more.
    const starts = key.anchorWord ? this.words().get(key.anchorWord) : undefined;
    if (key.anchorWord ? !starts : !this.mayContain(key.caseSensitive ? fold(needle) : needle)) return;
    const hay = key.caseSensitive ? this.text : this.folded;
    const accept = (at: number) =>
      hay.startsWith(needle, at) &&
      (!key.wholeWords ||
        (boundary(baseBefore(hay, at), codePointAt(needle, 0)) &&
          boundary(codePointAt(hay, at + needle.length), codePointBefore(needle, needle.length))));
    if (starts) {
      for (const word of starts) {
        const at = word - key.anchorOffset!;
        if (at >= 0 && accept(at) && !found(at, needle.length)) return;
      }
      return;
    }
    for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + 1)) {
      if (accept(at) && !found(at, needle.length)) return;
    }
  }
}
