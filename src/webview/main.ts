// The chat panel's page. It shows what the extension sends and asks it to act; it keeps nothing but
// the unsent draft (vscode.setState). Model output goes through the markdown renderer's sanitizer.
import './chat.css';
import type {
  ConversationView,
  ErrorAction,
  ExtensionToWebview,
  InitialState,
  InitialStateMessage,
  MessageView,
  PanelConfig,
  Passage,
  TokenInfo,
} from '../core/protocol/chatProtocol';
import { assertNever } from '../core/protocol/chatProtocol';
import { INITIAL_STATE_ID, MARKDOWN_SCRIPT_ID } from '../core/chat/pageIds';
import { ERROR_ACTION_TABLE } from '../core/errors/errorActions';
import { codicon, h, iconButton } from './dom';
import { whenMarkdownRenderer } from './markdownSlot';
import { ReplyBody } from './replyBody';
import { newId } from '../core/ids';
import { loadDraft, post, saveDraft } from './vscodeApi';

const newRequestId = () => newId('r');

const scriptStartedAt = performance.timeOrigin + performance.now();

interface State {
  conversation: ConversationView | undefined;
  running: { requestId: string; messageId: string } | undefined;
  config: PanelConfig | undefined;
  tokens: TokenInfo | undefined;
  passage: Passage | undefined;
  editing: string | undefined;
}

const state: State = { conversation: undefined, running: undefined, config: undefined, tokens: undefined, passage: undefined, editing: undefined };
const messageElements = new Map<string, HTMLElement>();
const pendingRender = new Set<string>();
let firstPaintDone = false;
let fullRenderReported = false;
/** The conversation painted from the page's HTML, until the extension posts its own after ready. */
let embeddedConversation: string | undefined;

// ---------------------------------------------------------------------------------------------
// Layout

const providerSelect = h('select', { class: 'provider', title: 'Provider', 'aria-label': 'Provider' });
const modelSelect = h('select', { class: 'model', title: 'Model', 'aria-label': 'Model' });
const presetSelect = h('select', { class: 'preset', title: 'Sampling preset', 'aria-label': 'Sampling preset' });
const refreshModels = iconButton('refresh', 'Refresh the model list', 'refresh-models');
const systemToggle = iconButton('settings-gear', 'System prompt', 'toggle-system');
systemToggle.setAttribute('aria-expanded', 'false');
const systemText = h('textarea', { class: 'system-text', rows: '4', 'aria-label': 'System prompt', spellcheck: 'true' });
const systemSave = h('button', { type: 'button', class: 'text-button primary', 'data-action': 'save-system' }, 'Save');
const systemReset = h('button', { type: 'button', class: 'text-button', 'data-action': 'reset-system' }, 'Use the setting');
const systemNote = h('span', { class: 'system-note' });
const systemPanel = h(
  'section',
  { class: 'system-panel', hidden: true, 'aria-label': 'System prompt' },
  h('label', { class: 'system-label' }, 'System prompt for this chat'),
  systemText,
  h('div', { class: 'system-actions' }, systemNote, systemReset, systemSave),
);
const toolbar = h(
  'header',
  { class: 'toolbar' },
  h('div', { class: 'toolbar-row' }, providerSelect, modelSelect, refreshModels),
  h('div', { class: 'toolbar-row' }, presetSelect, systemToggle),
);

