import type { Passage, WebviewToExtension } from '../core/protocol/chatProtocol';

/** What the webview keeps across its own reloads: only the unsent draft. The transcript is the extension's. */
export interface DraftState {
  draft: string;
  passage?: Passage;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: WebviewToExtension): void {
  api.postMessage(message);
}

export function loadDraft(): DraftState {
  const state = api.getState() as Partial<DraftState> | undefined;
  const draft = typeof state?.draft === 'string' ? state.draft : '';
  const p = state?.passage;
  return p && typeof p.text === 'string' && typeof p.source === 'string' ? { draft, passage: { text: p.text, source: p.source } } : { draft };
}

export function saveDraft(state: DraftState): void {
  api.setState(state);
}
