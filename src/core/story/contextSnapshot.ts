// What the context view shows of one prompt ("What the model sees", README): the parts with their
// tokens and share of the context, each lore entry with why it is in or out, and the request body.
// Made from a built StoryPrompt by the glue, which knows the document (for line numbers); turned into
// words here, so the view and its tests read the same sentences. Pure: no vscode.
import { formatInt } from '../tokens/format';
import { MAX_COUNTED } from './keyMatcher';
import { ActiveWhy, InactiveWhy } from './loreActivation';
import { SecondaryLogic } from './loreEntry';
import { LoreVerdict, PartKind, PromptPart, StoryPrompt } from './storyPrompt';

export type ContextTab = 'next' | 'last';

/** One lore entry's verdict, without its text (the view lists a thousand of them). */
export interface LoreRow {
  id: string;
  name: string;
  active: boolean;
  why: ActiveWhy | InactiveWhy;
  /** For a key match: the 1-based line of the document where the key was found (nearest the cursor). */
  line?: number;
  /** For an entry another entry's text activated: that entry's name. */
  viaName?: string;
  /** The tokens its text costs, once the budget step has counted it. */
  tokens?: number;
  /** How far back from the cursor its keys were looked for. */
  scanTokens: number;
  hasKeys: boolean;
  secondaryKeys: string[];
  secondaryLogic: SecondaryLogic;
}

export type PromptOutcome =
  | { fits: true; parts: PromptPart[]; tokens: number; trimmedChars: number }
  | { fits: false; what: 'story' | 'memory'; tokens: number; available: number };

export interface ContextSnapshot {
  tab: ContextTab;
  /** The manuscript's file name and where the prompt ends: "chapter-01.md, line 12". */
  source: string;
  model: string;
  /** Which tokenizer counted, and whether the counts are exact. */
  tokenizer: string;
  exact: boolean;
  mode: 'completion' | 'chat';
  contextSize: number;
  maxTokens: number;
  /** Date.now() when it was sent (the last-sent tab). */
  sentAt?: number;
  outcome: PromptOutcome;
  lore: LoreRow[];
  /** The request as it goes: address and body; the key travels in a header, never here. */
  request?: { url: string; body: Record<string, unknown> };
}

/** What a tab shows when there is no prompt: no manuscript, no model, nothing before the cursor, nothing sent yet. */
export interface EmptySnapshot {
  tab: ContextTab;
  empty: string;
}

export interface ContextPanelState {
  next: ContextSnapshot | EmptySnapshot;
  last: ContextSnapshot | EmptySnapshot;
}

export const isEmptySnapshot = (s: ContextSnapshot | EmptySnapshot): s is EmptySnapshot => 'empty' in s;

export function outcomeOf(built: StoryPrompt): PromptOutcome {
  return built.fits
    ? { fits: true, parts: built.parts, tokens: built.tokens, trimmedChars: built.trimmedChars }
    : { fits: false, what: built.what, tokens: built.tokens, available: built.available };
}

/**
 * The verdicts as rows, in the order the view lists them: in before out, each by its decision's
 * strength (always on, then by key, then through another entry; budget, secondary, no match, disabled).
 * `lineOf` turns an offset in the passage into a document line.
 */
export function loreRows(verdicts: readonly LoreVerdict[], lineOf: (index: number) => number, defaultScanTokens: number): LoreRow[] {
  const names = new Map(verdicts.map((v) => [v.entry.id, v.entry.name]));
  const rows = verdicts.map((v): LoreRow => {
    const { entry } = v;
    const row: LoreRow = {
      id: entry.id,
      name: entry.name,
      active: v.active,
      why: v.why,
      scanTokens: entry.scanTokens ?? defaultScanTokens,
      hasKeys: entry.keys.length > 0,
      secondaryKeys: entry.secondaryKeys,
      secondaryLogic: entry.secondaryLogic,
    };
    if (v.tokens !== undefined) row.tokens = v.tokens;
    if (v.active && v.why.kind === 'key') row.line = lineOf(v.why.index);
    if (v.active && v.why.kind === 'recursion') row.viaName = names.get(v.why.via) ?? v.why.via;
    return row;
  });
  return rows.map((row, i) => ({ row, i })).sort((a, b) => rank(a.row) - rank(b.row) || a.i - b.i).map((r) => r.row);
}

