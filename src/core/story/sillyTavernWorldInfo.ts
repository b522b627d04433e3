// SillyTavern world info (a "world" / lorebook JSON file) in and out. The format, as SillyTavern's
// public/scripts/world-info.js defines it: `{ "entries": { "<uid>": entry } }`, each entry shaped by
// `newWorldInfoEntryDefinition`, with `selectiveLogic` from `world_info_logic` and `position` from
// `world_info_position`. Whatever Inkwell cannot express becomes a warning; nothing is dropped silently.
// Pure: no vscode.

import { isRecord } from '../json';
import { entryIdAllocator } from './entryIds';
import { LORE_DEFAULTS, type LoreEntry, type LorePosition, type SecondaryLogic } from './loreEntry';
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

/** `world_info_logic`: AND_ANY 0, NOT_ALL 1, NOT_ANY 2, AND_ALL 3, by index. */
const LOGIC: readonly SecondaryLogic[] = ['any', 'notAll', 'notAny', 'all'];

/** `world_info_position`. */
const ST_POSITION = { before: 0, after: 1, anTop: 2, anBottom: 3, atDepth: 4, emTop: 5, emBottom: 6 } as const;
/** `DEFAULT_DEPTH`: an entry's default depth, and the author's note's default depth in a chat. */
const ST_DEFAULT_DEPTH = 4;
/** `MAX_SCAN_DEPTH`, in messages. */
const ST_MAX_SCAN_DEPTH = 1000;

/**
 * SillyTavern scans a number of chat messages; Inkwell scans tokens before the cursor. A chat message is a
 * paragraph or two: at 125 tokens a message, SillyTavern's default of 2 messages is 250 tokens, the reach of
 * NovelAI's default 1,000-character search range.
 */
export const TOKENS_PER_MESSAGE = 125;

type StEntry = Record<string, unknown>;

/** Reads a SillyTavern world info file (already parsed from JSON). Never throws; see `warnings` for what was lost. */
export function importSillyTavern(json: unknown): LorebookImport {
  const warnings = new ImportWarnings();
  const raw = isRecord(json) ? ownField(json, 'entries') : undefined;
  if (isRecord(json) && ownField(json, 'lorebookVersion') !== undefined) {
    warnings.add('This is a NovelAI lorebook, not SillyTavern world info');
    return { entries: [], warnings: warnings.list() };
  }
  if (!isRecord(raw) && !Array.isArray(raw)) {
    warnings.add('Not SillyTavern world info: there is no "entries" object');
    return { entries: [], warnings: warnings.list() };
  }
  const records = boundedRecords(raw, warnings)
    .map((entry, index) => ({ entry, index, rank: finiteNumber(ownField(entry, 'displayIndex')) ?? finiteNumber(ownField(entry, 'uid')) ?? index }))
    // SillyTavern lists entries by displayIndex (else uid); keep that order so ids and dedupe are stable.
    .sort((a, b) => a.rank - b.rank || a.index - b.index);
  const allocateId = entryIdAllocator();
  const entries = records.map(({ entry }, i) => fromSillyTavern(entry, i, allocateId, warnings));
  return { entries, warnings: warnings.list() };
}

function fromSillyTavern(e: StEntry, index: number, allocateId: (text: string) => string, warnings: ImportWarnings): LoreEntry {
  const comment = entryName(ownField(e, 'comment'));
  const keys = keyList(ownField(e, 'key'), comment ?? `entry ${index + 1}`, warnings);
  const name = comment ?? entryName(keys[0]) ?? `Entry ${index + 1}`;
  let secondaryKeys = keyList(ownField(e, 'keysecondary'), name, warnings);
  if (ownField(e, 'selective') === false && secondaryKeys.length > 0) {
    warnings.add('Secondary keys that were switched off (selective: false) were dropped', name);
    secondaryKeys = [];
  }
  const { position, depth } = placement(e, name, warnings);
  const wholeWords = ownField(e, 'matchWholeWords');
  if (typeof wholeWords !== 'boolean') {
    warnings.add(
      `Followed SillyTavern's global "match whole words" setting (off by default there); Inkwell's default applies (${LORE_DEFAULTS.wholeWords ? 'whole words' : 'anywhere in a word'})`,
      name,
    );
  }
  for (const [lost, message] of NOT_KEPT) if (lost(e)) warnings.add(message, name);
  return importedEntry(allocateId(name), {
    name,
    keys,
    secondaryKeys,
    secondaryLogic: secondaryLogic(ownField(e, 'selectiveLogic'), name, warnings),
    caseSensitive: optionalBoolean(ownField(e, 'caseSensitive')) ?? LORE_DEFAULTS.caseSensitive,
    wholeWords: optionalBoolean(wholeWords) ?? LORE_DEFAULTS.wholeWords,
    alwaysOn: ownField(e, 'constant') === true,
    enabled: ownField(e, 'disable') !== true,
    order: boundedInt(ownField(e, 'order'), -LOREBOOK_LIMITS.order, LOREBOOK_LIMITS.order, LORE_DEFAULTS.order),
    position,
    depth,
    scanTokens: scanTokens(ownField(e, 'scanDepth'), name, warnings),
    // preventRecursion: this entry's text does not activate others. (excludeRecursion, the other direction, is in NOT_KEPT.)
    recursive: ownField(e, 'preventRecursion') !== true,
    content: entryContent(ownField(e, 'content'), name, warnings),
  });
}

