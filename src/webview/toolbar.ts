// The panel's settings as the extension reports them: provider, model and sampling preset, the
// chat's system prompt, and how full the model's context is. Changes go to the extension, which
// answers with the new config; nothing here is kept by the page.
import type { PanelConfig, TokenInfo, WebviewToExtension } from '../core/protocol/chatProtocol';
import type { ActionHandlers } from './actions';
import { h, iconButton } from './dom';
import type { PageState } from './state';

export interface Toolbar {
  readonly header: HTMLElement;
  /** Opened from the toolbar, shown below it. */
  readonly systemPanel: HTMLElement;
  showConfig(config: PanelConfig): void;
  readonly actions: ActionHandlers;
}

function option(value: string, label: string, selected: boolean, title?: string): HTMLOptionElement {
  const o = h('option', { value, title }, label);
  o.selected = selected;
  return o;
}

export function createToolbar(state: PageState, post: (message: WebviewToExtension) => void): Toolbar {
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
  const header = h(
    'header',
    { class: 'toolbar' },
    h('div', { class: 'toolbar-row' }, providerSelect, modelSelect, refreshModels),
    h('div', { class: 'toolbar-row' }, presetSelect, systemToggle),
  );

  providerSelect.addEventListener('change', () => post({ type: 'selectProvider', providerId: providerSelect.value }));
  modelSelect.addEventListener('change', () => {
    if (modelSelect.value) post({ type: 'selectModel', model: modelSelect.value });
  });
  presetSelect.addEventListener('change', () => post({ type: 'selectPreset', presetId: presetSelect.value }));

  function render(): void {
    const config = state.config;
    if (!config) return;
    providerSelect.replaceChildren(...config.providers.map((p) => option(p.id, p.label, p.id === config.providerId)));
    const models = config.models ?? [];
    const options = models.map((m) => option(m, m, m === config.model));
    // The chosen model stays shown while the list loads, when it cannot be loaded, or when it lacks it.
    if (!models.includes(config.model)) {
      const label = config.model || 'No model selected';
      const note = config.models ? '' : config.modelsError ? ' (list unavailable)' : ' (loading list…)';
      options.unshift(option(config.model, label + note, true));
    }
    modelSelect.replaceChildren(...options);
    modelSelect.title = config.modelsError ? `Model — the list could not be loaded: ${config.modelsError}` : `Model: ${config.model || 'none'}`;
    presetSelect.replaceChildren(...config.presets.map((p) => option(p.id, `Sampling: ${p.label}`, p.id === config.presetId, p.description)));
    presetSelect.title = config.presets.find((p) => p.id === config.presetId)?.description ?? 'Sampling preset';
    // A config arriving while the writer types the prompt must not overwrite what they typed.
    if (document.activeElement !== systemText) systemText.value = config.systemPrompt;
    systemNote.textContent = config.systemPromptIsDefault ? 'From inkwell.chat.systemPrompt' : 'Changed for this chat';
    systemReset.disabled = config.systemPromptIsDefault;
    systemToggle.classList.toggle('changed', !config.systemPromptIsDefault);
  }

  const actions: ActionHandlers = {
    'refresh-models': () => post({ type: 'refreshModels' }),
    'toggle-system': () => {
      systemPanel.hidden = !systemPanel.hidden;
      systemToggle.setAttribute('aria-expanded', String(!systemPanel.hidden));
      if (!systemPanel.hidden) systemText.focus();
    },
    'save-system': () => {
      post({ type: 'setSystemPrompt', text: systemText.value });
      systemPanel.hidden = true;
      systemToggle.setAttribute('aria-expanded', 'false');
    },
    'reset-system': () => post({ type: 'setSystemPrompt', text: null }),
  };

  return {
    header,
    systemPanel,
    showConfig(config) {
      state.config = config;
      render();
    },
    actions,
  };
}

export interface TokenMeter {
  /** The bar and the figure, in that order; the composer shows them beside its buttons. */
  readonly elements: readonly [HTMLElement, HTMLElement];
  showTokens(tokens: TokenInfo | undefined): void;
}

export function createTokenMeter(state: PageState): TokenMeter {
  const label = h('span', { class: 'tokens', title: 'Tokens in this conversation / the model’s context' });
  const fill = h('span', { class: 'tokens-fill' });
  const bar = h('span', { class: 'tokens-bar' }, fill);
  return {
    elements: [bar, label],
    showTokens(tokens) {
      state.tokens = tokens;
      const t = state.tokens;
      if (!t) {
        label.textContent = '';
        fill.style.width = '0';
        return;
      }
      const ratio = t.context > 0 ? t.used / t.context : 0;
      label.textContent = `${t.used.toLocaleString('en-US')} / ${t.context.toLocaleString('en-US')} tokens`;
      fill.style.width = `${Math.min(100, ratio * 100).toFixed(1)}%`;
      bar.classList.toggle('warn', ratio >= 0.8 && ratio < 1);
      bar.classList.toggle('over', ratio >= 1);
    },
  };
}