const RANK: Record<string, number> = { alwaysOn: 0, key: 1, recursion: 2, budget: 3, secondary: 4, 'no-match': 5, disabled: 6 };
const rank = (row: LoreRow) => RANK[typeof row.why === 'string' ? row.why : row.why.kind];

const quoted = (text: string) => `“${text}”`;
const LOGIC_WORDS: Record<SecondaryLogic, string> = { any: 'any of', all: 'all of', notAny: 'none of', notAll: 'not all of' };

/** Why an entry is in or out, in the writer's words: "key “Wren” at line 12 · 3 matches", "over the lore budget". */
export function whyText(row: LoreRow): string {
  const why = row.why;
  if (typeof why !== 'string') {
    switch (why.kind) {
      case 'alwaysOn':
        return 'always on';
      case 'key': {
        const count = why.count >= MAX_COUNTED ? `${formatInt(MAX_COUNTED)}+ matches` : why.count > 1 ? `${formatInt(why.count)} matches` : '';
        return [`key ${quoted(why.key)}${row.line !== undefined ? ` at line ${formatInt(row.line)}` : ''}`, count].filter(Boolean).join(' · ');
      }
      case 'recursion':
        return `via entry ${quoted(row.viaName ?? why.via)} (key ${quoted(why.key)} in its text)`;
    }
  }
  switch (why) {
    case 'disabled':
      return 'disabled';
    case 'no-match':
      return row.hasKeys ? `no key in the last ${formatInt(row.scanTokens)} tokens` : 'no keys, and not always on';
    case 'budget':
      return `over the lore budget${row.tokens !== undefined ? ` (needs ${formatInt(row.tokens)} tokens)` : ''}`;
    case 'secondary':
      return `a key matched, but the secondary keys did not: needs ${LOGIC_WORDS[row.secondaryLogic]} ${row.secondaryKeys.map(quoted).join(', ')}`;
  }
}

export type SegmentKind = PartKind | 'reply';

export interface BarSegment {
  kind: SegmentKind;
  label: string;
  tokens: number;
  /** Percent of the context, in hundredths; the segments' shares add up to exactly 100. */
  share: number;
}

/**
 * The context as a row of segments: the prompt's parts in the order they are sent, then the room left
 * for the reply. Shares are of the context (of the prompt, if it is over the context), rounded by
 * largest remainder to hundredths of a percent so they add up to 100 exactly.
 */
export function barSegments(parts: readonly PromptPart[], contextSize: number): BarSegment[] {
  const used = parts.reduce((sum, p) => sum + Math.max(0, p.tokens), 0);
  const segments: Omit<BarSegment, 'share'>[] = parts.map((p) => ({ kind: p.kind, label: p.label, tokens: Math.max(0, p.tokens) }));
  segments.push({ kind: 'reply', label: 'Room for the reply', tokens: Math.max(0, contextSize - used) });
  const whole = Math.max(used, contextSize);
  if (whole <= 0) return segments.map((s, i) => ({ ...s, share: i === segments.length - 1 ? 100 : 0 }));
  const UNITS = 10_000;
  const exact = segments.map((s) => (s.tokens / whole) * UNITS);
  const floors = exact.map(Math.floor);
  let left = UNITS - floors.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => ({ i, r: e - floors[i] })).sort((a, b) => b.r - a.r);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    floors[i]++;
    left--;
  }
  return segments.map((s, i) => ({ ...s, share: floors[i] / 100 }));
}

/** The status bar's words: active entries and the share of the context the prompt takes. */
export function statusText(snapshot: ContextSnapshot): string {
  const active = snapshot.lore.filter((r) => r.active).length;
  const used = snapshot.outcome.fits ? `${Math.round((snapshot.outcome.tokens / Math.max(1, snapshot.contextSize)) * 100)}%` : 'over';
  return `${active} lore · ${used}`;
}
