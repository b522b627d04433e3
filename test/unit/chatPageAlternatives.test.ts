// The chat page's ◀ n/m ▶ on a reply with alternatives, on the page's real bundles in jsdom: what it
// shows, what a click asks the extension for (a message the protocol's validator accepts), and a reply
// whose newest alternative streams while an older one is shown.
import * as assert from 'assert';
import type { JSDOM } from 'jsdom';
import { parseWebviewMessage, type MessageView } from '../../src/core/protocol/chatProtocol';
import { buildWebviewBundles, type WebviewBundles } from '../webviewBundles';
import { conversation, deliver, openPage } from './chatPageHarness';

const USER: MessageView = { id: 'u1', role: 'user', text: 'Name the inn.', status: 'done' };

function reply(text: string, index: number, count: number, status: MessageView['status'] = 'done'): MessageView {
  return { id: 'a1', role: 'assistant', text, status, model: 'story-model', alternative: { index, count } };
}

function frame(dom: JSDOM): Promise<void> {
  return new Promise((resolve) => dom.window.requestAnimationFrame(() => resolve()));
}

describe('chat page: alternatives of a reply', function () {
  this.timeout(20_000);
  let bundles: WebviewBundles;
  before(async () => {
    bundles = await buildWebviewBundles({ minify: false });
  });

  function open(messages: MessageView[]) {
    const page = openPage(bundles, { messages: [{ type: 'conversation', conversation: conversation(messages) }] });
    page.dom.window.eval(bundles.markdown);
    const article = () => page.doc.querySelector<HTMLElement>('article[data-id="a1"]')!;
    const button = (action: string) => article().querySelector<HTMLButtonElement>(`.alternatives button[data-action="${action}"]`)!;
    // Through JSON: what the page posts is made in its own window, with that window's prototypes.
    const asked = () => page.posted.filter((m) => (m as { type?: string }).type === 'showAlternative').map((m) => JSON.parse(JSON.stringify(m)) as unknown);
    return { ...page, article, button, asked };
  }

  it('shows n/m with the arrows, and a click asks for the one before or after, as the protocol accepts it', () => {
    const page = open([USER, reply('The **Salt Lamb**', 1, 3)]);
    assert.deepStrictEqual(page.errors, []);
    assert.strictEqual(page.article().querySelector('.alternative-count')?.textContent, '2/3');
    assert.strictEqual(page.article().querySelector('.alternatives')?.getAttribute('aria-label'), 'Alternative 2 of 3');
    assert.strictEqual(page.article().querySelector('.msg-body strong')?.textContent, 'Salt Lamb');
    page.button('previous-alternative').click();
    page.button('next-alternative').click();
    assert.deepStrictEqual(page.asked(), [
      { type: 'showAlternative', messageId: 'a1', index: 0 },
      { type: 'showAlternative', messageId: 'a1', index: 2 },
    ]);
    for (const message of page.asked()) assert.deepStrictEqual(parseWebviewMessage(message), message);

    // The extension answers with the reply as it is now shown.
    deliver(page.dom, { type: 'message', message: reply('The *Heron*', 0, 3) });
    assert.strictEqual(page.article().querySelector('.alternative-count')?.textContent, '1/3');
    assert.strictEqual(page.article().querySelector('.msg-body em')?.textContent, 'Heron');
    assert.strictEqual(page.button('previous-alternative').disabled, true, 'nothing before the first');
    assert.strictEqual(page.button('next-alternative').disabled, false);
    page.button('previous-alternative').click();
    assert.strictEqual(page.asked().length, 2, 'a disabled arrow asks for nothing');
    assert.deepStrictEqual(page.errors, []);
  });

  it('has no arrows for a reply written once, nor for a user message', () => {
    const page = open([USER, { id: 'a1', role: 'assistant', text: 'The Heron', status: 'done' }]);
    assert.strictEqual(page.doc.querySelectorAll('.alternatives').length, 0);
  });

  it('while the newest streams, an older one is shown finished with its buttons, and the newest streams again when shown', async () => {
    const page = open([USER, reply('', 2, 3, 'streaming')]);
    deliver(page.dom, { type: 'generation', state: 'started', requestId: 'r2', messageId: 'a1' });
    assert.ok(page.article().classList.contains('streaming'));
    assert.strictEqual(page.article().querySelector('[data-action="copy"]'), null, 'no Copy for text still arriving');
    assert.ok(page.article().querySelector('.alternatives'), 'the arrows are there while it streams');

    page.button('previous-alternative').click();
    assert.deepStrictEqual(page.asked().at(-1), { type: 'showAlternative', messageId: 'a1', index: 1 });
    deliver(page.dom, { type: 'message', message: reply('The Salt Lamb', 1, 3) });
    assert.ok(!page.article().classList.contains('streaming'));
    assert.strictEqual(page.article().getAttribute('aria-busy'), null);
    assert.ok(page.article().querySelector('[data-action="copy"]'), 'Copy for the one shown');
    assert.ok(page.article().querySelector('[data-action="insert"]'));
    assert.strictEqual(page.article().querySelector('[data-action="regenerate"]'), null, 'no Regenerate while a reply is written');

    deliver(page.dom, { type: 'message', message: reply('The Drowned', 2, 3, 'streaming') });
    deliver(page.dom, { type: 'appendText', messageId: 'a1', text: ' Bell' });
    await frame(page.dom);
    assert.ok(page.article().classList.contains('streaming'));
    assert.strictEqual(page.article().querySelector('.msg-body')?.textContent?.trim(), 'The Drowned Bell');
    deliver(page.dom, { type: 'message', message: reply('The Drowned Bell', 2, 3) });
    deliver(page.dom, { type: 'generation', state: 'ended', requestId: 'r2', messageId: 'a1' });
    assert.ok(page.article().querySelector('[data-action="regenerate"]'), 'Regenerate once it has ended');
    assert.deepStrictEqual(page.errors, []);
  });
});
