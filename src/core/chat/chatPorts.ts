// What the chat's logic (chatController.ts, chatGeneration.ts) needs from the world, as plain interfaces:
// the glue (src/chat/chatSession.ts) implements them with VS Code and Inkwell's services; the unit tests
// with fakes. Nothing here knows about `vscode`.
import type { ProviderError } from '../errors/providerError';
import type { SamplingSettings } from '../providers/samplingParams';
import type { ChatMessage } from '../requests/buildRequest';
import type { ChatStore, Conversation } from './transcript';
import type { GeneratedToken } from '../logprobs/choiceLogprobs';

/** The provider and model a request goes to, by id (the glue resolves the profile). */
export interface ChatTarget {
  providerId: string;
  model: string;
}

export interface ChatProviders {
  active(): ChatTarget;
  profiles(): { id: string; label: string }[];
  selectProvider(id: string): Promise<void>;
  selectModel(model: string): Promise<void>;
  /** Model ids the provider lists (the session's one model-list cache; `refresh` fetches again). */
  listModels(providerId: string, refresh: boolean): Promise<string[]>;
}

export interface ChatGenerationRequest {
  target: ChatTarget;
  sampling: SamplingSettings;
  messages: ChatMessage[];
  signal: AbortSignal;
  onText(index: number, text: string): void;
  /** Ask for each token's top K alternatives (0 or absent: not asked). */
  topLogprobs?: number;
}

export interface ChatGenerationResult {
  outcome: 'done' | 'truncated' | 'error' | 'aborted';
  error?: ProviderError;
  tokens: number;
  foldedSystemPrompt: boolean;
  /** The reply's tokens with their probabilities, when asked and the provider gave them. */
  probabilities?: readonly GeneratedToken[];
}

export interface ChatModel {
  generate(request: ChatGenerationRequest): Promise<ChatGenerationResult>;
  /** Tokens in `text` with the target's tokenizer, and the target's context size. */
  measure(text: string, target: ChatTarget): Promise<{ used: number; context: number }>;
}

/** The editor, the clipboard, commands and notifications. */
export interface ChatHost {
  writeClipboard(text: string): Promise<void>;
  runCommand(command: string): Promise<void>;
  showInformation(text: string): void;
  applyToEditor(text: string, how: 'insert' | 'replace'): Promise<{ ok: true } | { ok: false; reason: string }>;
  log(line: string): void;
  /** The error for the writer: the provider's words, a next step, never a key. */
  describeError(error: unknown): string;
  /** The window's chat settings, read when needed (the chat is about no one document). */
  settings(): { chatSystemPrompt: string; sampling: SamplingSettings; probabilitiesTopK?: number };
  /** The story folder's memory, the lore the conversation activates and the author's note, for after the system prompt. */
  storyContext?(conversation: string, target: ChatTarget): Promise<string>;
}

/** Where conversations are kept (workspace storage, through ChatHistory). */
export interface ChatStorage {
  readonly store: ChatStore;
  save(changed: Conversation): void;
}

/** Timers, so tests can run the debounces and the streaming flush on a fake clock. */
export interface ChatTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: ChatTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};