const listEl = h('div', { class: 'message-list', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
const messagesEl = h('main', { class: 'messages' }, listEl);
const emptyEl = h(
  'div',
  { class: 'empty' },
  codicon('comment-discussion'),
  h('p', {}, 'Talk to the model about your story.'),
  h('p', { class: 'hint' }, 'Select a passage and run “Send Selection to Chat” to ask about it.'),
);

const passageText = h('div', { class: 'passage-text' });
const passageSource = h('span', { class: 'passage-source' });
const passageChip = h(
  'div',
  { class: 'passage-chip', hidden: true },
  h('div', { class: 'passage-head' }, codicon('quote'), passageSource, iconButton('close', 'Remove the passage', 'remove-passage')),
  passageText,
);
const input = h('textarea', {
  class: 'input',
  rows: '3',
  placeholder: 'Ask about your story… (Enter to send, Shift+Enter for a new line)',
  'aria-label': 'Message',
});
const tokensEl = h('span', { class: 'tokens', title: 'Tokens in this conversation / the model’s context' });
const tokensBar = h('span', { class: 'tokens-bar' }, h('span', { class: 'tokens-fill' }));
const sendButton = iconButton('send', 'Send (Enter)', 'send', 'send');
const stopButton = iconButton('debug-stop', 'Stop (Escape)', 'stop', 'stop');
stopButton.hidden = true;
const noticeEl = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
const composer = h(
  'footer',
  { class: 'composer' },
  passageChip,
  input,
  h('div', { class: 'composer-bar' }, tokensBar, tokensEl, h('span', { class: 'spacer' }), sendButton, stopButton),
);

const app = document.getElementById('app')!;
app.append(toolbar, systemPanel, messagesEl, noticeEl, composer);
app.removeAttribute('aria-busy');
requestAnimationFrame(() => {
  // Read by the benchmarks: the first frame with the panel's controls (before the conversation arrives).
  document.body.dataset.shellPaint = String(performance.timeOrigin + performance.now());
});

// ---------------------------------------------------------------------------------------------
// Rendering

/** The body of each reply on the page, by message id (see replyBody.ts). */
const replyBodies = new Map<string, ReplyBody>();

function showReply(messageId: string, text: string): void {
  const reply = replyBodies.get(messageId);
  if (!reply) return;
  if (state.running?.messageId === messageId) reply.showStreaming(text);
  else reply.showFinished(text);
}

whenMarkdownRenderer(() => {
  for (const body of Array.from(listEl.querySelectorAll<HTMLElement>('.msg-body.unformatted'))) {
    const id = body.closest<HTMLElement>('article.msg')?.dataset.id;
    const message = state.conversation?.messages.find((m) => m.id === id);
    if (id && message?.text) showReply(id, message.text);
  }
});
document.getElementById(MARKDOWN_SCRIPT_ID)?.addEventListener('error', () => {
  showNotice('Inkwell could not load its markdown renderer: replies are shown as plain text. Reload the window to try again.');
});

function statusLine(message: MessageView): HTMLElement | null {
  if (message.status === 'stopped') return h('div', { class: 'msg-status' }, codicon('stop-circle'), 'Stopped. What arrived is kept.');
  if ((message.status === 'error' || message.status === 'cut') && message.error) {
    const actions = (message.errorActions ?? ['retry']).map((action) => errorActionButton(action));
    return h(
      'div',
      { class: 'msg-error', role: 'alert' },
      codicon('error'),
      h('span', { class: 'msg-error-text' }, message.error),
      h('span', { class: 'msg-error-actions' }, ...actions),
    );
  }
  return null;
}

function errorActionButton(action: ErrorAction): HTMLButtonElement {
  return h('button', { type: 'button', class: `text-button${action === 'retry' ? ' primary' : ''}`, 'data-action': 'error-action', 'data-error-action': action }, ERROR_ACTION_TABLE[action].label);
}

function isLast(message: MessageView): boolean {
  const list = state.conversation?.messages ?? [];
  return list.length > 0 && list[list.length - 1].id === message.id;
}

/** The per-message buttons; they depend on whether a reply is being written, so they are redrawn apart. */
function buildActions(message: MessageView): HTMLElement {
  const running = state.running?.messageId === message.id;
  const actions = h('span', { class: 'msg-actions' });
  if (running) return actions;
  actions.append(iconButton('copy', 'Copy', 'copy'));
  if (message.role === 'assistant' && message.text) {
    actions.append(iconButton('insert', 'Insert at cursor', 'insert'), iconButton('replace', 'Replace selection', 'replace'));
  }
  if (message.role === 'assistant' && isLast(message) && !state.running) actions.append(iconButton('refresh', 'Regenerate', 'regenerate'));
  if (message.role === 'user' && !state.running) actions.append(iconButton('edit', 'Edit and resend', 'edit'));
  return actions;
}

function buildMessage(message: MessageView): HTMLElement {
  const running = state.running?.messageId === message.id;
  const who =
    message.role === 'user'
      ? h('span', { class: 'who' }, codicon('account'), 'You')
      : h('span', { class: 'who' }, codicon('feedback'), message.model || 'Model');
  const actions = buildActions(message);
  const article = h(
    'article',
    {
      class: `msg msg-${message.role} status-${message.status}${running ? ' streaming' : ''}`,
      'data-id': message.id,
      'aria-label': message.role === 'user' ? 'You' : 'Reply',
      // Screen readers read a streaming reply once it is complete, not piece by piece.
      'aria-busy': running ? 'true' : undefined,
    },
    h('div', { class: 'msg-head' }, who, message.foldedSystemPrompt ? h('span', { class: 'badge', title: 'This model takes no system prompt; it was put at the top of the first message.' }, 'system prompt folded') : null, actions),
  );
  if (message.passage) {
    article.append(
      h('blockquote', { class: 'passage' }, h('div', { class: 'passage-source' }, message.passage.source), h('div', { class: 'passage-text' }, message.passage.text)),
    );
  }
  if (state.editing === message.id && message.role === 'user') {
    const editor = h('textarea', { class: 'edit-text', rows: '3', 'aria-label': 'Edit message' });
    editor.value = message.text;
    article.append(
      editor,
      h(
        'div',
        { class: 'edit-actions' },
        h('button', { type: 'button', class: 'text-button', 'data-action': 'cancel-edit' }, 'Cancel'),
        h('button', { type: 'button', class: 'text-button primary', 'data-action': 'resend' }, 'Send'),
      ),
    );
    queueMicrotask(() => {
      editor.focus();
      editor.setSelectionRange(editor.value.length, editor.value.length);
    });
  } else {
    const body = h('div', { class: message.role === 'assistant' ? 'msg-body markdown' : 'msg-body plain' });
    if (message.role === 'assistant') {
      replyBodies.set(message.id, new ReplyBody(body));
      showReply(message.id, message.text);
    } else body.textContent = message.text;
    if (running && !message.text) body.append(h('span', { class: 'waiting' }, codicon('loading', 'codicon-modifier-spin'), ' Waiting for the model…'));
    article.append(body);
  }
  const status = statusLine(message);
  if (status) article.append(status);
  return article;
}

/** True while the writer is at the end of the conversation: new text keeps the view there. */
let stickToBottom = true;
let programmaticScroll = false;
messagesEl.addEventListener('scroll', () => {
  if (programmaticScroll) {
    programmaticScroll = false;
    return;
  }
  stickToBottom = messagesEl.scrollHeight - messagesEl.scrollTop - messagesEl.clientHeight < 40;
});

// Messages off screen are not laid out (content-visibility) and take their real height only when
// shown, and the composer grows with an attached passage: whenever the list or the space for it
// changes size, a view at the end stays at the end.
const keepAtEnd = new ResizeObserver(() => {
  if (stickToBottom) scrollToBottom();
});
keepAtEnd.observe(listEl);
keepAtEnd.observe(messagesEl);

function scrollToBottom(): void {
  const target = messagesEl.scrollHeight - messagesEl.clientHeight;
  if (Math.abs(messagesEl.scrollTop - target) < 1) return;
  programmaticScroll = true;
  messagesEl.scrollTop = target;
}

/** Messages built before the first paint; older ones follow in chunks, above, without moving the view. */
const FIRST_PAINT_MESSAGES = 12;
const OLDER_CHUNK = 24;
let renderGeneration = 0;

function buildRange(list: MessageView[], from: number, to: number): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const message of list.slice(from, to)) {
    const el = buildMessage(message);
    messageElements.set(message.id, el);
    fragment.append(el);
  }
  return fragment;
}