function placement(e: StEntry, name: string, warnings: ImportWarnings): { position: LorePosition; depth: number } {
  const raw = ownField(e, 'position');
  const depth = boundedInt(ownField(e, 'depth'), 0, LOREBOOK_LIMITS.depth, ST_DEFAULT_DEPTH);
  switch (raw ?? ST_POSITION.before) {
    // Inkwell has no "before memory": both character-definition slots land between memory and the story.
    case ST_POSITION.before:
      return { position: 'beforeStory', depth };
    case ST_POSITION.after:
      return { position: 'afterMemory', depth };
    case ST_POSITION.atDepth:
      if (typeof ownField(e, 'role') === 'number' && ownField(e, 'role') !== 0) {
        warnings.add('The message role at depth (user or assistant) is not kept: prose has no roles', name);
      }
      return { position: 'atDepth', depth };
    case ST_POSITION.anTop:
    case ST_POSITION.anBottom:
      warnings.add(`Placed with the author's note there; here at depth ${ST_DEFAULT_DEPTH}, SillyTavern's default author's note depth`, name);
      return { position: 'atDepth', depth: ST_DEFAULT_DEPTH };
    case ST_POSITION.emTop:
    case ST_POSITION.emBottom:
      warnings.add('Placed with the example messages there; here just before the story', name);
      return { position: 'beforeStory', depth };
    default:
      warnings.add('A position Inkwell does not have (an outlet or unknown number); placed just before the story', name);
      return { position: 'beforeStory', depth };
  }
}

function secondaryLogic(raw: unknown, name: string, warnings: ImportWarnings): SecondaryLogic {
  if (raw === undefined || raw === null) return LORE_DEFAULTS.secondaryLogic;
  const logic = typeof raw === 'number' && Number.isInteger(raw) ? LOGIC[raw] : undefined;
  if (logic) return logic;
  warnings.add('An unknown secondary-key logic was read as AND ANY', name);
  return 'any';
}

function scanTokens(raw: unknown, name: string, warnings: ImportWarnings): number | undefined {
  const messages = finiteNumber(raw);
  if (messages === undefined) return undefined;
  warnings.add(`Scan depth converted from chat messages to tokens at about ${TOKENS_PER_MESSAGE} tokens a message`, name);
  return boundedInt(messages, 0, ST_MAX_SCAN_DEPTH, 0) * TOKENS_PER_MESSAGE;
}

