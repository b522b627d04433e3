// The chat page's token view of a reply with probabilities, on the page's real bundles in jsdom: the
// toggle appears only for the reply the tokens are for, the view shows the reply's exact text as
// tinted tokens, hovering one shows the same rows as the editor's hover, and hostile token text stays text.
import * as assert from 'assert';
import type { MessageView } from '../../src/core/protocol/chatProtocol';
import { pageTokens } from '../../src/core/chat/replyProbabilities';
import type { GeneratedToken } from '../../src/core/logprobs/choiceLogprobs';
import { buildWebviewBundles, type WebviewBundles } from '../webviewBundles';
import { conversation, deliver, openPage } from './chatPageHarness';

const USER: MessageView = { id: 'u1', role: 'user', text: 'Name the inn.', status: 'done' };
const reply = (text: string): MessageView => ({ id: 'a1', role: 'assistant', text, status: 'done', model: 'story-model' });

function tokens(pieces: [string, number, [string, number][]][]): GeneratedToken[] {
  let offset = 0;
  return pieces.map(([text, p, top]) => {
    const t = { text, offset, token: text, logprob: Math.log(p), top: top.map(([a, q]) => ({ text: a, logprob: Math.log(q) })) };
    offset += text.length;
    return t;
  });
}

const PIECES: [string, number, [string, number][]][] = [
  ['The', 0.9, [['The', 0.9], ['A', 0.05]]],
  [' Salt', 0.05, [[' Rusty', 0.6], [' Salt', 0.05]]],
  [' Lamb', 0.3, [[' Lamb', 0.3], [' Anchor', 0.25]]],
  ['<img src=x onerror=alert(1)>', 0.5, [['<img src=x onerror=alert(1)>', 0.5]]],
];
const TEXT = PIECES.map((p) => p[0]).join('');

describe('chat page: token probabilities of a reply', function () {
  this.timeout(20_000);
  let bundles: WebviewBundles;
  before(async () => {
    bundles = await buildWebviewBundles({ minify: false });
  });

  function open(text = TEXT) {
    const page = openPage(bundles, { messages: [{ type: 'conversation', conversation: conversation([USER, reply(text)]) }] });
    page.dom.window.eval(bundles.markdown);
    const article = () => page.doc.querySelector<HTMLElement>('article[data-id="a1"]')!;
    const toggle = () => article().querySelector<HTMLButtonElement>('button[data-action="toggle-probabilities"]');
    return { ...page, article, toggle };
  }

  it('offers the token view once the tokens arrive, and shows the exact reply as tinted tokens', () => {
    const page = open();
    assert.strictEqual(page.toggle(), null, 'no toggle before the tokens');
    deliver(page.dom, { type: 'probabilities', messageId: 'a1', text: TEXT, tokens: pageTokens(tokens(PIECES)) });
    page.toggle()!.click();
    const body = page.article().querySelector<HTMLElement>('.msg-body.tokens')!;
    assert.strictEqual(body.textContent, TEXT);
    assert.deepStrictEqual(
      Array.from(body.querySelectorAll('.tok')).map((s) => s.className),
      ['tok band-sure', 'tok band-low', 'tok band-middle', 'tok band-high'],
    );
    assert.strictEqual(page.doc.querySelector('img'), null, 'token text is text, never markup');
    assert.strictEqual(page.toggle()!.getAttribute('aria-pressed'), 'true');
    page.toggle()!.click();
    assert.strictEqual(page.article().querySelector('.msg-body.tokens'), null, 'the toggle goes back to the formatted reply');
    assert.deepStrictEqual(page.errors, []);
  });

  it('hovering a token shows its choices best first, the chosen one marked, and what the others shared', () => {
    const page = open();
    deliver(page.dom, { type: 'probabilities', messageId: 'a1', text: TEXT, tokens: pageTokens(tokens(PIECES)) });
    page.toggle()!.click();
    const salt = page.article().querySelectorAll<HTMLElement>('.tok')[1];
    salt.dispatchEvent(new page.dom.window.MouseEvent('mouseover', { bubbles: true }));
    const popup = page.doc.querySelector<HTMLElement>('.token-popup')!;
    assert.strictEqual(popup.hidden, false);
    assert.strictEqual(popup.querySelector('.token-popup-head')?.textContent, '5% sure');
    const rows = Array.from(popup.querySelectorAll('tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent));
    assert.deepStrictEqual(rows, [
      ['', '␣Rusty', '60%'],
      ['✓', '␣Salt', '5%'],
      ['', 'others', '35%'],
    ]);
    page.article().querySelector('.msg-head')!.dispatchEvent(new page.dom.window.MouseEvent('mouseover', { bubbles: true }));
    assert.strictEqual(popup.hidden, true);
  });

  it('tokens for another text of the reply (another alternative shown) offer nothing', () => {
    const page = open('A different reply.');
    deliver(page.dom, { type: 'probabilities', messageId: 'a1', text: TEXT, tokens: pageTokens(tokens(PIECES)) });
    assert.strictEqual(page.toggle(), null);
  });
});
