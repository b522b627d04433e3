// NovelAI lorebooks (`.lorebook`, JSON) in. The format: `{ lorebookVersion, entries: [{ text, contextConfig:
// { prefix, suffix, tokenBudget, reservedTokens, budgetPriority, trimDirection, insertionType, maximumTrimType,
// insertionPosition }, displayName, keys, searchRange, enabled, forceActivation, keyRelative,
// nonStoryActivatable, category, loreBiasGroups }], settings, categories }` (as NovelAI exports it and as
// SillyTavern's `convertNovelLorebook` reads it). NovelAI matches keys case-insensitively at word edges, and a
// key written `/pattern/flags` is a regular expression, as in Inkwell. Pure: no vscode.

import { isRecord } from '../json';
import { entryIdAllocator } from './entryIds';
import { LORE_DEFAULTS, type LoreEntry, type LorePosition } from './loreEntry';
import {
  ImportWarnings,
  boundedInt,
  LOREBOOK_LIMITS,
  boundedRecords,
  entryContent,
  entryName,
  importedEntry,
  finiteNumber,
  keyList,
  ownField,
  type LorebookImport,
} from './lorebookInput';

/** NovelAI's search range counts characters, Inkwell's scan counts tokens: about 4 characters a token in English. */
export const CHARS_PER_TOKEN = 4;
/** NovelAI's defaults for a new lore entry. */
const NAI_DEFAULTS = { searchRange: 1000, budgetPriority: 400, insertionPosition: -1, insertionType: 'newline' } as const;
/**
 * The story text's own budgetPriority in NovelAI's default context. Entries are placed in priority order, so an
 * entry above it is placed before the story text exists and ends up above it, wherever its insertionPosition
 * points; an entry at or below it goes in after the story text, counted from its end.
 */
const NAI_STORY_PRIORITY = 0;
/** Rough paragraph sizes for an insertion position counted in sentences or tokens. */
const SENTENCES_PER_PARAGRAPH = 3;
const TOKENS_PER_PARAGRAPH = 80;
const MAX_SEARCH_RANGE = 1_000_000;

type NaiRecord = Record<string, unknown>;

/** Reads a NovelAI lorebook (already parsed from JSON). Never throws; see `warnings` for what was lost. */
export function importNovelAi(json: unknown): LorebookImport {
  const warnings = new ImportWarnings();
  const raw = isRecord(json) ? ownField(json, 'entries') : undefined;
  if (!Array.isArray(raw)) {
    warnings.add('Not a NovelAI lorebook: there is no "entries" list');
    return { entries: [], warnings: warnings.list() };
  }
  const records = boundedRecords(raw, warnings);
  // NovelAI activates an entry from other entries' text only when that entry opts in (cascading activation).
  // Inkwell decides it by the entry whose text is read: with no cascading entry, no text but the story activates.
  const cascades = records.some((e) => ownField(e, 'nonStoryActivatable') === true);
  const allocateId = entryIdAllocator();
  const entries = records.map((e, i) => fromNovelAi(e, i, cascades, allocateId, warnings));
  if (entries.length > 0) {
    warnings.add(`Search ranges were converted from characters to tokens at about ${CHARS_PER_TOKEN} characters a token (1,000 characters: 250 tokens)`);
  }
  subcontextWarnings(ownField(json as NaiRecord, 'categories'), warnings);
  return { entries, warnings: warnings.list() };
}

function fromNovelAi(
  e: NaiRecord,
  index: number,
  cascades: boolean,
  allocateId: (text: string) => string,
  warnings: ImportWarnings,
): LoreEntry {
  const displayName = entryName(ownField(e, 'displayName'));
  const keys = keyList(ownField(e, 'keys'), displayName ?? `entry ${index + 1}`, warnings);
  const name = displayName ?? entryName(keys[0]) ?? `Entry ${index + 1}`;
  const rawConfig = ownField(e, 'contextConfig');
  const config: NaiRecord = isRecord(rawConfig) ? rawConfig : {};
  const priority = boundedInt(ownField(config, 'budgetPriority'), -LOREBOOK_LIMITS.order, LOREBOOK_LIMITS.order, NAI_DEFAULTS.budgetPriority);
  const { position, depth } = placement(config, priority, name, warnings);
  if (ownField(e, 'nonStoryActivatable') === true) {
    warnings.add("Cascading activation is per entry in NovelAI; here every entry's text can activate the others", name);
  }
  for (const [lost, message] of NOT_KEPT) if (lost(e, config)) warnings.add(message, name);
  return importedEntry(allocateId(name), {
    name,
    keys,
    secondaryKeys: [],
    caseSensitive: false,
    wholeWords: true,
    alwaysOn: ownField(e, 'forceActivation') === true,
    enabled: ownField(e, 'enabled') !== false,
    order: priority,
    position,
    depth,
    scanTokens: scanTokens(ownField(e, 'searchRange')),
    recursive: cascades,
    content: entryContent(withPrefixAndSuffix(ownField(e, 'text'), config, name, warnings), name, warnings),
  });
}

