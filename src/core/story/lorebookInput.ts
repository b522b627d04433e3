// What the lorebook importers share: reading a stranger's JSON without trusting a single field, the bounds
// that keep a hostile file from filling memory or the story folder, and warnings gathered per kind so that
// a 5,000-entry book gives a few readable lines, not thousands. Pure: no vscode.

import { compileKey } from './keyMatcher';
import { LORE_DEFAULTS, loreEntry, type LoreEntry } from './loreEntry';

/**
 * The entry count bounds what an import writes to the story folder. The rest match what a lore file may hold
 * (loreFile.ts: 64 keys of 200 characters, a 200-character name, orders to ±100,000, depth to 1,000, files
 * to 64 KiB), so every imported entry can be written as a file and read back; 32 KiB of text leaves room for
 * the front matter.
 */
export const LOREBOOK_LIMITS = {
  entries: 5_000,
  contentChars: 32_768,
  keysPerEntry: 64,
  keyChars: 200,
  nameChars: 200,
  order: 100_000,
  depth: 1_000,
} as const;

/** How many entry names one warning lists before "and N more". */
const NAMES_PER_WARNING = 5;
const NAME_IN_WARNING_CHARS = 60;

/** One warning per kind, naming the entries it applies to. */
export class ImportWarnings {
  private readonly byMessage = new Map<string, string[]>();

  /** `message` is one sentence per kind of loss (never one per entry), so the number of lines stays bounded. */
  add(message: string, entryName?: string): void {
    let names = this.byMessage.get(message);
    if (!names) {
      names = [];
      this.byMessage.set(message, names);
    }
    if (entryName !== undefined) names.push(entryName);
  }

  list(): string[] {
    return Array.from(this.byMessage, ([message, names]) => {
      if (names.length === 0) return message;
      const shown = names.slice(0, NAMES_PER_WARNING).map((n) => JSON.stringify(cutText(n, NAME_IN_WARNING_CHARS)));
      const more = names.length > shown.length ? ` and ${names.length - shown.length} more` : '';
      return `${message}: ${shown.join(', ')}${more}.`;
    });
  }
}

