// The conversation on the page. A long one is built from its end: the last messages before the
// first paint, the older ones above them a chunk per task, so the panel shows and answers at once.
// A streaming reply is redrawn at most once a frame, through its ReplyBody.
import type { ConversationView, ErrorAction, MessageView, WebviewToExtension } from '../core/protocol/chatProtocol';
import { newId } from '../core/ids';
import type { ActionHandlers } from './actions';
import { codicon, h } from './dom';
import { buildActions, buildMessage, type AttachReply } from './messageArticle';
import { ReplyBody } from './replyBody';
import { findMessage, isStreaming, type PageState, type Running } from './state';
import { createStickyScroll } from './stickyScroll';
import { markFirstPaint, measureFullRender } from './timingMarks';

/** Messages built before the first paint; older ones follow in chunks, above, without moving the view. */
const FIRST_PAINT_MESSAGES = 12;
const OLDER_CHUNK = 24;

export interface MessageList {
  /** The scrolling part of the page, the list inside it. */
  readonly element: HTMLElement;
  showConversation(conversation: ConversationView, running: Running | undefined): void;
  replaceMessage(message: MessageView): void;
  /** Builds a message again from its view (its tokens arrived, say). */
  rerender(messageId: string): void;
  appendText(messageId: string, text: string): void;
  /** A reply started or ended: the buttons and the streaming look change, the text stays. */
  setRunning(running: Running | undefined): void;
  /** Formats the replies shown as text because the markdown renderer had not arrived yet. */
  formatUnformatted(): void;
  /** The writer sent something: show the end, where the answer comes. */
  followEnd(): void;
  readonly actions: ActionHandlers;
  /** Enter sends an edited message, Escape drops the edit. */
  onEditKeydown(e: KeyboardEvent): void;
}

