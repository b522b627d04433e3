// Finding lore keys in text: plain keys (case-folded unless case-sensitive, whole words by default) and
// keys written `/pattern/flags`. Whole words are Unicode-aware: letters and digits of any script are word
// characters, and scripts written without spaces (Chinese, Japanese, Thai…) need no boundary, so 王小明
// is found inside a Chinese sentence and "Wren" is not found in "Wrenna". Plain keys are looked up in a
// word index of the text built once, so a thousand entries cost a thousand lookups, not a thousand
// scans. Pure: no vscode.

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
  /** The folded first word of a plain key, for the word index; empty when the index cannot help. */
  firstWord?: string;
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
      return { source, ...options, regex: new RegExp(pattern, `${flags}g`) };
    } catch (e) {
      return { error: `not a valid regular expression (${e instanceof Error ? e.message : String(e)}).` };
    }
  }
  const text = source.trim();
  if (!text) return { error: 'the key is empty.' };
  const folded = options.caseSensitive ? text : fold(text);
  const lead = new RegExp(`^${WORDS.source}`, 'u').exec(fold(text))?.[0] ?? '';
  const indexable = options.wholeWords && lead !== '';
  return { source, ...options, folded, firstWord: indexable ? lead : '' };
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

/** Text to look for keys in, folded and indexed by word once. */
export class ScanText {
  readonly folded: string;
  private wordIndex?: Map<string, number[]>;

  constructor(readonly text: string) {
    this.folded = fold(text);
  }

  private words(): Map<string, number[]> {
    if (this.wordIndex) return this.wordIndex;
    const index = new Map<string, number[]>();
    for (const m of this.folded.matchAll(WORDS)) {
      const at = index.get(m[0]);
      if (at) at.push(m.index);
      else index.set(m[0], [m.index]);
    }
    return (this.wordIndex = index);
  }

  /** The key's last occurrence and how many there are (up to MAX_COUNTED), or undefined. */
  find(key: CompiledKey): KeyMatch | undefined {
    let last: KeyMatch | undefined;
    let count = 0;
    for (const m of this.all(key)) {
      last = m;
      if (++count >= MAX_COUNTED) break;
    }
    return last && { ...last, count };
  }

  /** Every occurrence, first to last. */
  *all(key: CompiledKey): Generator<KeyMatch> {
    if (key.regex) {
      key.regex.lastIndex = 0;
      for (const m of this.text.matchAll(key.regex)) {
        if (m[0].length > 0) yield { index: m.index, length: m[0].length, count: 1 };
      }
      return;
    }
    const needle = key.folded!;
    const hay = key.caseSensitive ? this.text : this.folded;
    const accept = (at: number) =>
      hay.startsWith(needle, at) &&
      (!key.wholeWords ||
        (boundary(baseBefore(hay, at), codePointAt(needle, 0)) &&
          boundary(codePointAt(hay, at + needle.length), codePointBefore(needle, needle.length))));
    if (key.firstWord) {
      for (const at of this.words().get(key.firstWord) ?? []) if (accept(at)) yield { index: at, length: needle.length, count: 1 };
      return;
    }
    for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + 1)) {
      if (accept(at)) yield { index: at, length: needle.length, count: 1 };
    }
  }
}