function renderConversation(): void {
  const started = performance.now();
  const generation = ++renderGeneration;
  const list = state.conversation?.messages ?? [];
  messageElements.clear();
  replyBodies.clear();
  pendingRender.clear();
  const split = Math.max(0, list.length - FIRST_PAINT_MESSAGES);
  listEl.replaceChildren(list.length ? buildRange(list, split, list.length) : emptyEl);
  // (An empty chat has nothing to scroll, and reading its height would force a layout before the first paint.)
  if (list.length && (stickToBottom || !firstPaintDone)) scrollToBottom();
  updateComposer();
  let buildMs = performance.now() - started;
  const first = !firstPaintDone;
  firstPaintDone = true;
  if (first) {
    requestAnimationFrame(() => {
      // Read by the benchmarks: wall-clock time of the first frame with the conversation in it.
      document.body.dataset.firstPaint = String(performance.timeOrigin + performance.now());
      document.body.dataset.renderMs = buildMs.toFixed(1);
      document.body.dataset.navigationStart = String(performance.timeOrigin);
      document.body.dataset.scriptStart = String(scriptStartedAt);
    });
  }
  const done = () => {
    if (fullRenderReported) return;
    fullRenderReported = true;
    document.body.dataset.fullRenderMs = (performance.now() - started).toFixed(1);
    document.body.dataset.buildMs = buildMs.toFixed(1);
    post({ type: 'rendered', messages: list.length, ms: buildMs });
  };
  // Older messages: a chunk per task, so the panel answers input while a long chat fills in.
  const older = (end: number) => {
    if (end <= 0) return done();
    setTimeout(() => {
      if (generation !== renderGeneration) return;
      const t = performance.now();
      const from = Math.max(0, end - OLDER_CHUNK);
      if (stickToBottom) {
        // The ResizeObserver keeps the end in view; no layout is forced here.
        listEl.prepend(buildRange(list, from, end));
      } else {
        const height = messagesEl.scrollHeight;
        listEl.prepend(buildRange(list, from, end));
        messagesEl.scrollTop += messagesEl.scrollHeight - height;
      }
      buildMs += performance.now() - t;
      older(from);
    }, 0);
  };
  older(split);
}

