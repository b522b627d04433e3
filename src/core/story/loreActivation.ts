// Which lore entries the story text activates, and why each one is in or out. SillyTavern's rules
// (docs/story.md): any primary key activates, secondary keys then apply their logic, always-on entries
// need no key, disabled ones never go in, and an active entry's text may activate others, a bounded
// number of rounds deep. Pure: no vscode.
import { LoreEntry } from './loreEntry';
import { CompiledKey, KeyMatch, ScanText, compileKey } from './keyMatcher';

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

/** Keys are compiled once per change to the lore folder, not per keystroke. Broken keys were reported by the parser. */
export function compileLore(entries: readonly LoreEntry[]): CompiledEntry[] {
  const compile = (entry: LoreEntry, keys: string[]) =>
    keys.flatMap((k) => {
      const c = compileKey(k, entry);
      return 'error' in c ? [] : [c];
    });
  return entries.map((entry) => ({ entry, keys: compile(entry, entry.keys), secondary: compile(entry, entry.secondaryKeys) }));
}

export interface ActivationOptions {
  /** Tokens before the cursor to look in, for entries that do not say. */
  scanTokens: number;
  /** Characters per token of this text with this model's tokenizer, to turn a token depth into characters. */
  charsPerToken: number;
  /** How many rounds of entries activating entries; 0 turns it off. */
  recursionRounds: number;
}

function secondaryHolds(entry: CompiledEntry, scan: ScanText): boolean {
  if (!entry.secondary.length) return true;
  const found = entry.secondary.filter((k) => scan.find(k) !== undefined).length;
  switch (entry.entry.secondaryLogic) {
    case 'any':
      return found > 0;
    case 'all':
      return found === entry.secondary.length;
    case 'notAny':
      return found === 0;
    case 'notAll':
      return found < entry.secondary.length;
  }
}

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
export function activateLore(entries: readonly CompiledEntry[], storyText: string, options: ActivationOptions): Activation[] {
  const scans = new Map<number, { scan: ScanText; start: number }>();
  const scanFor = (tokens: number) => {
    const chars = Math.max(0, Math.ceil(tokens * options.charsPerToken));
    let s = scans.get(chars);
    if (!s) {
      const start = Math.max(0, storyText.length - chars);
      s = { scan: new ScanText(storyText.slice(start)), start };
      scans.set(chars, s);
    }
    return s;
  };

  const decided = new Map<CompiledEntry, Activation>();
  for (const c of entries) {
    const { entry } = c;
    if (!entry.enabled) decided.set(c, { entry, active: false, why: 'disabled' });
    else if (entry.alwaysOn) decided.set(c, { entry, active: true, why: { kind: 'alwaysOn' } });
    else {
      const { scan, start } = scanFor(entry.scanTokens ?? options.scanTokens);
      const hit = primaryMatch(c, scan);
      if (!hit) continue;
      if (!secondaryHolds(c, scan)) decided.set(c, { entry, active: false, why: 'secondary' });
      else decided.set(c, { entry, active: true, why: { kind: 'key', key: hit.key, index: start + hit.match.index, length: hit.match.length, count: hit.match.count } });
    }
  }

  // Entries activated in the last round may activate others through their text.
  let fresh = [...decided.values()].filter((a) => a.active && a.entry.recursive);
  for (let round = 0; round < options.recursionRounds && fresh.length; round++) fresh = recursionRound(entries, decided, fresh);
  return entries.map((c) => decided.get(c) ?? { entry: c.entry, active: false, why: 'no-match' });
}

const SEPARATOR = '\n\n';

/**
 * One round of entries activating entries: each entry not yet in is activated by the first of `sources`
 * (in order) whose text holds one of its keys, with its secondary keys satisfied there. Read source by
 * source, a thousand entries against hundreds of active ones is hundreds of thousands of lookups, so the
 * keys are first looked up once in all the sources joined: only the sources where a key (or a regular
 * expression's literal) lies wholly inside are then read on their own, in order, which finds the same
 * source a scan of each in turn would. Returns the entries activated that may activate others, in the
 * order a source-by-source scan finds them.
 */
function recursionRound(entries: readonly CompiledEntry[], decided: Map<CompiledEntry, Activation>, sources: Activation[]): Activation[] {
  const texts = sources.map((a) => a.entry.content);
  const starts: number[] = [];
  let offset = 0;
  for (const text of texts) {
    starts.push(offset);
    offset += text.length + SEPARATOR.length;
  }
  const joined = new ScanText(texts.join(SEPARATOR));
  const own = new Map<number, ScanText>();
  const scanOf = (i: number) => own.get(i) ?? own.set(i, new ScanText(texts[i])).get(i)!;
  /** The source a stretch of the joined text lies wholly inside, if any. */
  const sourceAt = (index: number, length: number): number | undefined => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return index + length <= starts[lo] + texts[lo].length ? lo : undefined;
  };
  const candidates = (c: CompiledEntry): number[] => {
    const found = new Set<number>();
    const add = (index: number, length: number) => {
      const i = sourceAt(index, length);
      if (i !== undefined) found.add(i);
    };
    for (const key of c.keys) {
      if (key.regex && !key.literal) return texts.map((_, i) => i);
      if (key.regex) for (let at = joined.folded.indexOf(key.literal!); at !== -1; at = joined.folded.indexOf(key.literal!, at + 1)) add(at, key.literal!.length);
      else for (const m of joined.all(key)) add(m.index, m.length);
    }
    return [...found].sort((a, b) => a - b);
  };

  const activated: { source: number; order: number; activation: Activation }[] = [];
  entries.forEach((c, order) => {
    if (decided.has(c) && decided.get(c)!.why !== 'secondary') return;
    for (const i of candidates(c)) {
      const scan = scanOf(i);
      const hit = primaryMatch(c, scan);
      if (!hit || !secondaryHolds(c, scan)) continue;
      const activation: Activation = { entry: c.entry, active: true, why: { kind: 'recursion', key: hit.key, via: sources[i].entry.id } };
      decided.set(c, activation);
      activated.push({ source: i, order, activation });
      return;
    }
  });
  return activated
    .sort((a, b) => a.source - b.source || a.order - b.order)
    .filter((a) => a.activation.entry.recursive)
    .map((a) => a.activation);
}
