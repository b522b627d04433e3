export type CountTokens = (text: string) => Promise<number>;

export interface PromptBudget {
  contextSize: number;
  maxTokens: number;
  /** Tokens the request spends besides the passage: system prompt, chat template. */
  overhead: number;
}

export type FittedPrompt =
  | { fits: true; text: string; tokens: number; trimmedChars: number }
  | { fits: false; tokens: number; available: number };

/**
 * Tokens a chat template adds per message (role markers, separators) beyond the text itself. One
 * rule for Continue Writing in chat mode (system + user: 16) and the chat panel (8 per message).
 */
export const CHAT_TOKENS_PER_MESSAGE = 8;

export function chatTemplateOverhead(messageCount: number): number {
  return messageCount * CHAT_TOKENS_PER_MESSAGE;
}

export function available(budget: PromptBudget): number {
  return budget.contextSize - budget.maxTokens - budget.overhead;
}

/** Where a trimmed prompt may start, cleanest first: after paragraph breaks, else after sentence ends, else after spaces. */
const CUTS = [/\n\s*\n/g, /[.!?…]["”’)]?\s+/g, /\s+/g];

/**
 * The offsets after each match of `cut`. Found one level at a time, only when the cleaner level did not
 * do: every space of a long window is a hundred thousand matches, tens of milliseconds of one block.
 */
function cutPoints(text: string, cut: RegExp): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(cut)) out.push(m.index + m[0].length);
  return out;
}

/**
 * The longest tail of `text` that fits the budget, starting at the cleanest boundary available
 * (paragraph, then sentence, then word). `refuse` answers with the numbers instead of trimming.
 */
export async function fitPrompt(
  text: string,
  budget: PromptBudget,
  count: CountTokens,
  overflow: 'trimStart' | 'refuse',
): Promise<FittedPrompt> {
  const room = available(budget);
  const whole = await count(text);
  if (whole <= room) return { fits: true, text, tokens: whole, trimmedChars: 0 };
  if (overflow === 'refuse' || room <= 0) return { fits: false, tokens: whole, available: Math.max(0, room) };

  // Where the cut should fall if the text's tokens were spread evenly: the search starts there.
  const guessStart = text.length - (room * text.length) / whole;
  for (const [level, cut] of CUTS.entries()) {
    const points = cutPoints(text, cut);
    const best = await earliestFitting(points, room, firstAtOrAfter(points, guessStart), (at) => count(text.slice(at)));
    // A cut that keeps less than a quarter of the room is worse than a finer-grained cut.
    if (best && (best.tokens >= room / 4 || level === CUTS.length - 1)) return { fits: true, text: text.slice(best.at), tokens: best.tokens, trimmedChars: best.at };
  }
  return { fits: false, tokens: whole, available: room };
}

function firstAtOrAfter(points: number[], offset: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, points.length - 1);
}

/**
 * The earliest cut whose tail fits (tails shrink as the cut moves right). The first probe is `guess`,
 * then steps double away from it until the answer is bracketed, then halve: near a good guess that is a
 * few counts instead of a bisection's log2(cuts), each count a pass over a long window. Same answer.
 */
async function earliestFitting(
  points: number[],
  room: number,
  guess: number,
  countAt: (at: number) => Promise<number>,
): Promise<{ at: number; tokens: number } | undefined> {
  let lo = 0;
  let hi = points.length - 1;
  let best: { at: number; tokens: number } | undefined;
  let probe = guess;
  let step = 1;
  let lastFit: boolean | undefined;
  let galloping = true;
  while (lo <= hi) {
    const tokens = await countAt(points[probe]);
    const fit = tokens <= room;
    if (fit) {
      best = { at: points[probe], tokens };
      hi = probe - 1;
    } else {
      lo = probe + 1;
    }
    if (lastFit !== undefined && lastFit !== fit) galloping = false;
    lastFit = fit;
    if (galloping) {
      probe = fit ? probe - step : probe + step;
      step *= 2;
      probe = Math.max(lo, Math.min(hi, probe));
    } else {
      probe = (lo + hi) >> 1;
    }
  }
  return best;
}