function replaceMessage(message: MessageView): void {
  const list = state.conversation?.messages;
  if (!list) return;
  const index = list.findIndex((m) => m.id === message.id);
  if (index === -1) return;
  list[index] = message;
  const old = messageElements.get(message.id);
  const el = buildMessage(message);
  messageElements.set(message.id, el);
  if (old) old.replaceWith(el);
}

/** Streaming: the message's text grows; re-render its markdown at most once a frame. */
function appendText(messageId: string, text: string): void {
  const message = state.conversation?.messages.find((m) => m.id === messageId);
  if (!message) return;
  message.text += text;
  if (pendingRender.has(messageId)) return;
  pendingRender.add(messageId);
  requestAnimationFrame(() => {
    pendingRender.delete(messageId);
    if (!messageElements.has(messageId)) return;
    showReply(messageId, message.text);
    if (stickToBottom) scrollToBottom();
  });
}

function option(value: string, label: string, selected: boolean, title?: string): HTMLOptionElement {
  const o = h('option', { value, title }, label);
  o.selected = selected;
  return o;
}

function renderConfig(): void {
  const config = state.config;
  if (!config) return;
  providerSelect.replaceChildren(...config.providers.map((p) => option(p.id, p.label, p.id === config.providerId)));
  const models = config.models ?? [];
  const options = models.map((m) => option(m, m, m === config.model));
  if (!models.includes(config.model)) {
    const label = config.model || 'No model selected';
    const note = config.models ? '' : config.modelsError ? ' (list unavailable)' : ' (loading list…)';
    options.unshift(option(config.model, label + note, true));
  }
  modelSelect.replaceChildren(...options);
  modelSelect.title = config.modelsError ? `Model — the list could not be loaded: ${config.modelsError}` : `Model: ${config.model || 'none'}`;
  presetSelect.replaceChildren(...config.presets.map((p) => option(p.id, `Sampling: ${p.label}`, p.id === config.presetId, p.description)));
  presetSelect.title = config.presets.find((p) => p.id === config.presetId)?.description ?? 'Sampling preset';
  if (document.activeElement !== systemText) systemText.value = config.systemPrompt;
  systemNote.textContent = config.systemPromptIsDefault ? 'From inkwell.chat.systemPrompt' : 'Changed for this chat';
  systemReset.disabled = config.systemPromptIsDefault;
  systemToggle.classList.toggle('changed', !config.systemPromptIsDefault);
}