export function createMessageList(state: PageState, post: (message: WebviewToExtension) => void): MessageList {
  const listEl = h('div', { class: 'message-list', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
  const messagesEl = h('main', { class: 'messages' }, listEl);
  const emptyEl = h(
    'div',
    { class: 'empty' },
    codicon('comment-discussion'),
    h('p', {}, 'Talk to the model about your story.'),
    h('p', { class: 'hint' }, 'Select a passage and run “Send Selection to Chat” to ask about it.'),
  );
  const scroll = createStickyScroll(messagesEl, listEl);

  const messageElements = new Map<string, HTMLElement>();
  /** The body of each reply on the page, by message id (see replyBody.ts). */
  const replyBodies = new Map<string, ReplyBody>();
  const pendingRender = new Set<string>();
  let firstPaintDone = false;
  let fullRenderReported = false;
  // A newer render makes the older chunks of the one before it moot.
  let renderGeneration = 0;

  const showReply = (messageId: string, text: string): void => {
    const reply = replyBodies.get(messageId);
    if (!reply) return;
    if (isStreaming(state, messageId)) reply.showStreaming(text);
    else reply.showFinished(text);
  };
  const attachReply: AttachReply = (messageId, body, text) => {
    replyBodies.set(messageId, new ReplyBody(body));
    showReply(messageId, text);
  };
  const build = (message: MessageView): HTMLElement => {
    const el = buildMessage(state, message, attachReply);
    messageElements.set(message.id, el);
    return el;
  };
  const buildRange = (list: MessageView[], from: number, to: number): DocumentFragment => {
    const fragment = document.createDocumentFragment();
    for (const message of list.slice(from, to)) fragment.append(build(message));
    return fragment;
  };

  function render(): void {
    const started = performance.now();
    const generation = ++renderGeneration;
    const list = state.conversation?.messages ?? [];
    messageElements.clear();
    replyBodies.clear();
    pendingRender.clear();
    const split = Math.max(0, list.length - FIRST_PAINT_MESSAGES);
    listEl.replaceChildren(list.length ? buildRange(list, split, list.length) : emptyEl);
    // (An empty chat has nothing to scroll, and reading its height would force a layout before the first paint.)
    if (list.length && (scroll.atEnd || !firstPaintDone)) scroll.scrollToEnd();
    let buildMs = performance.now() - started;
    const first = !firstPaintDone;
    firstPaintDone = true;
    // Read at the frame: chunks of older messages built before it count as work before the first paint.
    if (first) requestAnimationFrame(() => markFirstPaint(started, buildMs));
    const done = () => {
      if (fullRenderReported) return;
      fullRenderReported = true;
      measureFullRender(started, buildMs);
      post({ type: 'rendered', messages: list.length, ms: buildMs });
    };
    // Older messages: a chunk per task, so the panel answers input while a long chat fills in.
    const older = (end: number) => {
      if (end <= 0) return done();
      setTimeout(() => {
        if (generation !== renderGeneration) return;
        const t = performance.now();
        const from = Math.max(0, end - OLDER_CHUNK);
        if (scroll.atEnd) {
          // The sticky scroll's ResizeObserver keeps the end in view; no layout is forced here.
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
    const el = build(message);
    if (old) old.replaceWith(el);
  }

  /** Builds a message again from its view, for what only the page knows (being edited or not). */
  function rerender(messageId: string): void {
    const message = findMessage(state, messageId);
    if (message) replaceMessage({ ...message });
  }

  /** Asks for the alternative `step` away from the one shown; the extension answers with the message. */
  function showAlternative(messageId: string | undefined, step: number): void {
    const alternative = findMessage(state, messageId)?.alternative;
    if (!messageId || !alternative) return;
    const index = alternative.index + step;
    if (index >= 0 && index < alternative.count) post({ type: 'showAlternative', messageId, index });
  }

  const actions: ActionHandlers = {
    copy: (_target, messageId) => {
      if (messageId) post({ type: 'copy', messageId });
    },
    insert: (_target, messageId) => {
      if (messageId) post({ type: 'applyToEditor', messageId, how: 'insert' });
    },
    replace: (_target, messageId) => {
      if (messageId) post({ type: 'applyToEditor', messageId, how: 'replace' });
    },
    regenerate: (_target, messageId) => {
      if (messageId) post({ type: 'regenerate', requestId: newId('r'), messageId });
    },
    edit: (_target, messageId) => {
      if (!messageId) return;
      state.editing = messageId;
      rerender(messageId);
    },
    'cancel-edit': (_target, messageId) => {
      state.editing = undefined;
      if (messageId) rerender(messageId);
    },
    resend: (target, messageId) => {
      const text = target.closest('.msg')?.querySelector<HTMLTextAreaElement>('.edit-text')?.value ?? '';
      state.editing = undefined;
      if (messageId) post({ type: 'editResend', requestId: newId('r'), messageId, text });
    },
    'toggle-probabilities': (_target, messageId) => {
      if (!messageId) return;
      if (!state.tokenView.delete(messageId)) state.tokenView.add(messageId);
      rerender(messageId);
    },
    'previous-alternative': (_target, messageId) => showAlternative(messageId, -1),
    'next-alternative': (_target, messageId) => showAlternative(messageId, 1),
    'error-action': (target, messageId) => {
      const errorAction = target.dataset.errorAction as ErrorAction | undefined;
      if (messageId && errorAction) post({ type: 'errorAction', requestId: newId('r'), messageId, action: errorAction });
    },
  };

  return {
    element: messagesEl,
    showConversation(conversation, running) {
      if (state.conversation?.id !== conversation.id) scroll.follow();
      state.conversation = conversation;
      state.running = running;
      if (state.editing && !conversation.messages.some((m) => m.id === state.editing)) state.editing = undefined;
      render();
    },
    replaceMessage,
    rerender,
    appendText(messageId, text) {
      const message = findMessage(state, messageId);
      if (!message) return;
      message.text += text;
      if (pendingRender.has(messageId)) return;
      pendingRender.add(messageId);
      requestAnimationFrame(() => {
        pendingRender.delete(messageId);
        if (!messageElements.has(messageId)) return;
        showReply(messageId, message.text);
        if (scroll.atEnd) scroll.scrollToEnd();
      });
    },
    setRunning(running) {
      state.running = running;
      for (const m of state.conversation?.messages ?? []) {
        const el = messageElements.get(m.id);
        el?.querySelector('.msg-actions')?.replaceWith(buildActions(state, m));
        const streaming = isStreaming(state, m.id);
        el?.classList.toggle('streaming', streaming);
        if (streaming) el?.setAttribute('aria-busy', 'true');
        else el?.removeAttribute('aria-busy');
      }
    },
    formatUnformatted() {
      for (const body of Array.from(listEl.querySelectorAll<HTMLElement>('.msg-body.unformatted'))) {
        const id = body.closest<HTMLElement>('article.msg')?.dataset.id;
        const message = findMessage(state, id);
        if (id && message?.text) showReply(id, message.text);
      }
    },
    followEnd: () => scroll.follow(),
    actions,
    onEditKeydown(e) {
      const target = e.target as HTMLElement;
      if (!target.classList.contains('edit-text')) return;
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        target.closest('.msg')?.querySelector<HTMLElement>('[data-action="resend"]')?.click();
      } else if (e.key === 'Escape') {
        target.closest('.msg')?.querySelector<HTMLElement>('[data-action="cancel-edit"]')?.click();
      }
    },
  };
}
