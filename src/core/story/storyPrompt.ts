// The prompt Continue Writing sends, built from the story folder and the text before the cursor, in one
// documented order (README "Story memory"):
//   completion: memory · lore placed after memory · lore placed before the story · separator · the story,
//               with the author's note and depth-placed lore a number of lines before its end;
//   chat:       system prompt + memory + after-memory lore as the system message; before-story lore,
//               then the passage (with the note and depth lore inside) as the user message.
// Memory and the author's note are never cut: if they cannot fit, nothing is sent and the writer is told.
// Lore fills its budget by priority; the story text takes the rest, trimmed from its start.
// Pure: no vscode.
import { ChatMessage } from '../requests/buildRequest';
import { CountTokens, chatTemplateOverhead, fitPrompt } from '../continuation/promptWindow';
import { Activation, CompiledEntry, activateLore, activateLoreInTurns } from './loreActivation';
import { LoreEntry } from './loreEntry';

export interface StoryMaterial {
  memory: string;
  authorsNote: string;
  lore: readonly CompiledEntry[];
}

export interface StoryOptions {
  /** Share of the context lore may take, 0–1. */
  loreShare: number;
  scanTokens: number;
  recursionRounds: number;
  /** Lines (paragraphs) from the end of the story where the author's note goes. */
  authorsNoteDepth: number;
  /** Between memory and lore entries in completion mode. */
  partSeparator: string;
  /** Between the context block and the story in completion mode. */
  storySeparator: string;
}

export const NO_STORY: StoryMaterial = { memory: '', authorsNote: '', lore: [] };

export type PartKind = 'system' | 'memory' | 'lore' | 'authorsNote' | 'story' | 'template';

export interface PromptPart {
  kind: PartKind;
  label: string;
  tokens: number;
  /** For lore: the entry. */
  entryId?: string;
}

/** An entry's verdict after the budget: active ones that did not fit are out for 'budget'. */
export type LoreVerdict = Activation & { tokens?: number };

export interface PromptRequest {
  mode: 'completion' | 'chat';
  /** The text before the cursor, or the selection. */
  passage: string;
  overflow: 'trimStart' | 'refuse';
  systemPrompt: string;
  contextSize: number;
  maxTokens: number;
  count: CountTokens;
  story: StoryMaterial;
  options: StoryOptions;
  /** Given, the lore's rounds of entries activating entries each wait for it (a turn of the event loop). */
  nextTurn?: () => Promise<void>;
}

export type StoryPrompt =
  | {
      fits: true;
      prompt: string;
      messages: ChatMessage[];
      /** The story text as sent (after trimming), before the note was put in. */
      storyText: string;
      parts: PromptPart[];
      lore: LoreVerdict[];
      tokens: number;
      trimmedChars: number;
    }
  | { fits: false; what: 'story' | 'memory'; tokens: number; available: number; lore: LoreVerdict[] };

const SAMPLE_CHARS = 4000;

/** Puts `insert` as its own paragraph `depth` non-empty lines before the end of `story`. */
export function insertAtDepth(story: string, insert: string, depth: number): string {
  if (!insert) return story;
  const gap = /\n[ \t]*\n/.test(story) ? '\n\n' : '\n';
  let at = story.length;
  let seen = 0;
  let i = story.length;
  while (seen < depth && i > 0) {
    const lineStart = story.lastIndexOf('\n', i - 1) + 1;
    if (story.slice(lineStart, i).trim()) {
      seen++;
      at = lineStart;
    }
    i = lineStart - 1;
  }
  if (depth <= 0) return `${story}${gap}${insert}`;
  return `${story.slice(0, at)}${insert}${gap}${story.slice(at)}`;
}

