// Where the writer types the next message, with the passage it asks about. The text and the
// passage are the page's only state of its own: kept as the draft (vscode.setState), so they
// survive the panel being hidden and shown again.
import type { Passage, WebviewToExtension } from '../core/protocol/chatProtocol';
import { newId } from '../core/ids';
import type { ActionHandlers } from './actions';
import { codicon, h, iconButton } from './dom';
import type { PageState } from './state';
import type { DraftState } from './vscodeApi';

export interface ComposerDeps {
  post(message: WebviewToExtension): void;
  loadDraft(): DraftState;
  saveDraft(draft: DraftState): void;
  /** Shown in the composer's bar, before its buttons (the token meter). */
  barStart: readonly HTMLElement[];
  /** After a message is sent. */
  onSent(): void;
}

export interface Composer {
  readonly element: HTMLElement;
  /** Send or Stop, and whether Send can send: after anything that changes the text, passage or run. */
  update(): void;
  attachPassage(passage: Passage): void;
  focus(): void;
  restoreDraft(): void;
  readonly actions: ActionHandlers;
}

export function createComposer(state: PageState, deps: ComposerDeps): Composer {
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
  const sendButton = iconButton('send', 'Send (Enter)', 'send', 'send');
  const stopButton = iconButton('debug-stop', 'Stop (Escape)', 'stop', 'stop');
  stopButton.hidden = true;
  const element = h(
    'footer',
    { class: 'composer' },
    passageChip,
    input,
    h('div', { class: 'composer-bar' }, ...deps.barStart, h('span', { class: 'spacer' }), sendButton, stopButton),
  );

  function update(): void {
    const running = Boolean(state.running);
    sendButton.hidden = running;
    stopButton.hidden = !running;
    sendButton.disabled = !input.value.trim() && !state.passage;
  }

  function renderPassage(): void {
    const p = state.passage;
    passageChip.hidden = !p;
    passageText.textContent = p ? p.text : '';
    passageSource.textContent = p ? p.source : '';
  }

  function persistDraft(): void {
    deps.saveDraft(state.passage ? { draft: input.value, passage: state.passage } : { draft: input.value });
  }

  /** Attaches (or removes) the passage for the next message: shown, kept in the draft, Send updated. */
  function setPassage(passage: Passage | undefined): void {
    state.passage = passage;
    renderPassage();
    persistDraft();
    update();
  }

  function send(): void {
    const text = input.value;
    if (state.running || (!text.trim() && !state.passage)) return;
    const requestId = newId('r');
    deps.post(state.passage ? { type: 'send', requestId, text, passage: state.passage } : { type: 'send', requestId, text });
    input.value = '';
    deps.onSent();
    setPassage(undefined);
  }

  function stop(): void {
    if (state.running) deps.post({ type: 'stop', requestId: state.running.requestId });
  }

  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && state.running) {
      e.preventDefault();
      stop();
    }
  });
  input.addEventListener('input', () => {
    persistDraft();
    update();
  });

  return {
    element,
    update,
    attachPassage(passage) {
      setPassage(passage);
      input.focus();
    },
    focus: () => input.focus(),
    restoreDraft() {
      const draft = deps.loadDraft();
      input.value = draft.draft;
      state.passage = draft.passage;
      renderPassage();
      update();
    },
    actions: {
      send,
      stop,
      'remove-passage': () => {
        setPassage(undefined);
        input.focus();
      },
    },
  };
}
