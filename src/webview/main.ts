// The chat panel's page. It shows what the extension sends and asks it to act; it keeps nothing but
// the unsent draft (vscode.setState). Model output goes through the markdown renderer's sanitizer.
// This file makes the page's parts, wires them to each other and hands them the extension's messages.
import './chat.css';
import type { ExtensionToWebview, InitialState, InitialStateMessage } from '../core/protocol/chatProtocol';
import { assertNever } from '../core/protocol/chatProtocol';
import { INITIAL_STATE_ID, MARKDOWN_SCRIPT_ID } from '../core/chat/pageIds';
import { handleClickActions } from './actions';
import { createComposer } from './composer';
import { whenMarkdownRenderer } from './markdownSlot';
import { createMessageList } from './messageList';
import { createNotice } from './notice';
import { createPageState } from './state';
import { markScriptStart, markShellPaint } from './timingMarks';
import { createTokenMeter, createToolbar } from './toolbar';
import { loadDraft, post, saveDraft } from './vscodeApi';
import { createTokenPopup } from './tokenView';
import { tokensOf, findMessage } from './state';

markScriptStart();

const state = createPageState();
const toolbar = createToolbar(state, post);
const tokenMeter = createTokenMeter(state);
const messages = createMessageList(state, post);
const notice = createNotice();
const composer = createComposer(state, { post, loadDraft, saveDraft, barStart: tokenMeter.elements, onSent: () => messages.followEnd() });

const app = document.getElementById('app')!;
/** Replies whose token probabilities the page keeps. */
const KEPT_PROBABILITIES = 50;
const tokenPopup = createTokenPopup((id) => {
  const message = findMessage(state, id);
  return message && tokensOf(state, message);
});
app.append(toolbar.header, toolbar.systemPanel, messages.element, notice.element, composer.element, tokenPopup);
app.removeAttribute('aria-busy');
requestAnimationFrame(markShellPaint);

whenMarkdownRenderer(() => messages.formatUnformatted());
document.getElementById(MARKDOWN_SCRIPT_ID)?.addEventListener('error', () => {
  notice.show('Inkwell could not load its markdown renderer: replies are shown as plain text. Reload the window to try again.');
});

/** The conversation painted from the page's HTML, until the extension posts its own after ready. */
let embeddedConversation: string | undefined;

function conversationKey(message: Extract<ExtensionToWebview, { type: 'conversation' }>): string {
  return JSON.stringify([message.conversation, message.running ?? null]);
}

function onMessage(message: ExtensionToWebview): void {
  switch (message.type) {
    case 'conversation':
      if (embeddedConversation !== undefined) {
        // The first conversation after the handshake is the authoritative one; when it is what the
        // page already painted from its HTML, the painted messages stay (nothing is built twice).
        const same = embeddedConversation === conversationKey(message);
        embeddedConversation = undefined;
        if (same) return;
      }
      messages.showConversation(message.conversation, message.running);
      composer.update();
      return;
    case 'message':
      messages.replaceMessage(message.message);
      return;
    case 'appendText':
      messages.appendText(message.messageId, message.text);
      return;
    case 'generation':
      messages.setRunning(message.state === 'started' ? { requestId: message.requestId, messageId: message.messageId } : undefined);
      composer.update();
      return;
    case 'config':
      toolbar.showConfig(message.config);
      return;
    case 'tokens':
      tokenMeter.showTokens(message.tokens);
      return;
    case 'attachPassage':
      composer.attachPassage(message.passage);
      return;
    case 'focusInput':
      composer.focus();
      return;
    case 'notice':
      notice.show(message.text);
      return;
    case 'probabilities':
      state.probabilities.delete(message.messageId);
      state.probabilities.set(message.messageId, { text: message.text, tokens: message.tokens });
      if (state.probabilities.size > KEPT_PROBABILITIES) state.probabilities.delete(state.probabilities.keys().next().value!);
      messages.rerender(message.messageId);
      return;
    default:
      assertNever(message);
  }
}

window.addEventListener('message', (event: MessageEvent<ExtensionToWebview>) => {
  const data = event.data;
  if (typeof data !== 'object' || data === null || typeof data.type !== 'string') return;
  try {
    onMessage(data);
  } catch (e) {
    // One message the page cannot show must not stop it from showing the next.
    notice.show(`Inkwell could not show part of the chat (${e instanceof Error ? e.message : String(e)}). Reopen the chat to redraw it.`);
  }
});
handleClickActions(document, composer.actions, messages.actions, toolbar.actions);
document.addEventListener('keydown', (e) => messages.onEditKeydown(e));

// Start: restore the draft, then tell the extension we can take messages.
composer.restoreDraft();

/**
 * The state the extension embedded in the HTML (inert JSON, not a script): painted now, before the
 * handshake. Only the conversation and config are taken; they go through the same rendering (and
 * the same markdown sanitizer) as posted messages.
 */
function applyInitialState(): void {
  const el = document.getElementById(INITIAL_STATE_ID);
  if (!el || el.getAttribute('type') !== 'application/json') return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(el.textContent ?? '');
  } catch {
    return;
  } finally {
    el.remove();
  }
  const embedded = (parsed as Partial<InitialState> | null)?.messages;
  if (!Array.isArray(embedded)) return;
  for (const m of embedded as InitialStateMessage[]) {
    if (typeof m !== 'object' || m === null) continue;
    if (m.type === 'conversation' && typeof m.conversation === 'object' && m.conversation !== null && Array.isArray(m.conversation.messages)) {
      onMessage(m);
      embeddedConversation = conversationKey(m);
    } else if (m.type === 'config' && typeof m.config === 'object' && m.config !== null) {
      onMessage(m);
    }
  }
}
try {
  applyInitialState();
} finally {
  // Whatever the embedded state held, the page takes messages: the extension's copy then repaints it.
  post({ type: 'ready' });
}