function priority(a: LoreVerdict, b: LoreVerdict): number {
  const always = Number(b.active && b.why.kind === 'alwaysOn') - Number(a.active && a.why.kind === 'alwaysOn');
  if (always) return always;
  if (b.entry.order !== a.entry.order) return b.entry.order - a.entry.order;
  const near = (v: LoreVerdict) => (v.active && v.why.kind === 'key' ? v.why.index : -1);
  return near(b) - near(a);
}

/** Active entries at a position; a higher order goes later, nearer the story, where it steers most (SillyTavern's rule). */
const byPosition = (verdicts: LoreVerdict[], position: LoreEntry['position']) =>
  verdicts.filter((v) => v.active && v.entry.position === position).sort((a, b) => a.entry.order - b.entry.order);

/**
 * Keeps the active entries that fit `room`, always-on first, then by order, then nearest the cursor;
 * the rest turn inactive for 'budget'. Sets each active entry's tokens; returns the tokens used.
 */
export async function fillLoreBudget(verdicts: LoreVerdict[], room: number, count: CountTokens): Promise<number> {
  let left = room;
  for (const verdict of verdicts.filter((a) => a.active).sort(priority)) {
    const tokens = await count(verdict.entry.content);
    verdict.tokens = tokens;
    if (tokens <= left) left -= tokens;
    else Object.assign(verdict, { active: false, why: 'budget' });
  }
  return room - left;
}

export async function buildStoryPrompt(request: PromptRequest): Promise<StoryPrompt> {
  const { mode, story, options, count } = request;
  const sample = request.passage.slice(-SAMPLE_CHARS);
  const charsPerToken = sample.length ? sample.length / Math.max(1, await count(sample)) : 4;
  const activation = { scanTokens: options.scanTokens, charsPerToken, recursionRounds: options.recursionRounds };
  const activations: LoreVerdict[] = request.nextTurn
    ? await activateLoreInTurns(story.lore, request.passage, activation, request.nextTurn)
    : activateLore(story.lore, request.passage, activation);

  const overhead = mode === 'chat' ? chatTemplateOverhead(2) + (await count(request.systemPrompt)) : 0;
  const room = request.contextSize - request.maxTokens - overhead;
  const sep = mode === 'completion' ? options.partSeparator : '\n\n';
  const memoryTokens = story.memory ? await count(story.memory + sep) : 0;
  const noteTokens = story.authorsNote ? await count(story.authorsNote + '\n\n') : 0;
  if (memoryTokens + noteTokens > room) {
    return { fits: false, what: 'memory', tokens: memoryTokens + noteTokens, available: Math.max(0, room), lore: activations };
  }

  // Lore by priority within its share, and never past what memory and the note leave.
  const loreUsed = await fillLoreBudget(activations, Math.min(Math.floor(options.loreShare * request.contextSize), room - memoryTokens - noteTokens), (t) => count(t + sep));
  const storySepTokens = mode === 'completion' && (story.memory || loreUsed) ? await count(options.storySeparator) : 0;

  let storyRoom = room - memoryTokens - noteTokens - loreUsed - storySepTokens;
  for (let attempt = 0; attempt < 3; attempt++) {
    const fitted = await fitStory(request.passage, storyRoom, count, request.overflow);
    if (!fitted.fits) return { fits: false, what: 'story', tokens: fitted.tokens, available: fitted.available, lore: activations };
    const assembled = assemble(mode, request.systemPrompt, story, activations, fitted.text, options);
    const total = mode === 'completion' ? await count(assembled.prompt) : (await count(assembled.messages.map((m) => m.content).join(''))) + chatTemplateOverhead(2);
    // Tokens can merge across the joins; if the whole is over, take that much more off the story.
    if (total <= request.contextSize - request.maxTokens || attempt === 2) {
      return {
        fits: true,
        ...assembled,
        storyText: fitted.text,
        lore: activations,
        tokens: total,
        trimmedChars: fitted.trimmedChars,
        parts: partsOf(mode, request.systemPrompt ? overhead - chatTemplateOverhead(2) : 0, memoryTokens, noteTokens, activations, fitted.tokens, total),
      };
    }
    storyRoom -= total - (request.contextSize - request.maxTokens) + 4;
  }
  throw new Error('unreachable');
}

