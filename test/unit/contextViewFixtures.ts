// What the context view's HTML tests share: a snapshot of a small prompt, a panel state around it, and
// the page parsed without running its script.
import { JSDOM } from 'jsdom';
import { ContextPanelState, ContextSnapshot } from '../../src/core/story/contextSnapshot';
import { renderContextPage } from '../../src/core/story/contextViewPage';

export const SNAPSHOT: ContextSnapshot = {
  tab: 'next',
  source: 'chapter-01.md, line 3',
  model: 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic',
  tokenizer: 'Llama 3 BPE',
  exact: true,
  mode: 'completion',
  contextSize: 8192,
  maxTokens: 300,
  outcome: { fits: true, parts: [{ kind: 'memory', label: 'Memory', tokens: 10 }, { kind: 'story', label: 'Story text', tokens: 90 }], tokens: 100, trimmedChars: 0 },
  lore: [],
  request: { url: 'https://api.example/v1/completions', body: { model: 'm', prompt: 'Rain.', max_tokens: 300, stream: true } },
};
export const state = (next: ContextSnapshot, last: ContextPanelState['last'] = { tab: 'last', empty: 'Nothing sent yet.' }): ContextPanelState => ({ next, last });

export function page(fragment: string, nonce = 'bm9uY2U=') {
  return new JSDOM(renderContextPage({ nonce, fragment })).window.document;
}