function placement(config: NaiRecord, priority: number, name: string, warnings: ImportWarnings): { position: LorePosition; depth: number } {
  const insertion = boundedInt(ownField(config, 'insertionPosition'), -LOREBOOK_LIMITS.depth, LOREBOOK_LIMITS.depth, NAI_DEFAULTS.insertionPosition);
  if (insertion >= 0) {
    warnings.add('Placed from the top of the context there (above memory); here just before the story', name);
    return { position: 'beforeStory', depth: LORE_DEFAULTS.depth };
  }
  if (priority > NAI_STORY_PRIORITY) return { position: 'beforeStory', depth: LORE_DEFAULTS.depth };
  // -1 is the very end of the text; -N is N-1 units up from it.
  const units = -insertion - 1;
  const type = ownField(config, 'insertionType') ?? NAI_DEFAULTS.insertionType;
  if (type === 'newline') return { position: 'atDepth', depth: units };
  warnings.add('An insertion position counted in sentences or tokens was converted to paragraphs, roughly', name);
  const perParagraph = type === 'sentence' ? SENTENCES_PER_PARAGRAPH : TOKENS_PER_PARAGRAPH;
  return { position: 'atDepth', depth: Math.round(units / perParagraph) };
}

function scanTokens(raw: unknown): number {
  return Math.round(boundedInt(raw, 0, MAX_SEARCH_RANGE, NAI_DEFAULTS.searchRange) / CHARS_PER_TOKEN);
}

/** A prefix or suffix that is more than whitespace (a bracket, a `----` rule) is part of what the model reads. */
function withPrefixAndSuffix(text: unknown, config: NaiRecord, name: string, warnings: ImportWarnings): unknown {
  if (typeof text !== 'string') return text;
  const prefix = ownField(config, 'prefix');
  const suffix = ownField(config, 'suffix');
  const before = typeof prefix === 'string' && prefix.trim() !== '' ? prefix : '';
  const after = typeof suffix === 'string' && suffix.trim() !== '' ? suffix : '';
  if (before === '' && after === '') return text;
  warnings.add('The prefix and suffix were made part of the text', name);
  return before + text + after;
}

function subcontextWarnings(categories: unknown, warnings: ImportWarnings): void {
  if (!Array.isArray(categories)) return;
  for (const category of categories.slice(0, 1000)) {
    if (isRecord(category) && ownField(category, 'createSubcontext') === true) {
      warnings.add('Category subcontexts are not kept: their entries are placed one by one', entryName(ownField(category, 'name')) ?? '(unnamed)');
    }
  }
}

const nonEmptyList = (v: unknown): boolean => Array.isArray(v) && v.length > 0;

/** NovelAI features with no Inkwell equivalent, each a warning when an entry uses it. */
const NOT_KEPT: ReadonlyArray<readonly [(e: NaiRecord, config: NaiRecord) => boolean, string]> = [
  [(e) => ownField(e, 'keyRelative') === true, 'Insertion relative to the last key found is not kept'],
  [(_e, config) => (finiteNumber(ownField(config, 'reservedTokens')) ?? 0) > 0, 'Reserved tokens are not kept: the entry shares the lore budget'],
  [
    (e) => {
      const groups = ownField(e, 'loreBiasGroups');
      return Array.isArray(groups) && groups.slice(0, 100).some((g) => isRecord(g) && nonEmptyList(ownField(g, 'phrases')));
    },
    'Phrase bias is not kept',
  ],
  [(e) => nonEmptyList(ownField(e, 'advancedConditions')), 'Advanced conditions are not kept'],
];