function renderTokens(): void {
  const t = state.tokens;
  const fill = tokensBar.firstElementChild as HTMLElement;
  if (!t) {
    tokensEl.textContent = '';
    fill.style.width = '0';
    return;
  }
  const ratio = t.context > 0 ? t.used / t.context : 0;
  tokensEl.textContent = `${t.used.toLocaleString('en-US')} / ${t.context.toLocaleString('en-US')} tokens`;
  fill.style.width = `${Math.min(100, ratio * 100).toFixed(1)}%`;
  tokensBar.classList.toggle('warn', ratio >= 0.8 && ratio < 1);
  tokensBar.classList.toggle('over', ratio >= 1);
}

function renderPassage(): void {
  const p = state.passage;
  passageChip.hidden = !p;
  passageText.textContent = p ? p.text : '';
  passageSource.textContent = p ? p.source : '';
}

/** Attaches (or removes) the passage for the next message: shown, kept in the draft, Send updated. */
function setPassage(passage: Passage | undefined): void {
  state.passage = passage;
  renderPassage();
  persistDraft();
  updateComposer();
}

function updateComposer(): void {
  const running = Boolean(state.running);
  sendButton.hidden = running;
  stopButton.hidden = !running;
  sendButton.disabled = !input.value.trim() && !state.passage;
}

let noticeTimer: number | undefined;
function showNotice(text: string): void {
  noticeEl.textContent = text;
  noticeEl.classList.add('visible');
  if (noticeTimer) clearTimeout(noticeTimer);
  noticeTimer = window.setTimeout(() => noticeEl.classList.remove('visible'), 2500);
}

function persistDraft(): void {
  saveDraft(state.passage ? { draft: input.value, passage: state.passage } : { draft: input.value });
}

// ---------------------------------------------------------------------------------------------
// Messages from the extension

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
      if (state.conversation?.id !== message.conversation.id) stickToBottom = true;
      state.conversation = message.conversation;
      state.running = message.running;
      if (state.editing && !message.conversation.messages.some((m) => m.id === state.editing)) state.editing = undefined;
      renderConversation();
      return;
    case 'message':
      replaceMessage(message.message);
      return;
    case 'appendText':
      appendText(message.messageId, message.text);
      return;
    case 'generation': {
      state.running = message.state === 'started' ? { requestId: message.requestId, messageId: message.messageId } : undefined;
      // The buttons depend on whether something runs: redraw them (not the messages' markdown).
      for (const m of state.conversation?.messages ?? []) {
        const el = messageElements.get(m.id);
        el?.querySelector('.msg-actions')?.replaceWith(buildActions(m));
        const running = state.running?.messageId === m.id;
        el?.classList.toggle('streaming', running);
        if (running) el?.setAttribute('aria-busy', 'true');
        else el?.removeAttribute('aria-busy');
      }
      updateComposer();
      return;
    }
    case 'config':
      state.config = message.config;
      renderConfig();
      return;
    case 'tokens':
      state.tokens = message.tokens;
      renderTokens();
      return;
    case 'attachPassage':
      setPassage(message.passage);
      input.focus();
      return;
    case 'focusInput':
      input.focus();
      return;
    case 'notice':
      showNotice(message.text);
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
    showNotice(`Inkwell could not show part of the chat (${e instanceof Error ? e.message : String(e)}). Reopen the chat to redraw it.`);
  }
});

// ---------------------------------------------------------------------------------------------
// What the writer does

