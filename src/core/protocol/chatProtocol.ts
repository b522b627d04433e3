// The chat panel's protocol: every message either side may post, as discriminated unions, and the
// validator the extension runs on everything the webview sends (docs/security.md, item 9). Shared by the
// extension bundle and the webview bundle, so it imports only pure helpers.

import { isRecord } from '../json';
import { MAX_REPLY_ALTERNATIVES } from '../chat/replyAlternatives';

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Shapes both sides see

export type MessageStatus = 'done' | 'streaming' | 'stopped' | 'cut' | 'error';

/** A passage of the manuscript attached to a user message. */
export interface Passage {
  text: string;
  /** Where it came from, for the label ("chapter-01.md, lines 3–7"). */
  source: string;
}

// What the webview may do to recover from an inline error: the ids of the one error-action table.
import { ERROR_ACTIONS, type ErrorAction } from '../errors/errorActions';
export { ERROR_ACTIONS, type ErrorAction };

export interface MessageView {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  passage?: Passage;
  status: MessageStatus;
  /** The provider's message, redacted, when status is 'error' or 'cut'. */
  error?: string;
  errorActions?: ErrorAction[];
  /** Assistant replies: the model that wrote it. */
  model?: string;
  /** True when the model got the system prompt inside the first user turn. */
  foldedSystemPrompt?: boolean;
  /** A reply with several alternatives: which one this is (from 0) of how many. */
  alternative?: { index: number; count: number };
}

export interface ConversationView {
  id: string;
  title: string;
  messages: MessageView[];
}

export interface ProviderChoice {
  id: string;
  label: string;
}

export interface PresetChoice {
  id: string;
  label: string;
  description: string;
}

export interface PanelConfig {
  providers: ProviderChoice[];
  providerId: string;
  model: string;
  /** The provider's models; undefined while loading or when the list failed. */
  models?: string[];
  modelsError?: string;
  presets: PresetChoice[];
  presetId: string;
  systemPrompt: string;
  /** True when the conversation uses the inkwell.chat.systemPrompt setting unchanged. */
  systemPromptIsDefault: boolean;
}

export interface TokenInfo {
  used: number;
  context: number;
}

/** One token of a reply with its probabilities, as the page shows it (the editor's hover, in the panel). */
export interface PageToken {
  /** The reply text this token contributed. */
  text: string;
  /** Its probability, 0–1. */
  p: number;
  band: 'low' | 'middle' | 'high' | 'sure';
  /** The top choices best first, whitespace made visible; the chosen one marked. */
  rows: { shown: string; p: number; chosen: boolean }[];
  /** What the listed choices leave, when they are a distribution. */
  others?: number;
}

// ---------------------------------------------------------------------------------------------
// Extension → webview

export type ExtensionToWebview =
  | { type: 'conversation'; conversation: ConversationView; running?: { requestId: string; messageId: string } }
  | { type: 'message'; message: MessageView }
  | { type: 'appendText'; messageId: string; text: string }
  | { type: 'generation'; state: 'started' | 'ended'; requestId: string; messageId: string }
  | { type: 'config'; config: PanelConfig }
  | { type: 'tokens'; tokens: TokenInfo | undefined }
  | { type: 'attachPassage'; passage: Passage }
  | { type: 'focusInput' }
  | { type: 'notice'; text: string }
  /** A reply's tokens and their probabilities, for the reply whose text is `text` (another alternative has none). */
  | { type: 'probabilities'; messageId: string; text: string; tokens: PageToken[] };

/**
 * What the extension embeds in the page's HTML (a non-executable JSON block) so the page can paint
 * the conversation before the ready handshake. The same messages are posted again after `ready`;
 * those are authoritative.
 */
export type InitialStateMessage = Extract<ExtensionToWebview, { type: 'conversation' } | { type: 'config' }>;
export interface InitialState {
  messages: InitialStateMessage[];
}

// ---------------------------------------------------------------------------------------------
// Webview → extension

export type WebviewToExtension =
  | { type: 'ready' }
  | { type: 'send'; requestId: string; text: string; passage?: Passage }
  | { type: 'stop'; requestId: string }
  | { type: 'regenerate'; requestId: string; messageId: string }
  | { type: 'editResend'; requestId: string; messageId: string; text: string }
  | { type: 'errorAction'; requestId: string; messageId: string; action: ErrorAction }
  | { type: 'copy'; messageId: string }
  | { type: 'applyToEditor'; messageId: string; how: 'insert' | 'replace' }
  | { type: 'showAlternative'; messageId: string; index: number }
  | { type: 'selectProvider'; providerId: string }
  | { type: 'selectModel'; model: string }
  | { type: 'selectPreset'; presetId: string }
  | { type: 'setSystemPrompt'; text: string | null }
  | { type: 'refreshModels' }
  | { type: 'newChat' }
  | { type: 'rendered'; messages: number; ms: number };