function optionalBoolean(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

const positive = (v: unknown): boolean => (finiteNumber(v) ?? 0) > 0;
const nonEmptyList = (v: unknown): boolean => Array.isArray(v) && v.length > 0;

/** SillyTavern features with no Inkwell equivalent, each a warning when an entry uses it. */
const NOT_KEPT: ReadonlyArray<readonly [(e: StEntry) => boolean, string]> = [
  [
    (e) => ownField(e, 'useProbability') === true && (finiteNumber(ownField(e, 'probability')) ?? 100) < 100,
    'Activation probability is not kept: the entry goes in whenever its keys match',
  ],
  [(e) => ownField(e, 'excludeRecursion') === true, "Can still be activated by other entries' text (excludeRecursion is not kept)"],
  [(e) => ownField(e, 'delayUntilRecursion') === true || positive(ownField(e, 'delayUntilRecursion')), 'Delay until recursion is not kept'],
  [(e) => typeof ownField(e, 'group') === 'string' && ownField(e, 'group') !== '', 'Inclusion groups are not kept'],
  [
    (e) => positive(ownField(e, 'sticky')) || positive(ownField(e, 'cooldown')) || positive(ownField(e, 'delay')),
    'Timed effects (sticky, cooldown, delay) are not kept',
  ],
  [(e) => ownField(e, 'vectorized') === true, 'Vector matching is not kept: only keys activate the entry'],
  [(e) => ownField(e, 'ignoreBudget') === true, 'Ignoring the lore budget is not kept'],
  [
    (e) =>
      ['matchPersonaDescription', 'matchCharacterDescription', 'matchCharacterPersonality', 'matchCharacterDepthPrompt', 'matchScenario', 'matchCreatorNotes'].some(
        (field) => ownField(e, field) === true,
      ),
    'Matching keys in character, persona or scenario fields is not kept',
  ],
  [
    (e) => {
      const filter = ownField(e, 'characterFilter');
      return (
        nonEmptyList(ownField(e, 'characterFilterNames')) ||
        (isRecord(filter) && (nonEmptyList(ownField(filter, 'names')) || nonEmptyList(ownField(filter, 'tags'))))
      );
    },
    'Character filters are not kept',
  ],
  [(e) => nonEmptyList(ownField(e, 'triggers')), 'Generation-type triggers are not kept'],
];

/** One entry as SillyTavern writes it (every field of `newWorldInfoEntryDefinition`, plus uid and displayIndex). */
export interface SillyTavernEntry {
  uid: number;
  key: string[];
  keysecondary: string[];
  comment: string;
  content: string;
  constant: boolean;
  vectorized: boolean;
  selective: boolean;
  selectiveLogic: number;
  addMemo: boolean;
  order: number;
  position: number;
  disable: boolean;
  excludeRecursion: boolean;
  preventRecursion: boolean;
  delayUntilRecursion: number;
  probability: number;
  useProbability: boolean;
  depth: number;
  group: string;
  groupOverride: boolean;
  groupWeight: number;
  scanDepth: number | null;
  caseSensitive: boolean | null;
  matchWholeWords: boolean | null;
  useGroupScoring: boolean | null;
  automationId: string;
  role: number;
  sticky: number | null;
  cooldown: number | null;
  delay: number | null;
  displayIndex: number;
}

export interface SillyTavernWorldInfo {
  entries: Record<string, SillyTavernEntry>;
}

const EXPORT_POSITION: Record<LorePosition, number> = {
  beforeStory: ST_POSITION.before,
  afterMemory: ST_POSITION.after,
  atDepth: ST_POSITION.atDepth,
};

/**
 * A SillyTavern world info file (to be written with JSON.stringify). Case and whole-word matching are written
 * out, not left to SillyTavern's global settings, so the entries match there as they do here.
 */
export function exportSillyTavern(entries: LoreEntry[]): SillyTavernWorldInfo {
  const out: Record<string, SillyTavernEntry> = {};
  entries.forEach((entry, uid) => {
    out[String(uid)] = {
      uid,
      key: [...entry.keys],
      keysecondary: [...entry.secondaryKeys],
      comment: entry.name,
      content: entry.content,
      constant: entry.alwaysOn,
      vectorized: false,
      selective: true,
      selectiveLogic: LOGIC.indexOf(entry.secondaryLogic),
      addMemo: true,
      order: entry.order,
      position: EXPORT_POSITION[entry.position],
      disable: !entry.enabled,
      excludeRecursion: false,
      preventRecursion: !entry.recursive,
      delayUntilRecursion: 0,
      probability: 100,
      useProbability: true,
      depth: entry.depth,
      group: '',
      groupOverride: false,
      groupWeight: 100,
      scanDepth: entry.scanTokens === undefined ? null : Math.min(ST_MAX_SCAN_DEPTH, Math.max(0, Math.ceil(entry.scanTokens / TOKENS_PER_MESSAGE))),
      caseSensitive: entry.caseSensitive,
      matchWholeWords: entry.wholeWords,
      useGroupScoring: null,
      automationId: '',
      role: 0,
      sticky: null,
      cooldown: null,
      delay: null,
      displayIndex: uid,
    };
  });
  return { entries: out };
}
