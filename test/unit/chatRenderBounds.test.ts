import * as assert from 'assert';
import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { MARKDOWN_LIMITS, blockLimitExceeded, blockRanges, scanBlocks } from '../../src/core/chat/markdownBlocks';
import { PLAIN_BLOCK_CLASS, createMarkdownRenderer } from '../../src/core/chat/renderMarkdown';
import { threadCpuMs } from './threadCpuClock';

// A reply can never break or stall the chat: whatever the model sends,
// rendering returns, in bounded time, nodes that hold all of the reply's text.

const window = new JSDOM('<!DOCTYPE html><body></body>').window;
const render = createMarkdownRenderer(window);

/** The visible text of rendered HTML, whitespace collapsed. */
function textOf(html: string): string {
  const div = window.document.createElement('div');
  div.innerHTML = html;
  return (div.textContent ?? '').replace(/\s+/g, '');
}

/** `f`'s result and the CPU time this thread spent on it: other processes on a loaded machine do not count. */
function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = threadCpuMs();
  const value = f();
  return { value, ms: threadCpuMs() - t0 };
}

/** The shapes that broke or stalled the page before the bounds (marked overflowed its stack or went quadratic). */
const HOSTILE: Record<string, string> = {
  'nested quotes, 1.9 KB': '>'.repeat(1900) + ' deep',
  'spaced nested quotes': '> '.repeat(1200) + 'deep',
  'nested list markers on one line': '- '.repeat(1200) + 'item',
  'nested lists by indentation': Array.from({ length: 400 }, (_, i) => ' '.repeat(i * 2) + '- level ' + i).join('\n'),
  'unclosed emphasis, 40k': '*a'.repeat(40_000),
  'unclosed strong and underscores': '**_'.repeat(20_000),
  'open brackets': '['.repeat(30_000) + 'x',
  'image openers': '![a'.repeat(10_000),
  'backticks': '`a'.repeat(30_000),
  'angle brackets': '<a'.repeat(30_000),
  'nested parens': 'x(' + '('.repeat(20_000) + 'y' + ')'.repeat(20_000) + ')',
  'backslashes': '\\'.repeat(60_000),
  'a degenerate model': 'the the the '.repeat(30_000),
  'one line of 1 MB': 'word '.repeat(210_000),
  'deeply nested ordered lists': Array.from({ length: 300 }, (_, i) => '   '.repeat(i) + '1. x').join('\n'),
};

describe('chat markdown: bounded rendering', () => {
  for (const [name, markdown] of Object.entries(HOSTILE)) {
    it(`${name}: renders without throwing, quickly, and keeps every character of text`, () => {
      const { value: html, ms } = timed(() => render(markdown));
      // A generous bound of this thread's CPU time (a few ms each now): without the bounds these threw or took 1.3–2.7 s here.
      assert.ok(ms < 400, `took ${ms.toFixed(0)} ms`);
      const want = markdown.replace(/[\s\\>*_`#[\]()!<-]|\d+\./g, '');
      const got = textOf(html).replace(/[\\>*_`#[\]()!<-]|\d+\./g, '');
      assert.ok(got.includes(want.slice(0, 200)) && got.length >= want.length * 0.9, `text lost: ${got.slice(0, 80)}…`);
      assert.doesNotThrow(() => render.fragment(markdown));
    });
  }

  it('shows a too-deep block as text and keeps the blocks around it formatted', () => {
    const markdown = `**Before.**\n\n${'>'.repeat(500)} deep\n\nAfter *this*.`;
    const div = window.document.createElement('div');
    div.append(render.fragment(markdown));
    assert.ok(div.querySelector('strong'), 'the block before is formatted');
    assert.ok(div.querySelector('em'), 'the block after is formatted');
    const plain = div.querySelector(`p.${PLAIN_BLOCK_CLASS}`);
    assert.ok(plain, 'the deep block is shown as text');
    assert.ok(plain.textContent?.includes('>'.repeat(500)));
    assert.match(plain.getAttribute('title') ?? '', /nested too deeply/);
  });

  it('a reply past the length bound is text, whole', () => {
    const markdown = '*word* '.repeat(Math.ceil(MARKDOWN_LIMITS.maxReplyChars / 7) + 10);
    const div = window.document.createElement('div');
    div.append(render.fragment(markdown));
    assert.strictEqual(div.children.length, 1);
    assert.strictEqual(div.firstElementChild?.className, PLAIN_BLOCK_CLASS);
    assert.strictEqual(div.textContent, markdown);
  });

  it('a parser failure on one block costs only that block', () => {
    // A parser that overflows on one block stands in for a marked bug on input within the bounds.
    const markdown = 'One *a*.\n\nTwo BOOM.\n\nThree *c*.';
    const broken = createMarkdownRenderer(window, {
      parse: (m) => {
        if (m.includes('BOOM')) throw new RangeError('Maximum call stack size exceeded');
        return m.replace(/\*(\w)\*/g, '<em>$1</em>');
      },
    });
    const div = window.document.createElement('div');
    div.innerHTML = broken(markdown);
    assert.strictEqual(div.querySelectorAll('em').length, 2, div.innerHTML);
    assert.strictEqual(div.querySelector(`.${PLAIN_BLOCK_CLASS}`)?.textContent, 'Two BOOM.\n\n');
    const fragment = window.document.createElement('div');
    fragment.append(broken.fragment(markdown));
    assert.strictEqual(fragment.innerHTML, div.innerHTML);
  });

  it('never throws or takes long on any mix of markdown punctuation (property)', function () {
    this.timeout(60_000);
    const alphabet = fc.constantFrom('>', '-', '*', '_', '`', '~', '[', ']', '(', ')', '#', '|', '!', '<', '\\', '1.', ' ', '  ', '\n', '\n\n', 'a', 'word', '```', '~~~', '- [ ]');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 3000 }).map((parts) => parts.join('')), (markdown) => {
        const { value: html, ms } = timed(() => render(markdown));
        assert.ok(ms < 300, `took ${ms.toFixed(0)} ms`);
        assert.strictEqual(typeof html, 'string');
        const letters = (markdown.match(/[a-z]/g) ?? []).length;
        assert.ok(textOf(html).replace(/[^a-z]/g, '').length >= letters - 10, 'letters lost');
      }),
      { numRuns: 150 },
    );
  });
});