/** A field of a parsed JSON object, own properties only: a missing `constructor` or `toString` never reads Object.prototype's. */
export function ownField(record: Record<string, unknown>, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

export function finiteNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A whole number within [min, max], or `fallback` when the value is not a finite number. */
export function boundedInt(v: unknown, min: number, max: number, fallback: number): number {
  const n = finiteNumber(v);
  // `|| 0` turns -0 into 0, which JSON would do on the way out anyway.
  return n === undefined ? fallback : Math.min(max, Math.max(min, Math.round(n))) || 0;
}

/** The first `max` UTF-16 units, moved back one if the cut would split a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * An entry's text as a lore file keeps it: LF line ends, no surrounding blank lines, cut to the content bound
 * with a warning.
 */
export function entryContent(v: unknown, entryName: string, warnings: ImportWarnings): string {
  if (typeof v !== 'string') {
    if (v !== undefined && v !== null) warnings.add('Text that was not a string was left empty', entryName);
    return '';
  }
  let text = v.replace(/\r\n?/g, '\n').trim();
  if (text.length > LOREBOOK_LIMITS.contentChars) {
    warnings.add(`Text cut to ${LOREBOOK_LIMITS.contentChars.toLocaleString('en')} characters`, entryName);
    text = cutText(text, LOREBOOK_LIMITS.contentChars).trimEnd();
  }
  // In a lore file `<!-- … -->` is a note to oneself and is not sent.
  if (text.includes('<!--')) warnings.add('The text holds <!-- … -->, which Inkwell reads as a note and does not send', entryName);
  return text;
}

/** A name: trimmed, one line, bounded; undefined when there is none. */
export function entryName(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const name = cutText(v.replace(/\s+/g, ' ').trim(), LOREBOOK_LIMITS.nameChars).trim();
  return name === '' ? undefined : name;
}

/**
 * Keys as a list of trimmed, non-empty strings. A comma-separated string is read as a list (how SillyTavern and
 * NovelAI show keys in their editors). Over-long keys are dropped rather than cut: a cut regular expression is
 * a different one.
 */
export function keyList(v: unknown, entryLabel: string, warnings: ImportWarnings): string[] {
  const raw: unknown[] = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : [];
  const keys = new Set<string>();
  // Only a bounded prefix of a huge array is looked at.
  const scanLimit = LOREBOOK_LIMITS.keysPerEntry * 4;
  const scan = Math.min(raw.length, scanLimit);
  let capped = raw.length > scan;
  let dropped = false;
  let invalid = false;
  for (let i = 0; i < scan; i++) {
    const item = raw[i];
    const trimmed = typeof item === 'string' ? item.trim() : '';
    if (trimmed === '') continue;
    if (trimmed.length > LOREBOOK_LIMITS.keyChars) {
      dropped = true;
      continue;
    }
    const key = usableKey(trimmed);
    if (key === undefined) {
      invalid = true;
      continue;
    }
    if (keys.has(key)) continue;
    if (keys.size === LOREBOOK_LIMITS.keysPerEntry) {
      capped = true;
      break;
    }
    keys.add(key);
  }
  if (dropped) warnings.add(`Keys longer than ${LOREBOOK_LIMITS.keyChars} characters were dropped`, entryLabel);
  if (invalid) warnings.add('Keys that are not regular expressions Inkwell can run were dropped', entryLabel);
  if (capped) warnings.add(`Only the first ${LOREBOOK_LIMITS.keysPerEntry} keys (read from at most ${scanLimit} items) were kept`, entryLabel);
  return [...keys];
}

const REGEX_KEY = /^\/(.+)\/([a-z]*)$/s;

/**
 * A `/pattern/flags` key as Inkwell runs it. SillyTavern also takes `g` (which changes nothing when looking for a
 * match) and `y` (which only pins it to the start of the scanned text); both are dropped. A pattern Inkwell's key
 * matcher refuses (invalid, or a nested repeat that can run for ever) gives undefined. Plain keys pass as they are.
 */
function usableKey(key: string): string | undefined {
  const regex = REGEX_KEY.exec(key);
  if (!regex) return key;
  const usable = `/${regex[1]}/${regex[2].replace(/[gy]/g, '')}`;
  return 'error' in compileKey(usable, { caseSensitive: false, wholeWords: true }) ? undefined : usable;
}

/**
 * An imported entry as its lore file will hold it, so writing it and reading it back gives the same entry: a
 * depth only when placed at depth, a secondary logic only with secondary keys.
 */
export function importedEntry(id: string, fields: Partial<Omit<LoreEntry, 'id'>>): LoreEntry {
  const entry = loreEntry(id, fields);
  if (entry.position !== 'atDepth') entry.depth = LORE_DEFAULTS.depth;
  if (entry.secondaryKeys.length === 0) entry.secondaryLogic = LORE_DEFAULTS.secondaryLogic;
  return entry;
}

/** What an import gives: the entries to write, and what did not carry over, for the writer to read. */
export interface LorebookImport {
  entries: LoreEntry[];
  warnings: string[];
}

/**
 * The entry objects of `raw` (an object keyed by uid, or an array), at most the entry bound; anything that is
 * not an object is counted and skipped. `for…in` stops at the bound without listing every key of a huge object.
 */
export function boundedRecords(raw: Record<string, unknown> | unknown[], warnings: ImportWarnings): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  let seen = 0;
  let skipped = 0;
  const take = (value: unknown): boolean => {
    if (seen === LOREBOOK_LIMITS.entries) return false;
    seen += 1;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) records.push(value as Record<string, unknown>);
    else skipped += 1;
    return true;
  };
  let more = false;
  if (Array.isArray(raw)) {
    for (const value of raw.slice(0, LOREBOOK_LIMITS.entries + 1)) if (!take(value)) more = true;
  } else {
    for (const key in raw) {
      if (!Object.prototype.hasOwnProperty.call(raw, key)) continue;
      if (!take(raw[key])) {
        more = true;
        break;
      }
    }
  }
  if (more) warnings.add(`Only the first ${LOREBOOK_LIMITS.entries.toLocaleString('en')} entries were imported`);
  if (skipped > 0) warnings.add(`${skipped} item(s) in "entries" were not entries and were skipped`);
  return records;
}
