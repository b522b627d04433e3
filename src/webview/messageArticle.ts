// One message of the conversation as an <article>: who wrote it, its buttons, the passage it asks
// about, its text (or the editor while it is being edited) and how it ended.
import type { ErrorAction, MessageView } from '../core/protocol/chatProtocol';
import { ERROR_ACTION_TABLE } from '../core/errors/errorActions';
import { codicon, h, iconButton } from './dom';
import { isStreaming, tokensOf, type PageState } from './state';
import { buildTokenView } from './tokenView';

/** Called with an assistant message's (empty) body element; the message list formats the reply in it. */
export type AttachReply = (messageId: string, body: HTMLElement, text: string) => void;

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

function isLast(state: PageState, message: MessageView): boolean {
  const list = state.conversation?.messages ?? [];
  return list.length > 0 && list[list.length - 1].id === message.id;
}

/** The per-message buttons; they depend on whether a reply is being written, so they are redrawn apart. */
export function buildActions(state: PageState, message: MessageView): HTMLElement {
  const actions = h('span', { class: 'msg-actions' });
  if (isStreaming(state, message.id)) return actions;
  actions.append(iconButton('copy', 'Copy', 'copy'));
  if (message.role === 'assistant' && message.text) {
    actions.append(iconButton('insert', 'Insert at cursor', 'insert'), iconButton('replace', 'Replace selection', 'replace'));
  }
  if (message.role === 'assistant' && tokensOf(state, message)) {
    const on = state.tokenView.has(message.id);
    const toggle = iconButton('graph', on ? 'Show the reply formatted' : 'Show token probabilities', 'toggle-probabilities', on ? 'pressed' : '');
    toggle.setAttribute('aria-pressed', String(on));
    actions.append(toggle);
  }
  if (message.role === 'assistant' && isLast(state, message) && !state.running) actions.append(iconButton('refresh', 'Regenerate', 'regenerate'));
  if (message.role === 'user' && !state.running) actions.append(iconButton('edit', 'Edit and resend', 'edit'));
  return actions;
}

/** `◀ 2/3 ▶` for a reply with several alternatives: always in view, so the writer sees there are others. */
function alternativeNav(message: MessageView): HTMLElement | null {
  const alternative = message.alternative;
  if (message.role !== 'assistant' || !alternative || alternative.count < 2) return null;
  const { index, count } = alternative;
  const previous = iconButton('chevron-left', 'Previous alternative', 'previous-alternative');
  const next = iconButton('chevron-right', 'Next alternative', 'next-alternative');
  previous.disabled = index <= 0;
  next.disabled = index >= count - 1;
  const label = `Alternative ${index + 1} of ${count}`;
  return h('span', { class: 'alternatives', role: 'group', 'aria-label': label }, previous, h('span', { class: 'alternative-count', title: label }, `${index + 1}/${count}`), next);
}

export function buildMessage(state: PageState, message: MessageView, attachReply: AttachReply): HTMLElement {
  const running = isStreaming(state, message.id);
  const who =
    message.role === 'user'
      ? h('span', { class: 'who' }, codicon('account'), 'You')
      : h('span', { class: 'who' }, codicon('feedback'), message.model || 'Model');
  const actions = buildActions(state, message);
  const article = h(
    'article',
    {
      class: `msg msg-${message.role} status-${message.status}${running ? ' streaming' : ''}`,
      'data-id': message.id,
      'aria-label': message.role === 'user' ? 'You' : 'Reply',
      // Screen readers read a streaming reply once it is complete, not piece by piece.
      'aria-busy': running ? 'true' : undefined,
    },
    h(
      'div',
      { class: 'msg-head' },
      who,
      message.foldedSystemPrompt ? h('span', { class: 'badge', title: 'This model takes no system prompt; it was put at the top of the first message.' }, 'system prompt folded') : null,
      alternativeNav(message),
      actions,
    ),
  );
  if (message.passage) {
    article.append(
      h('blockquote', { class: 'passage' }, h('div', { class: 'passage-source' }, message.passage.source), h('div', { class: 'passage-text' }, message.passage.text)),
    );
  }
  if (state.editing === message.id && message.role === 'user') article.append(...buildEditor(message));
  else if (state.tokenView.has(message.id) && tokensOf(state, message)) article.append(buildTokenView(tokensOf(state, message)!, message.text));
  else {
    const body = h('div', { class: message.role === 'assistant' ? 'msg-body markdown' : 'msg-body plain' });
    if (message.role === 'assistant') attachReply(message.id, body, message.text);
    else body.textContent = message.text;
    if (running && !message.text) body.append(h('span', { class: 'waiting' }, codicon('loading', 'codicon-modifier-spin'), ' Waiting for the model…'));
    article.append(body);
  }
  const status = statusLine(message);
  if (status) article.append(status);
  return article;
}

function buildEditor(message: MessageView): HTMLElement[] {
  const editor = h('textarea', { class: 'edit-text', rows: '3', 'aria-label': 'Edit message' });
  editor.value = message.text;
  // Focused once the article is on the page: focus() on a detached element does nothing.
  queueMicrotask(() => {
    editor.focus();
    editor.setSelectionRange(editor.value.length, editor.value.length);
  });
  return [
    editor,
    h(
      'div',
      { class: 'edit-actions' },
      h('button', { type: 'button', class: 'text-button', 'data-action': 'cancel-edit' }, 'Cancel'),
      h('button', { type: 'button', class: 'text-button primary', 'data-action': 'resend' }, 'Send'),
    ),
  ];
}
