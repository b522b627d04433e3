// Fakes for the chat controller's unit tests: a clock whose timers the test runs, a model whose
// streams the test feeds, a host that records what reached the clipboard and the editor, and a
// controller wired to them that records what it posted to the page.
import { ChatController } from '../../src/core/chat/chatController';
import type { ChatGenerationRequest, ChatGenerationResult, ChatHost, ChatModel, ChatProviders, ChatTimers } from '../../src/core/chat/chatPorts';
import { ChatStore, Conversation } from '../../src/core/chat/transcript';
import { ProviderError } from '../../src/core/errors/providerError';
import type { ExtensionToWebview } from '../../src/core/protocol/chatProtocol';

export class FakeClock implements ChatTimers {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  now(): number {
    return this.t;
  }
  /** Moves the clock, running each due timer, and lets promise chains settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
    await settle();
  }
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

/** A model whose streams the test feeds piece by piece. */
export class FakeModel implements ChatModel {
  requests: ChatGenerationRequest[] = [];
  used = 100;
  context = 8192;
  private finish: ((r: ChatGenerationResult) => void) | undefined;
  generate(request: ChatGenerationRequest): Promise<ChatGenerationResult> {
    this.requests.push(request);
    return new Promise((resolve) => {
      this.finish = resolve;
      request.signal.addEventListener('abort', () => resolve({ outcome: 'aborted', tokens: 0, foldedSystemPrompt: false }));
    });
  }
  text(piece: string): void {
    this.requests[this.requests.length - 1].onText(0, piece);
  }
  end(result: Partial<ChatGenerationResult> = {}): void {
    this.finish?.({ outcome: 'done', tokens: 3, foldedSystemPrompt: false, ...result });
  }
  async measure(): Promise<{ used: number; context: number }> {
    return { used: this.used, context: this.context };
  }
}

export function setup(extra: Partial<ChatHost> = {}) {
  const clock = new FakeClock();
  const model = new FakeModel();
  const store = new ChatStore();
  const saved: Conversation[] = [];
  const commands: string[] = [];
  const clipboard: string[] = [];
  const applied: string[] = [];
  let selected = 'story-model';
  const providers: ChatProviders = {
    active: () => ({ providerId: 'p1', model: selected }),
    profiles: () => [{ id: 'p1', label: 'One' }],
    selectProvider: async () => undefined,
    selectModel: async (m) => {
      selected = m;
    },
    listModels: async () => ['story-model', 'other-model'],
  };
  const host: ChatHost = {
    writeClipboard: async (t) => void clipboard.push(t),
    runCommand: async (c) => void commands.push(c),
    showInformation: () => undefined,
    applyToEditor: async (text) => {
      applied.push(text);
      return { ok: true };
    },
    log: () => undefined,
    describeError: (e) => (e instanceof ProviderError ? `described: ${e.kind}` : String(e)),
    settings: () => ({ chatSystemPrompt: 'You help a novelist.', sampling: { temperature: 0.8, max_tokens: 300, n: 3 } }),
    ...extra,
  };
  const chat = new ChatController({ providers, model, host, storage: { store, save: (c) => saved.push(c) }, timers: clock });
  const posted: ExtensionToWebview[] = [];
  chat.connect((m) => posted.push(m));
  return { chat, clock, model, store, saved, commands, clipboard, applied, posted, selected: () => selected };
}

export const ofType = <T extends ExtensionToWebview['type']>(posted: ExtensionToWebview[], type: T) =>
  posted.filter((m): m is Extract<ExtensionToWebview, { type: T }> => m.type === type);

/** A message's text as the page has it after everything posted: the last whole view, then what was appended. */
export function pageText(posted: ExtensionToWebview[], messageId: string): string | undefined {
  let text: string | undefined;
  for (const m of posted) {
    if (m.type === 'conversation') text = m.conversation.messages.find((v) => v.id === messageId)?.text ?? text;
    else if (m.type === 'message' && m.message.id === messageId) text = m.message.text;
    else if (m.type === 'appendText' && m.messageId === messageId) text = (text ?? '') + m.text;
  }
  return text;
}
