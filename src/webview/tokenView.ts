// A reply shown as its tokens, each tinted by how sure the model was of it (the theme's Inkwell
// probability colours, as in the editor), and the popup that hovering one shows: its top choices with
// their probabilities, the chosen one marked, what the others shared. Every text goes in through
// textContent: nothing from the model is ever markup here.
import type { PageToken } from '../core/protocol/chatProtocol';
import { h } from './dom';
import { percent } from '../core/logprobs/probabilityBands';

/** The reply's text as token spans; text past the last token (a very long reply) follows as plain text. */
export function buildTokenView(tokens: PageToken[], text: string): HTMLElement {
  const body = h('div', { class: 'msg-body tokens', 'aria-label': 'Reply by token; hover a token for its probabilities' });
  let covered = 0;
  tokens.forEach((token, i) => {
    if (!token.text) return;
    body.append(h('span', { class: `tok band-${token.band}`, 'data-token': String(i) }, token.text));
    covered += token.text.length;
  });
  if (covered < text.length) body.append(text.slice(covered));
  return body;
}

/** One popup for the page, filled from the token under the pointer. */
export function createTokenPopup(tokensFor: (messageId: string) => PageToken[] | undefined): HTMLElement {
  const popup = h('div', { class: 'token-popup', role: 'tooltip', hidden: true });
  const show = (span: HTMLElement) => {
    const id = span.closest<HTMLElement>('article.msg')?.dataset.id;
    const token = id ? tokensFor(id)?.[Number(span.dataset.token)] : undefined;
    if (!token) return;
    const rows = token.rows.map((row) =>
      h('tr', { class: row.chosen ? 'chosen' : undefined }, h('td', {}, row.chosen ? '✓' : ''), h('td', { class: 'tok-text' }, row.shown), h('td', { class: 'tok-p' }, percent(row.p))),
    );
    if (token.others !== undefined) rows.push(h('tr', { class: 'others' }, h('td', {}), h('td', {}, 'others'), h('td', { class: 'tok-p' }, percent(token.others))));
    popup.replaceChildren(h('div', { class: 'token-popup-head' }, `${percent(token.p)} sure`), h('table', {}, h('tbody', {}, ...rows)));
    popup.hidden = false;
    const box = span.getBoundingClientRect();
    const below = box.bottom + 4;
    popup.style.left = `${Math.max(4, Math.min(box.left, window.innerWidth - popup.offsetWidth - 4))}px`;
    popup.style.top = `${below + popup.offsetHeight > window.innerHeight ? Math.max(4, box.top - popup.offsetHeight - 4) : below}px`;
  };
  document.addEventListener('mouseover', (e) => {
    const span = (e.target as Element | null)?.closest?.<HTMLElement>('.tok');
    if (span) show(span);
    else popup.hidden = true;
  });
  document.addEventListener('scroll', () => (popup.hidden = true), true);
  return popup;
}
