// A reply can never break the chat page, tested on the page's real
// bundles in jsdom: a saved reply that once overflowed the renderer must not stop the page from starting,
// and a streaming reply is formatted block by block, the blocks already shown kept as they are.
import * as assert from 'assert';
import type { JSDOM } from 'jsdom';
import { buildWebviewBundles, type WebviewBundles } from '../webviewBundles';
import { conversation, deliver, openPage } from './chatPageHarness';

const HOSTILE = {
  quotes: '>'.repeat(1900) + ' deep',
  lists: '- '.repeat(1200) + 'item',
  emphasis: '*a'.repeat(40_000),
};

function frame(dom: JSDOM): Promise<void> {
  return new Promise((resolve) => dom.window.requestAnimationFrame(() => resolve()));
}

describe('chat page: hostile replies', function () {
  this.timeout(30_000);
  let bundles: WebviewBundles;
  before(async () => {
    bundles = await buildWebviewBundles({ minify: false });
  });

  it('opens on a saved conversation holding each reply that once broke it: says ready, shows every message', () => {
    const messages = [
      ...Object.entries(HOSTILE).map(([id, text]) => ({ id, role: 'assistant' as const, text, status: 'done' as const })),
      { id: 'after', role: 'assistant' as const, text: 'Still **here**.', status: 'done' as const },
    ];
    const { doc, errors, posted } = openPage(bundles, { messages: [{ type: 'conversation', conversation: conversation(messages) }] });
    assert.deepStrictEqual(errors, []);
    assert.ok(posted.some((m) => (m as { type?: string }).type === 'ready'), 'the page said ready');
    // The last twelve messages are built before the first paint; these four all are.
    for (const [id, text] of Object.entries(HOSTILE)) {
      const body = doc.querySelector(`article[data-id="${id}"] .msg-body`);
      assert.ok(body, `${id} is shown`);
      assert.strictEqual(body.textContent, text, `${id}: the reply is shown as its text`);
      assert.ok(body.querySelector('.plain-block'), `${id}: shown as a plain block`);
    }
    assert.strictEqual(doc.querySelector('article[data-id="after"] .msg-body strong')?.textContent, 'here');
  });

  it('a hostile reply arriving later does not stop the next ones from showing', () => {
    const { dom, doc, errors } = openPage(bundles, { messages: [{ type: 'conversation', conversation: conversation([]) }] });
    dom.window.eval(bundles.markdown);
    deliver(dom, { type: 'conversation', conversation: conversation([{ id: 'bad', role: 'assistant', text: HOSTILE.quotes, status: 'done' }]) });
    deliver(dom, { type: 'message', message: { id: 'bad', role: 'assistant', text: HOSTILE.lists, status: 'done' } });
    deliver(dom, {
      type: 'conversation',
      conversation: conversation([
        { id: 'bad', role: 'assistant', text: HOSTILE.lists, status: 'done' },
        { id: 'good', role: 'assistant', text: '*Fine*', status: 'done' },
      ]),
    });
    assert.deepStrictEqual(errors, []);
    assert.strictEqual(doc.querySelector('article[data-id="good"] .msg-body em')?.textContent, 'Fine');
    assert.strictEqual(doc.querySelector('.notice')?.textContent, '', 'no notice: nothing failed');
  });

  it('streams a reply block by block: blocks already shown keep their nodes, only the tail is formatted again', async () => {
    const { dom, doc, errors } = openPage(bundles, { messages: [{ type: 'conversation', conversation: conversation([]) }] });
    dom.window.eval(bundles.markdown);
    const running = { requestId: 'r1', messageId: 'm1' };
    deliver(dom, { type: 'conversation', conversation: conversation([{ id: 'm1', role: 'assistant', text: '', status: 'streaming' }]), running });
    deliver(dom, { type: 'generation', state: 'started', ...running });
    const body = () => doc.querySelector<HTMLElement>('article[data-id="m1"] .msg-body')!;
    const pieces = ['The **first** para', 'graph.\n\n', 'A second *one*', '.\n\n```\ncode\n\nmore\n```\n\n', 'Third', ' and last.'];
    const firstParagraphs: Element[] = [];
    for (const text of pieces) {
      deliver(dom, { type: 'appendText', messageId: 'm1', text });
      await frame(dom);
      await frame(dom);
      firstParagraphs.push(body().firstElementChild!);
    }
    assert.deepStrictEqual(errors, []);
    // From the frame the first paragraph was complete on, it is the same node in every later frame.
    const settled = firstParagraphs.slice(1);
    assert.ok(settled.every((p) => p === settled[0]), 'the first block was formatted again after it was complete');
    assert.strictEqual(settled[0].querySelector('strong')?.textContent, 'first');
    assert.strictEqual(body().querySelector('em')?.textContent, 'one');
    assert.strictEqual(body().querySelector('pre code')?.textContent, 'code\n\nmore\n');
    assert.strictEqual(body().lastElementChild?.textContent, 'Third and last.');
  });

  it('a long finished reply shows all its text at once and is formatted block by block over a few tasks', async () => {
    const paragraph = 'A **bold** start, and the rest of a long paragraph of prose that goes on for a while. '.repeat(6);
    const text = Array.from({ length: 60 }, () => paragraph).join('\n\n');
    assert.ok(text.length > 30_000);
    const { dom, doc, errors } = openPage(bundles, { messages: [{ type: 'conversation', conversation: conversation([]) }] });
    dom.window.eval(bundles.markdown);
    deliver(dom, { type: 'conversation', conversation: conversation([{ id: 'long', role: 'assistant', text, status: 'done' }]) });
    const body = doc.querySelector<HTMLElement>('article[data-id="long"] .msg-body')!;
    assert.strictEqual(body.textContent?.replace(/\*\*/g, '').replace(/\s+/g, ''), text.replace(/\*\*/g, '').replace(/\s+/g, ''), 'all the text is there at once');
    assert.ok(body.querySelector('.pending-block'), 'some blocks wait for a later task');
    // Each later task replaces pending blocks in the page: watch it change until none is left.
    await new Promise<void>((resolve) => {
      const done = () => !body.querySelector('.pending-block');
      if (done()) return resolve();
      const observer = new dom.window.MutationObserver(() => {
        if (!done()) return;
        observer.disconnect();
        resolve();
      });
      observer.observe(body, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
    });
    assert.deepStrictEqual(errors, []);
    assert.strictEqual(body.querySelector('.pending-block'), null, 'every block was formatted');
    assert.strictEqual(body.querySelectorAll('strong').length, 60 * 6);
  });
});