describe('chat markdown: blocks', () => {
  const blocksOf = (text: string, complete = true) => blockRanges(text, scanBlocks(text, undefined, complete)).map((r) => text.slice(r.start, r.end));

  it('cuts after blank lines before flush-left text; never inside fences, lists or quotes', () => {
    assert.deepStrictEqual(blocksOf('One.\n\nTwo.\n\n# Three'), ['One.\n\n', 'Two.\n\n', '# Three']);
    assert.deepStrictEqual(blocksOf('```\na\n\nb\n```\n\nAfter'), ['```\na\n\nb\n```\n\n', 'After']);
    assert.deepStrictEqual(blocksOf('1. a\n\n2. b\n\n   more\n\nEnd'), ['1. a\n\n2. b\n\n   more\n\n', 'End']);
    assert.deepStrictEqual(blocksOf('> a\n\n> b\n\nc'), ['> a\n\n', '> b\n\n', 'c']);
    assert.deepStrictEqual(blocksOf('- a\n\n> b'), ['- a\n\n', '> b']);
    assert.deepStrictEqual(blocksOf('~~~~\n```\n\nx\n~~~~\n\ny'), ['~~~~\n```\n\nx\n~~~~\n\n', 'y']);
  });

  it('the last line of a growing reply starts a block once its first characters rule out a list item', () => {
    assert.deepStrictEqual(blocksOf('One.\n\nTw', false), ['One.\n\n', 'Tw'], 'a letter starts a block at once');
    assert.deepStrictEqual(blocksOf('1. a\n\n2', false), ['1. a\n\n2'], '"2" may become the list\'s next item');
    assert.deepStrictEqual(blocksOf('1. a\n\n2.', false), ['1. a\n\n2.']);
    assert.deepStrictEqual(blocksOf('1. a\n\n2.5', false), ['1. a\n\n', '2.5']);
    assert.deepStrictEqual(blocksOf('- a\n\n-', false), ['- a\n\n-']);
    assert.deepStrictEqual(blocksOf('- a\n\n--', false), ['- a\n\n', '--']);
  });

  it('a scan resumed on a grown text equals a fresh scan (property)', () => {
    const piece = fc.constantFrom('Para', ' word', '\n', '\n\n', '```', '~~~', '- ', '> ', '1. ', '  ', '#');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 200 }), fc.array(fc.nat(), { maxLength: 10 }), (parts, cuts) => {
        const text = parts.join('');
        let scan = scanBlocks('', undefined);
        for (const c of [...cuts.map((n) => n % (text.length + 1)).sort((a, b) => a - b), text.length]) scan = scanBlocks(text.slice(0, c), scan);
        assert.deepStrictEqual(scan.starts, scanBlocks(text).starts);
      }),
      { numRuns: 300 },
    );
  });

  it('formatting a reply block by block shows the same text as formatting it whole', () => {
    const reply = '# Title\n\nSome *prose* with `code`.\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\n- one\n- two\n\n> quoted\n\nEnd.';
    const whole = window.document.createElement('div');
    whole.append(render.fragment(reply));
    const parts = window.document.createElement('div');
    for (const b of blocksOf(reply)) parts.append(render.blockFragment(b));
    assert.strictEqual(parts.innerHTML.replace(/\s+/g, ''), whole.innerHTML.replace(/\s+/g, ''));
  });

  it('limits: depth, density, length', () => {
    assert.strictEqual(blockLimitExceeded('> '.repeat(16) + 'x'), undefined);
    assert.match(blockLimitExceeded('> '.repeat(17) + 'x') ?? '', /nested/);
    assert.match(blockLimitExceeded('*a'.repeat(MARKDOWN_LIMITS.maxDelimiters + 1)) ?? '', /markup/);
    assert.match(blockLimitExceeded('a'.repeat(MARKDOWN_LIMITS.maxBlockChars + 1)) ?? '', /long/);
    assert.strictEqual(blockLimitExceeded('An ordinary paragraph, with *some* emphasis and a [link](https://example.com).'), undefined);
  });
});
