// The chat page's two bundles, built from src/webview and run in jsdom: a page that opens on an
// empty chat paints without the markdown renderer, shows a reply that arrives before it as plain
// text, and formats it once the renderer's bundle has run.
import * as assert from 'assert';
import { MARKDOWN_SCRIPT_ID } from '../../src/core/chat/pageIds';
import { buildWebviewBundles, type WebviewBundles } from '../webviewBundles';
import { conversation, openPage } from './chatPageHarness';

const REPLY = 'Three names:\n\n1. **Ashford**\n2. *Mere*';

describe('chat page: the markdown renderer as a bundle of its own', function () {
  this.timeout(20_000);
  let bundles: WebviewBundles;
  before(async () => {
    bundles = await buildWebviewBundles({ minify: false });
  });

  it('paints an empty chat without the renderer, shows an early reply as text, and formats it when the renderer runs', () => {
    const { dom, doc, errors, posted } = openPage(bundles, { messages: [{ type: 'conversation', conversation: conversation([]) }] });
    assert.deepStrictEqual(errors, []);
    assert.ok(doc.querySelector('.empty'), 'the empty chat is shown');
    assert.ok(doc.getElementById(MARKDOWN_SCRIPT_ID)?.hasAttribute('src'));
    assert.ok(posted.some((m) => (m as { type?: string }).type === 'ready'), 'the page said ready');

    // A reply arrives before the renderer's bundle has loaded.
    const reply = { id: 'm2', role: 'assistant' as const, text: REPLY, status: 'done' as const };
    dom.window.dispatchEvent(
      new dom.window.MessageEvent('message', {
        data: { type: 'conversation', conversation: conversation([{ id: 'm1', role: 'user', text: 'Names?', status: 'done' }, reply]) },
      }),
    );
    const body = () => doc.querySelector<HTMLElement>('article[data-id="m2"] .msg-body');
    assert.strictEqual(body()?.classList.contains('unformatted'), true);
    assert.strictEqual(body()?.textContent, REPLY, 'the text is shown whole, as it is');
    assert.strictEqual(body()?.querySelector('strong'), null);

    // The bundle loads (here: runs) and the reply is formatted in place.
    dom.window.eval(bundles.markdown);
    assert.deepStrictEqual(errors, []);
    assert.strictEqual(body()?.classList.contains('unformatted'), false);
    assert.strictEqual(body()?.querySelector('strong')?.textContent, 'Ashford');
    assert.strictEqual(body()?.querySelectorAll('ol > li').length, 2);
    // A user's message is never markdown.
    assert.strictEqual(doc.querySelector('article[data-id="m1"] .msg-body')?.textContent, 'Names?');
  });

  it('formats the conversation it opens on in the first render, with the renderer inlined ahead', () => {
    const { doc, errors } = openPage(bundles, {
      messages: [{ type: 'conversation', conversation: conversation([{ id: 'm2', role: 'assistant', text: REPLY, status: 'done' }]) }],
    });
    assert.deepStrictEqual(errors, []);
    assert.strictEqual(doc.getElementById(MARKDOWN_SCRIPT_ID)?.hasAttribute('src'), false);
    assert.strictEqual(doc.querySelectorAll('.msg-body.unformatted').length, 0);
    assert.strictEqual(doc.querySelector('article[data-id="m2"] .msg-body strong')?.textContent, 'Ashford');
  });

  it('says so when the renderer cannot load, and keeps the text', () => {
    const { dom, doc } = openPage(bundles, { messages: [{ type: 'conversation', conversation: conversation([]) }] });
    doc.getElementById(MARKDOWN_SCRIPT_ID)?.dispatchEvent(new dom.window.Event('error'));
    assert.match(doc.querySelector('.notice')?.textContent ?? '', /could not load its markdown renderer.*plain text/);
  });
});