/**
 * fitPrompt on the end of the passage that holds more than fits, not the whole manuscript: every cut
 * before that window keeps even more tokens, so the cut chosen is the same, and a 150,000-word book costs
 * a few counts of a window instead of a few counts of the book after each keystroke.
 */
async function fitStory(passage: string, room: number, count: CountTokens, overflow: 'trimStart' | 'refuse') {
  const budget = { contextSize: room, maxTokens: 0, overhead: 0 };
  if (overflow === 'refuse' || room <= 0) return fitPrompt(passage, budget, count, overflow);
  // Prose runs about four characters a token; start a little past that and widen until the window is over.
  for (let span = Math.max(4096, room * 5); span < passage.length; span *= 2) {
    const start = passage.length - span;
    if ((await count(passage.slice(start))) > room) {
      const fitted = await fitPrompt(passage.slice(start), budget, count, overflow);
      return fitted.fits ? { ...fitted, trimmedChars: fitted.trimmedChars + start } : fitted;
    }
  }
  return fitPrompt(passage, budget, count, overflow);
}

function assemble(
  mode: 'completion' | 'chat',
  systemPrompt: string,
  story: StoryMaterial,
  verdicts: LoreVerdict[],
  storyText: string,
  options: StoryOptions,
): { prompt: string; messages: ChatMessage[] } {
  const texts = (list: LoreVerdict[]) => list.map((v) => v.entry.content);
  const afterMemory = texts(byPosition(verdicts, 'afterMemory'));
  const beforeStory = texts(byPosition(verdicts, 'beforeStory'));
  // Depth-placed lore and the note go in deepest first, so each keeps its own distance from the end.
  const deep = [
    ...byPosition(verdicts, 'atDepth').map((v) => ({ text: v.entry.content, depth: v.entry.depth })),
    { text: story.authorsNote, depth: options.authorsNoteDepth },
  ].sort((a, b) => b.depth - a.depth);
  let body = storyText;
  for (const { text, depth } of deep) body = insertAtDepth(body, text, depth);

  if (mode === 'completion') {
    const context = [story.memory, ...afterMemory, ...beforeStory].filter(Boolean).join(options.partSeparator);
    const prompt = context ? `${context}${options.storySeparator}${body}` : body;
    return { prompt, messages: [] };
  }
  const system = [systemPrompt, story.memory, ...afterMemory].filter((t) => t.trim()).join('\n\n');
  const user = [...beforeStory, body].filter(Boolean).join('\n\n');
  return { prompt: '', messages: [{ role: 'system', content: system }, { role: 'user', content: user }] };
}

function partsOf(
  mode: 'completion' | 'chat',
  systemTokens: number,
  memoryTokens: number,
  noteTokens: number,
  verdicts: LoreVerdict[],
  storyTokens: number,
  total: number,
): PromptPart[] {
  const parts: PromptPart[] = [];
  if (mode === 'chat' && systemTokens) parts.push({ kind: 'system', label: 'System prompt', tokens: systemTokens });
  if (memoryTokens) parts.push({ kind: 'memory', label: 'Memory', tokens: memoryTokens });
  for (const v of verdicts) if (v.active) parts.push({ kind: 'lore', label: v.entry.name, tokens: v.tokens ?? 0, entryId: v.entry.id });
  if (noteTokens) parts.push({ kind: 'authorsNote', label: "Author's note", tokens: noteTokens });
  parts.push({ kind: 'story', label: 'Story text', tokens: storyTokens });
  const rest = total - parts.reduce((sum, p) => sum + p.tokens, 0);
  if (rest > 0) parts.push({ kind: 'template', label: mode === 'chat' ? 'Chat template and separators' : 'Separators', tokens: rest });
  return parts;
}
