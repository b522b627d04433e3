// The conversation's token count for the panel: taken again after a quiet time whenever what the
// model would be sent changes, and posted only if no later count was started meanwhile (counts may
// finish out of order). Part of ChatController, apart so that each file stays readable.
import type { ExtensionToWebview } from '../protocol/chatProtocol';
import { countedText } from './chatGeneration';
import type { ChatHost, ChatModel, ChatProviders, ChatTimers } from './chatPorts';
import { modelMessages, type Conversation } from './transcript';

/** Quiet time before the conversation's token count is taken again. */
export const TOKENS_DEBOUNCE_MS = 250;

/** What the count needs from the controller around it. */
export interface TokenCountContext {
  providers: ChatProviders;
  model: ChatModel;
  host: ChatHost;
  timers: ChatTimers;
  current(): Conversation;
  systemPromptFor(conversation: Conversation): string;
  /** Whether a page or a test would see the count: if not, it is not taken. */
  listening(): boolean;
  post(message: ExtensionToWebview): void;
}

export class ChatTokenCount {
  private timer: unknown;
  private generation = 0;

  constructor(private readonly context: TokenCountContext) {}

  /** Takes the count `delay` ms from now, unless asked again before. */
  schedule(delay = TOKENS_DEBOUNCE_MS): void {
    const { timers } = this.context;
    if (this.timer !== undefined) timers.clearTimeout(this.timer);
    this.timer = timers.setTimeout(() => void this.take(), delay);
  }

  private async take(): Promise<void> {
    this.timer = undefined;
    const { providers, model, host } = this.context;
    if (!this.context.listening()) return;
    const generation = ++this.generation;
    const conversation = this.context.current();
    const text = countedText(modelMessages(conversation, this.context.systemPromptFor(conversation)));
    try {
      const { used, context } = await model.measure(text, providers.active());
      if (generation === this.generation) this.context.post({ type: 'tokens', tokens: { used, context } });
    } catch (error) {
      host.log(`Chat: token count unavailable: ${String(error)}`);
      if (generation === this.generation) this.context.post({ type: 'tokens', tokens: undefined });
    }
  }

  dispose(): void {
    if (this.timer !== undefined) this.context.timers.clearTimeout(this.timer);
  }
}