function send(): void {
  const text = input.value;
  if (state.running || (!text.trim() && !state.passage)) return;
  post(state.passage ? { type: 'send', requestId: newRequestId(), text, passage: state.passage } : { type: 'send', requestId: newRequestId(), text });
  input.value = '';
  stickToBottom = true;
  setPassage(undefined);
}

input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  } else if (e.key === 'Escape' && state.running) {
    e.preventDefault();
    post({ type: 'stop', requestId: state.running.requestId });
  }
});
input.addEventListener('input', () => {
  persistDraft();
  updateComposer();
});

document.addEventListener('click', (e) => {
  const target = (e.target as Element | null)?.closest<HTMLElement>('[data-action]');
  if (!target) return;
  const action = target.dataset.action;
  const messageId = target.closest<HTMLElement>('.msg')?.dataset.id;
  switch (action) {
    case 'send':
      return send();
    case 'stop':
      if (state.running) post({ type: 'stop', requestId: state.running.requestId });
      return;
    case 'remove-passage':
      setPassage(undefined);
      input.focus();
      return;
    case 'copy':
      if (messageId) post({ type: 'copy', messageId });
      return;
    case 'insert':
    case 'replace':
      if (messageId) post({ type: 'applyToEditor', messageId, how: action });
      return;
    case 'regenerate':
      if (messageId) post({ type: 'regenerate', requestId: newRequestId(), messageId });
      return;
    case 'edit':
      if (!messageId) return;
      state.editing = messageId;
      rerender(messageId);
      return;
    case 'cancel-edit':
      state.editing = undefined;
      if (messageId) rerender(messageId);
      return;
    case 'resend': {
      const text = target.closest('.msg')?.querySelector<HTMLTextAreaElement>('.edit-text')?.value ?? '';
      state.editing = undefined;
      if (messageId) post({ type: 'editResend', requestId: newRequestId(), messageId, text });
      return;
    }
    case 'error-action': {
      const errorAction = target.dataset.errorAction as ErrorAction | undefined;
      if (messageId && errorAction) post({ type: 'errorAction', requestId: newRequestId(), messageId, action: errorAction });
      return;
    }
    case 'refresh-models':
      post({ type: 'refreshModels' });
      return;
    case 'toggle-system': {
      systemPanel.hidden = !systemPanel.hidden;
      systemToggle.setAttribute('aria-expanded', String(!systemPanel.hidden));
      if (!systemPanel.hidden) systemText.focus();
      return;
    }
    case 'save-system':
      post({ type: 'setSystemPrompt', text: systemText.value });
      systemPanel.hidden = true;
      systemToggle.setAttribute('aria-expanded', 'false');
      return;
    case 'reset-system':
      post({ type: 'setSystemPrompt', text: null });
      return;
  }
});

document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement;
  if (target.classList.contains('edit-text')) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      target.closest('.msg')?.querySelector<HTMLElement>('[data-action="resend"]')?.click();
    } else if (e.key === 'Escape') {
      target.closest('.msg')?.querySelector<HTMLElement>('[data-action="cancel-edit"]')?.click();
    }
  }
});

function rerender(messageId: string): void {
  const message = state.conversation?.messages.find((m) => m.id === messageId);
  if (message) replaceMessage({ ...message });
}

providerSelect.addEventListener('change', () => post({ type: 'selectProvider', providerId: providerSelect.value }));
modelSelect.addEventListener('change', () => {
  if (modelSelect.value) post({ type: 'selectModel', model: modelSelect.value });
});
presetSelect.addEventListener('change', () => post({ type: 'selectPreset', presetId: presetSelect.value }));

// ---------------------------------------------------------------------------------------------
// Start: restore the draft, then tell the extension we can take messages.

const draft = loadDraft();
input.value = draft.draft;
state.passage = draft.passage;
renderPassage();
updateComposer();

function conversationKey(message: Extract<ExtensionToWebview, { type: 'conversation' }>): string {
  return JSON.stringify([message.conversation, message.running ?? null]);
}

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
  const messages = (parsed as Partial<InitialState> | null)?.messages;
  if (!Array.isArray(messages)) return;
  for (const m of messages as InitialStateMessage[]) {
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
