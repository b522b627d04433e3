// The story folder in the chat panel: memory, the lore the conversation activates and the author's
// note, as one block after the chat's system prompt. The chat is about the story as a whole, so every
// active entry goes in the same block whatever its position; lore keeps its share of the context.
// Pure: no vscode.
import { CountTokens } from '../continuation/promptWindow';
import { activateLore } from './loreActivation';
import { LoreVerdict, StoryMaterial, StoryOptions, fillLoreBudget } from './storyPrompt';

export interface ChatStory {
  /** What follows the system prompt; empty when the folder adds nothing. */
  text: string;
  lore: LoreVerdict[];
}

export async function chatStoryContext(
  story: StoryMaterial,
  conversation: string,
  options: StoryOptions,
  contextSize: number,
  count: CountTokens,
): Promise<ChatStory> {
  const sample = conversation.slice(-4000);
  const charsPerToken = sample.length ? sample.length / Math.max(1, await count(sample)) : 4;
  const lore: LoreVerdict[] = activateLore(story.lore, conversation, { scanTokens: options.scanTokens, charsPerToken, recursionRounds: options.recursionRounds });
  await fillLoreBudget(lore, Math.floor(options.loreShare * contextSize), count);
  const entries = lore.filter((v) => v.active).sort((a, b) => a.entry.order - b.entry.order).map((v) => v.entry.content);
  const parts = [story.memory, ...entries, story.authorsNote ? `Author's note: ${story.authorsNote}` : ''].filter((t) => t.trim());
  return { text: parts.join('\n\n'), lore };
}
