// One round of lore entries activating each other (SillyTavern's recursive scan, docs/story.md): each
// entry not yet in is activated by the first active entry, in order, whose text holds one of its keys
// with its secondary keys satisfied there. Read text by text, a thousand entries against hundreds of
// active ones is hundreds of thousands of lookups; here the texts are joined and each key is looked up
// once, and a match counts for the text it lies wholly inside. Plain keys match in a text alone exactly
// where they match inside the joined texts (the joins are blank lines: word boundaries); a regular
// expression may not (anchors, lookarounds), so it is run on each text that holds its literal. Pure: no vscode.
import type { Activation, CompiledEntry } from './loreActivation';
import { CompiledKey, MAX_COUNTED, ScanText } from './keyMatcher';
import type { LoreKeyIndex } from './loreKeyIndex';

const SEPARATOR = '\n\n';
const NOWHERE: ReadonlyMap<number, number> = new Map();

/** Whether an entry's secondary keys allow it, given which of them are in the text. */
export function secondaryAllows(entry: CompiledEntry, inText: (key: CompiledKey) => boolean): boolean {
  if (!entry.secondary.length) return true;
  const found = entry.secondary.filter(inText).length;
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

/** The round's texts joined, and where each key is in each of them. */
class JoinedTexts {
  private readonly starts: number[] = [];
  private readonly joined: ScanText;
  private readonly own = new Map<number, ScanText>();
  /** Per key: for each text holding it, where its last counted match ends there (as ScanText.find counts). */
  private readonly ends = new Map<CompiledKey, ReadonlyMap<number, number>>();

  constructor(private readonly texts: readonly string[]) {
    let offset = 0;
    for (const text of texts) {
      this.starts.push(offset);
      offset += text.length + SEPARATOR.length;
    }
    this.joined = new ScanText(texts.join(SEPARATOR));
  }

  /** The text a stretch of the joined text lies wholly inside, if any. */
  private textAt(index: number, length: number): number | undefined {
    const { starts } = this;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return index + length <= starts[lo] + this.texts[lo].length ? lo : undefined;
  }

  private scanOf(i: number): ScanText {
    let scan = this.own.get(i);
    if (!scan) this.own.set(i, (scan = new ScanText(this.texts[i])));
    return scan;
  }

  /** The texts that may hold the key: for a plain key, exactly those that do. */
  private endsOf(key: CompiledKey): ReadonlyMap<number, number> {
    const known = this.ends.get(key);
    if (known) return known;
    // Most keys are in none of the texts: one index lookup says so, and they share one empty answer.
    if (!this.joined.mayHold(key)) return NOWHERE;
    const ends = new Map<number, number>();
    if (key.regex) {
      // Texts holding the literal every match contains (all texts when there is none); run on each below.
      // mayHold above has already checked the literal against the three-character filter.
      if (!key.literal) this.texts.forEach((_, i) => ends.set(i, -1));
      else {
        const folded = this.joined.folded;
        for (let at = folded.indexOf(key.literal); at !== -1; at = folded.indexOf(key.literal, at + 1)) {
          const i = this.textAt(at, key.literal.length);
          if (i !== undefined) ends.set(i, -1);
        }
      }
    } else {
      const counts = new Map<number, number>();
      for (const m of this.joined.all(key)) {
        const i = this.textAt(m.index, m.length);
        if (i === undefined) continue;
        const count = (counts.get(i) ?? 0) + 1;
        counts.set(i, count);
        if (count <= MAX_COUNTED) ends.set(i, m.index - this.starts[i] + m.length);
      }
    }
    this.ends.set(key, ends);
    return ends;
  }

  /** Where the key's last counted match ends in text `i`, or undefined when the text does not hold it. */
  endIn(key: CompiledKey, i: number): number | undefined {
    const end = this.endsOf(key).get(i);
    if (end === undefined || end >= 0) return end;
    const m = this.scanOf(i).find(key);
    return m && m.index + m.length;
  }

  /** Per entry position: whether a primary key of the entry may be in any of the texts. */
  mayMatch(index: LoreKeyIndex): Uint8Array {
    return index.candidates(this.joined);
  }

  /** Texts that may hold any of the keys, in order. */
  candidates(keys: readonly CompiledKey[]): number[] {
    let found: Set<number> | undefined;
    for (const key of keys) {
      const ends = this.endsOf(key);
      if (ends.size) for (const i of ends.keys()) (found ??= new Set()).add(i);
    }
    return found ? [...found].sort((a, b) => a - b) : [];
  }
}

/**
 * One round: the entries `sources` activate, decided into `decided`. Returns those that may activate
 * others in turn, in the order a scan of each source in turn finds them.
 */
export function recursionRound(
  entries: readonly CompiledEntry[],
  decided: Map<CompiledEntry, Activation>,
  sources: readonly Activation[],
  index: LoreKeyIndex,
): Activation[] {
  const texts = new JoinedTexts(sources.map((a) => a.entry.content));
  const mayMatch = texts.mayMatch(index);
  const activated: { source: number; order: number; activation: Activation }[] = [];
  entries.forEach((c, order) => {
    if (!mayMatch[order] || decided.has(c) && decided.get(c)!.why !== 'secondary') return;
    for (const i of texts.candidates(c.keys)) {
      // The primary key matched nearest the text's end, the first such key on a tie (as primaryMatch picks).
      let best: { key: string; end: number } | undefined;
      for (const key of c.keys) {
        const end = texts.endIn(key, i);
        if (end !== undefined && (!best || end > best.end)) best = { key: key.source, end };
      }
      if (!best || !secondaryAllows(c, (k) => texts.endIn(k, i) !== undefined)) continue;
      const activation: Activation = { entry: c.entry, active: true, why: { kind: 'recursion', key: best.key, via: sources[i].entry.id } };
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
