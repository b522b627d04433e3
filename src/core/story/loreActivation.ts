// Which lore entries the story text activates, and why each one is in or out. SillyTavern's rules
// (docs/story.md): any primary key activates, secondary keys then apply their logic, always-on entries
// need no key, disabled ones never go in, and an active entry's text may activate others, a bounded
// number of rounds deep. Pure: no vscode.
import { LoreEntry } from './loreEntry';
import { CompiledKey, KeyMatch, ScanText, compileKey } from './keyMatcher';
import { recursionRound, secondaryAllows } from './loreRecursion';
import { IndexedLore, LoreKeyIndex, keyIndexOf } from './loreKeyIndex';

export interface CompiledEntry {
  entry: LoreEntry;
  keys: CompiledKey[];
  secondary: CompiledKey[];
}

export type ActiveWhy =
  | { kind: 'alwaysOn' }
  /** `index` is an offset in the story text. */
  | { kind: 'key'; key: string; index: number; length: number; count: number }
  | { kind: 'recursion'; key: string; via: string };

export type InactiveWhy = 'disabled' | 'no-match' | 'secondary' | 'budget';

export type Activation = { entry: LoreEntry; active: true; why: ActiveWhy } | { entry: LoreEntry; active: false; why: InactiveWhy };

/**
 * Keys are compiled once per change to the lore folder, not per keystroke, with the index that finds
 * an entry's keys from the text's words. Broken keys were reported by the parser.
 */
export function compileLore(entries: readonly LoreEntry[]): CompiledEntry[] & { keyIndex: LoreKeyIndex } {
  const compile = (entry: LoreEntry, keys: string[]) =>
    keys.flatMap((k) => {
      const c = compileKey(k, entry);
      return 'error' in c ? [] : [c];
    });
  const compiled = entries.map((entry) => ({ entry, keys: compile(entry, entry.keys), secondary: compile(entry, entry.secondaryKeys) }));
  return Object.assign(compiled, { keyIndex: new LoreKeyIndex(compiled) });
}

export interface ActivationOptions {
  /** Tokens before the cursor to look in, for entries that do not say. */
  scanTokens: number;
  /** Characters per token of this text with this model's tokenizer, to turn a token depth into characters. */
  charsPerToken: number;
  /** How many rounds of entries activating entries; 0 turns it off. */
  recursionRounds: number;
}

const secondaryHolds = (entry: CompiledEntry, scan: ScanText) => secondaryAllows(entry, (k) => scan.find(k) !== undefined);

/** The nearest-the-cursor match among an entry's primary keys. */
function primaryMatch(entry: CompiledEntry, scan: ScanText): { key: string; match: KeyMatch } | undefined {
  let best: { key: string; match: KeyMatch } | undefined;
  for (const key of entry.keys) {
    const match = scan.find(key);
    if (match && (!best || match.index + match.length > best.match.index + best.match.length)) best = { key: key.source, match };
  }
  return best;
}

/**
 * Decides every entry for the story text (the text before the cursor, newest last). The result is in
 * the entries' own order; budget decisions come later, in the prompt assembly.
 */
export function activateLore(entries: IndexedLore, storyText: string, options: ActivationOptions): Activation[] {
  const index = keyIndexOf(entries);
  const decided = firstPass(entries, index, storyText, options);
  // Entries activated in the last round may activate others through their text.
  let fresh = [...decided.values()].filter((a) => a.active && a.entry.recursive);
  for (let round = 0; round < options.recursionRounds && fresh.length; round++) fresh = recursionRound(entries, decided, fresh, index);
  return verdicts(entries, decided);
}

/**
 * activateLore, with `nextTurn` awaited before each round of entries activating entries: a big lore
 * folder's rounds then run on turns of the event loop of their own, so that typing is never held up for
 * all of them together. The same verdicts.
 */
export async function activateLoreInTurns(
  entries: IndexedLore,
  storyText: string,
  options: ActivationOptions,
  nextTurn: () => Promise<void>,
): Promise<Activation[]> {
  const index = keyIndexOf(entries);
  const decided = firstPass(entries, index, storyText, options);
  let fresh = [...decided.values()].filter((a) => a.active && a.entry.recursive);
  for (let round = 0; round < options.recursionRounds && fresh.length; round++) {
    await nextTurn();
    fresh = recursionRound(entries, decided, fresh, index);
  }
  return verdicts(entries, decided);
}

/** The entries the story text itself decides: disabled, always on, a key near the cursor (or its secondary keys unmet). */
function firstPass(entries: readonly CompiledEntry[], index: LoreKeyIndex, storyText: string, options: ActivationOptions): Map<CompiledEntry, Activation> {
  const scans = new Map<number, { scan: ScanText; start: number; candidates: Uint8Array }>();
  const scanFor = (tokens: number) => {
    const chars = Math.max(0, Math.ceil(tokens * options.charsPerToken));
    let s = scans.get(chars);
    if (!s) {
      const start = Math.max(0, storyText.length - chars);
      const scan = new ScanText(storyText.slice(start));
      s = { scan, start, candidates: index.candidates(scan) };
      scans.set(chars, s);
    }
    return s;
  };

  const decided = new Map<CompiledEntry, Activation>();
  entries.forEach((c, at) => {
    const { entry } = c;
    if (!entry.enabled) decided.set(c, { entry, active: false, why: 'disabled' });
    else if (entry.alwaysOn) decided.set(c, { entry, active: true, why: { kind: 'alwaysOn' } });
    else {
      const { scan, start, candidates } = scanFor(entry.scanTokens ?? options.scanTokens);
      const hit = candidates[at] ? primaryMatch(c, scan) : undefined;
      if (!hit) return;
      if (!secondaryHolds(c, scan)) decided.set(c, { entry, active: false, why: 'secondary' });
      else decided.set(c, { entry, active: true, why: { kind: 'key', key: hit.key, index: start + hit.match.index, length: hit.match.length, count: hit.match.count } });
    }
  });
  return decided;
}

function verdicts(entries: readonly CompiledEntry[], decided: Map<CompiledEntry, Activation>): Activation[] {
  return entries.map((c) => decided.get(c) ?? { entry: c.entry, active: false, why: 'no-match' });
}
