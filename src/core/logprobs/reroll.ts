// The prompt that rerolls a generation from one of its tokens: exactly what the model had before that
// token, then the chosen alternative (or nothing, to let it choose again).

import type { GeneratedToken, TokenAlternative } from './choiceLogprobs';
import { decodeWhole } from './utf8Assembler';

/**
 * `originalPrompt` + the generated text before token `index` + the chosen token's text, byte for byte.
 * `index` may be `tokens.length` (go on from the end). Undefined when no text prompt can say it:
 * - token `index` starts inside a character (earlier byte tokens began it): a plain reroll there would
 *   have to send half a character (use `characterStart`), and an alternative must complete it;
 * - the alternative is itself part of a character, or known only as U+FFFD.
 */
export function rerollPrompt(
  originalPrompt: string,
  tokens: readonly GeneratedToken[],
  index: number,
  chosen?: TokenAlternative,
): string | undefined {
  return rerollParts(originalPrompt, tokens, index, chosen)?.prompt;
}

/** rerollPrompt, with the chosen token's text apart ('' for a plain reroll): what goes into the document. */
export function rerollParts(
  originalPrompt: string,
  tokens: readonly GeneratedToken[],
  index: number,
  chosen?: TokenAlternative,
): { prompt: string; chosen: string } | undefined {
  if (!Number.isInteger(index) || index < 0 || index > tokens.length) return undefined;
  let before = '';
  for (let i = 0; i < index; i++) before += tokens[i].text;
  const carried = tokens[index]?.carried ?? [];
  if (!chosen) return carried.length > 0 ? undefined : { prompt: originalPrompt + before, chosen: '' };
  const added = chosenText(carried, chosen);
  return added === undefined ? undefined : { prompt: originalPrompt + before + added, chosen: added };
}

function chosenText(carried: readonly number[], chosen: TokenAlternative): string | undefined {
  if (chosen.bytes) return decodeWhole([...carried, ...chosen.bytes]);
  if (carried.length > 0 || chosen.text.includes('\uFFFD')) return undefined;
  return chosen.text;
}

/** The token where the character that token `index` starts in begins: where a plain reroll can cut. */
export function characterStart(tokens: readonly GeneratedToken[], index: number): number {
  let i = Math.max(0, Math.min(index, tokens.length));
  while (i > 0 && i < tokens.length && (tokens[i].carried?.length ?? 0) > 0) i--;
  return i;
}