export type WebviewMessageType = WebviewToExtension['type'];

// ---------------------------------------------------------------------------------------------
// Validation

/** Longest text the webview may send: a chapter pasted into the input, not a whole novel. */
export const MAX_TEXT_CHARS = 400_000;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

type Fields = Record<string, unknown>;

function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

function isText(value: unknown, max = MAX_TEXT_CHARS): value is string {
  return typeof value === 'string' && value.length <= max;
}

/** True when `message` has exactly `allowed` keys (besides `type`): unknown fields are refused. */
function onlyKeys(message: Fields, allowed: readonly string[]): boolean {
  return Object.keys(message).every((k) => k === 'type' || allowed.includes(k));
}

function parsePassage(value: unknown): Passage | undefined {
  if (!isRecord(value) || !onlyKeys(value, ['text', 'source'])) return undefined;
  if (!isText(value.text) || !isText(value.source, 1000)) return undefined;
  return { text: value.text, source: value.source };
}

/**
 * The message if it is one the protocol defines, with exactly the fields it allows and values of
 * the right type and size; undefined for anything else. The result is a fresh object: nothing of
 * the webview's object (prototype, extra keys) travels further.
 */
export function parseWebviewMessage(raw: unknown): WebviewToExtension | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  const m = raw;
  const type = raw.type as WebviewMessageType;
  switch (type) {
    case 'ready':
    case 'refreshModels':
    case 'newChat':
      return onlyKeys(m, []) ? { type } : undefined;
    case 'send': {
      if (!onlyKeys(m, ['requestId', 'text', 'passage']) || !isId(m.requestId) || !isText(m.text)) return undefined;
      if (m.passage === undefined) return { type, requestId: m.requestId, text: m.text };
      const passage = parsePassage(m.passage);
      return passage ? { type, requestId: m.requestId, text: m.text, passage } : undefined;
    }
    case 'stop':
      return onlyKeys(m, ['requestId']) && isId(m.requestId) ? { type, requestId: m.requestId } : undefined;
    case 'regenerate':
      return onlyKeys(m, ['requestId', 'messageId']) && isId(m.requestId) && isId(m.messageId)
        ? { type, requestId: m.requestId, messageId: m.messageId }
        : undefined;
    case 'editResend':
      return onlyKeys(m, ['requestId', 'messageId', 'text']) && isId(m.requestId) && isId(m.messageId) && isText(m.text)
        ? { type, requestId: m.requestId, messageId: m.messageId, text: m.text }
        : undefined;
    case 'errorAction':
      return onlyKeys(m, ['requestId', 'messageId', 'action']) &&
        isId(m.requestId) &&
        isId(m.messageId) &&
        (ERROR_ACTIONS as readonly unknown[]).includes(m.action)
        ? { type, requestId: m.requestId, messageId: m.messageId, action: m.action as ErrorAction }
        : undefined;
    case 'copy':
      return onlyKeys(m, ['messageId']) && isId(m.messageId) ? { type, messageId: m.messageId } : undefined;
    case 'applyToEditor':
      return onlyKeys(m, ['messageId', 'how']) && isId(m.messageId) && (m.how === 'insert' || m.how === 'replace')
        ? { type, messageId: m.messageId, how: m.how }
        : undefined;
    case 'showAlternative':
      return onlyKeys(m, ['messageId', 'index']) &&
        isId(m.messageId) &&
        typeof m.index === 'number' &&
        Number.isInteger(m.index) &&
        m.index >= 0 &&
        m.index < MAX_REPLY_ALTERNATIVES
        ? { type, messageId: m.messageId, index: m.index }
        : undefined;
    case 'selectProvider':
      return onlyKeys(m, ['providerId']) && isText(m.providerId, 200) && m.providerId.length > 0
        ? { type, providerId: m.providerId }
        : undefined;
    case 'selectModel':
      return onlyKeys(m, ['model']) && isText(m.model, 500) && m.model.trim().length > 0 ? { type, model: m.model.trim() } : undefined;
    case 'selectPreset':
      return onlyKeys(m, ['presetId']) && isId(m.presetId) ? { type, presetId: m.presetId } : undefined;
    case 'setSystemPrompt':
      return onlyKeys(m, ['text']) && (m.text === null || isText(m.text, 50_000)) ? { type, text: m.text } : undefined;
    case 'rendered':
      return onlyKeys(m, ['messages', 'ms']) &&
        typeof m.messages === 'number' &&
        Number.isInteger(m.messages) &&
        m.messages >= 0 &&
        typeof m.ms === 'number' &&
        Number.isFinite(m.ms) &&
        m.ms >= 0
        ? { type, messages: m.messages, ms: m.ms }
        : undefined;
    default:
      // An unknown type: the webview is newer, older or not ours. Drop it.
      return undefined;
  }
}
