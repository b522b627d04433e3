import type { Usage } from './completionStream';

/**
 * One request's usage from what the stream reported. Servers differ:
 * - vLLM and OpenAI send one request-wide report in a chunk with no choices (include_usage): it
 *   already counts every choice and wins;
 * - llama.cpp with n > 1 reports each choice's usage on that choice's last chunk, so they add up;
 * - some servers repeat a running report on every chunk of a choice: the last one per choice counts.
 * The prompt is one prompt whatever n is, so it is counted once, as OpenAI does.
 */
export class UsageTally {
  private readonly perChoice = new Map<number, Usage>();
  private whole: Usage | undefined;

  add(usage: Usage, index?: number): void {
    if (index === undefined) this.whole = usage;
    else this.perChoice.set(index, usage);
  }

  get total(): Usage | undefined {
    if (this.whole) return this.whole;
    if (this.perChoice.size === 0) return undefined;
    let promptTokens = 0;
    let completionTokens = 0;
    for (const usage of this.perChoice.values()) {
      promptTokens = Math.max(promptTokens, usage.promptTokens);
      completionTokens += usage.completionTokens;
    }
    return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
  }
}
