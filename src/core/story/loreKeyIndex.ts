// Which entries may have a key in a text, found from the text's side: its distinct words are looked up
// among the entries' anchor words (a key's longest word, which every whole-word match holds), and only
// the keys without one (regular expressions, keys matched inside words) are tried one by one, by the
// text's three-character filter. A scanned stretch has a few hundred distinct words; a thousand entries
// have thousands of keys, so a keystroke costs the former. Built once per compiled lore folder.
// Pure: no vscode.
import type { CompiledEntry } from './loreActivation';
import { CompiledKey, ScanText } from './keyMatcher';

export class LoreKeyIndex {
  /** Anchor word → positions of the entries with a primary key anchored on it. */
  private readonly byWord = new Map<string, number[]>();
  /** Primary keys with no anchor word, with their entry's position. */
  private readonly unanchored: { at: number; key: CompiledKey }[] = [];

  private readonly size: number;

  constructor(entries: readonly CompiledEntry[]) {
    this.size = entries.length;
    entries.forEach((c, at) => {
      for (const key of c.keys) {
        if (!key.anchorWord) {
          this.unanchored.push({ at, key });
          continue;
        }
        const list = this.byWord.get(key.anchorWord);
        if (!list) this.byWord.set(key.anchorWord, [at]);
        else if (list[list.length - 1] !== at) list.push(at);
      }
    });
  }

  /** Per entry position: 1 when a primary key of the entry may be in the text, 0 when none can be. */
  candidates(scan: ScanText): Uint8Array {
    const marks = new Uint8Array(this.size);
    for (const word of scan.distinctWords()) {
      const list = this.byWord.get(word);
      if (list) for (const at of list) marks[at] = 1;
    }
    for (const { at, key } of this.unanchored) if (!marks[at] && scan.mayHold(key)) marks[at] = 1;
    return marks;
  }
}

/** Compiled lore with its index, as compileLore returns it; a plain array gets one built when asked. */
export type IndexedLore = readonly CompiledEntry[] & { readonly keyIndex?: LoreKeyIndex };

export function keyIndexOf(lore: IndexedLore): LoreKeyIndex {
  return lore.keyIndex ?? new LoreKeyIndex(lore);
}
