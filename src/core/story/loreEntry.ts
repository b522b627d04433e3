// One lore entry as Inkwell keeps it: a Markdown file in the story folder whose YAML front matter holds
// the rules and whose body is the text sent to the model. The fields follow SillyTavern's world info
// (the richest model and the de-facto exchange format, docs/story.md) with names a writer can read.
// Pure: no vscode.

/** How secondary keys combine with a primary match (SillyTavern's selectiveLogic). */
export type SecondaryLogic = 'any' | 'all' | 'notAny' | 'notAll';

/**
 * Where an active entry goes: before the story text (after memory), just after memory as part of it,
 * or at a depth counted in paragraphs from the end of the story text.
 */
export type LorePosition = 'beforeStory' | 'afterMemory' | 'atDepth';

export interface LoreEntry {
  /** The file's name without `.md`: stable, unique in the folder, shown in the context view. */
  id: string;
  /** What the writer calls it (front matter `name`, else the file name). */
  name: string;
  /** Primary keys: any one of them activates the entry. A key written `/pattern/flags` is a regular expression. */
  keys: string[];
  secondaryKeys: string[];
  secondaryLogic: SecondaryLogic;
  caseSensitive: boolean;
  wholeWords: boolean;
  /** In whatever the keys say: always sent (SillyTavern's `constant`). */
  alwaysOn: boolean;
  enabled: boolean;
  /** Higher goes in first when the budget is tight (SillyTavern's default 100). */
  order: number;
  position: LorePosition;
  /** With position `atDepth`: paragraphs from the end of the story text. */
  depth: number;
  /** How far back from the cursor to look for keys, in tokens; undefined means the folder's default. */
  scanTokens?: number;
  /** Whether this entry's text may activate other entries (recursive scan). */
  recursive: boolean;
  /** The text sent to the model. */
  content: string;
}

export const LORE_DEFAULTS = {
  secondaryLogic: 'any' as SecondaryLogic,
  caseSensitive: false,
  wholeWords: true,
  alwaysOn: false,
  enabled: true,
  order: 100,
  position: 'beforeStory' as LorePosition,
  depth: 4,
  recursive: true,
} as const;

/** An entry with every rule at its default: what a new entry from a selection starts as. */
export function loreEntry(id: string, fields: Partial<Omit<LoreEntry, 'id'>> = {}): LoreEntry {
  return {
    id,
    name: fields.name ?? id,
    keys: fields.keys ?? [],
    secondaryKeys: fields.secondaryKeys ?? [],
    content: fields.content ?? '',
    ...LORE_DEFAULTS,
    ...stripUndefined(fields),
  } as LoreEntry;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
