import * as assert from 'node:assert/strict';
import { JSDOM, VirtualConsole } from 'jsdom';
import { ContextSnapshot, LoreRow } from '../../src/core/story/contextSnapshot';
import { MAX_BODY_CHARS, MAX_OUT_ROWS, MAX_PROMPT_CHARS, clip, displayBody, renderContextFragment, renderContextTab } from '../../src/core/story/contextViewHtml';
import { contextCsp, renderContextPage } from '../../src/core/story/contextViewPage';
import { PromptPart } from '../../src/core/story/storyPrompt';
import { SNAPSHOT, page, state } from './contextViewFixtures';

describe('context view: hostile text', () => {
  const HOSTILE = [`</style><script>alert(1)</script>`, `"><img src=x onerror=alert(2)>`, `'onmouseover='alert(3)`, '</title></svg><script>alert(4)</script>', '<!--', ']]>'];

  it('escapes every string from the manuscript, the lore, the model and the server', () => {
    const hostile = HOSTILE.join(' ');
    const row: LoreRow = { id: hostile, name: hostile, active: true, why: { kind: 'key', key: hostile, index: 0, length: 1, count: 1 }, line: 1, tokens: 5, scanTokens: 10, hasKeys: true, secondaryKeys: [], secondaryLogic: 'any' };
    const snapshot: ContextSnapshot = {
      ...SNAPSHOT,
      source: hostile,
      model: hostile,
      tokenizer: hostile,
      outcome: { fits: true, parts: [{ kind: 'lore', label: hostile, tokens: 5, entryId: 'x' }, { kind: 'story', label: 'Story text', tokens: 5 }], tokens: 10, trimmedChars: 0 },
      lore: [row, { ...row, active: false, why: 'secondary', secondaryKeys: [hostile] }],
      request: { url: hostile, body: { model: hostile, prompt: hostile, messages: [{ role: 'user', content: hostile }] } },
    };
    const doc = page(renderContextFragment(state(snapshot, { ...snapshot, tab: 'last', sentAt: 0 })));
    assert.equal(doc.querySelectorAll('script').length, 1, 'only the page’s own script');
    assert.equal(doc.querySelectorAll('style').length, 1);
    assert.equal(doc.querySelectorAll('img, iframe, object, embed').length, 0);
    for (const el of Array.from(doc.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) assert.ok(!/^on/i.test(attr.name), `${el.tagName} has ${attr.name}`);
    }
    const text = doc.getElementById('content')!.textContent!;
    // The strings are all there, as text (names are clipped for display, so look for the first ones).
    assert.ok(text.includes(HOSTILE[0]) && text.includes(HOSTILE[1]));
    assert.ok(doc.querySelector('pre.body')!.textContent!.includes(JSON.stringify(hostile)));
    assert.ok(doc.querySelector('svg.bar title')!.textContent!.startsWith(clip(hostile).slice(0, 40)));
  });

  it('masks the keys Inkwell knows wherever they turn up', () => {
    const canary = 'sk-canary-7f3a9c2e5b';
    const snapshot: ContextSnapshot = {
      ...SNAPSHOT,
      source: `notes ${canary}`,
      lore: [{ id: 'k', name: `key ${canary}`, active: true, why: { kind: 'alwaysOn' }, scanTokens: 1, hasKeys: false, secondaryKeys: [], secondaryLogic: 'any' }],
      request: { url: `https://x.example/v1?key=${canary}`, body: { prompt: `pasted ${canary} by mistake` } },
    };
    const html = renderContextFragment(state(snapshot), { secrets: [canary] });
    assert.ok(!html.includes(canary));
    assert.ok(!html.includes(canary.slice(3)), 'no part of it either');
    // The source, the entry's name, the address, and the prompt twice (as read, and in the raw body).
    assert.equal(html.match(/\[redacted\]/g)?.length, 5);
  });
});

describe('context view: huge texts', () => {
  it('clips long names with an ellipsis, never splitting a character', () => {
    const name = '𝔚'.repeat(5000);
    const clipped = clip(name);
    assert.ok(clipped.length <= 160 && clipped.endsWith('…'));
    assert.doesNotMatch(clipped, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('shows a huge prompt bounded, its start and its end (nearest the cursor), and says what was cut', () => {
    const prompt = `BEGIN ${'lorem ipsum '.repeat(100_000)} END-NEAR-CURSOR`;
    const shown = displayBody({ model: 'm', prompt }, MAX_BODY_CHARS);
    assert.equal(shown.cut, 1);
    assert.ok(shown.text.length < MAX_BODY_CHARS + 1000, `${shown.text.length} characters shown`);
    assert.match(shown.text, /"prompt": "BEGIN lorem/);
    assert.match(shown.text, /END-NEAR-CURSOR"\n}$/);
    const gone = Number(/… \[([\d,]+) characters not shown here/.exec(shown.text)![1].replace(/,/g, ''));
    const kept = JSON.parse(shown.text).prompt.replace(/\n… \[.*?\] …\n/, '').length;
    assert.equal(kept + gone, prompt.length);
  });

  it('leaves a body within the bound exactly as JSON.stringify indents it', () => {
    const body = { model: 'm', messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'x'.repeat(5000) }], max_tokens: 300 };
    assert.deepEqual(displayBody(body), { text: JSON.stringify(body, null, 2), cut: 0 });
  });

  it('says in the page that the body was cut', () => {
    const doc = page(renderContextFragment(state({ ...SNAPSHOT, request: { url: 'u', body: { prompt: 'y'.repeat(300_000) } } })));
    assert.match(doc.querySelector('[data-tab-panel="next"]')!.textContent!, /One long text is cut in the middle here; the copy has everything/);
  });
});

describe('context view: a big lore folder', () => {
  const row = (i: number, active: boolean, why: LoreRow['why']): LoreRow => ({ id: `e${i}`, name: `Entry ${i}`, active, why, tokens: active ? 10 : undefined, scanTokens: 2048, hasKeys: true, secondaryKeys: [], secondaryLogic: 'any' });
  const rows = [
    ...Array.from({ length: 300 }, (_, i) => row(i, true, { kind: 'alwaysOn' })),
    ...Array.from({ length: 150 }, (_, i) => row(300 + i, false, 'budget')),
    ...Array.from({ length: 540 }, (_, i) => row(450 + i, false, 'no-match')),
    ...Array.from({ length: 10 }, (_, i) => row(990 + i, false, 'disabled')),
  ];
  const parts: PromptPart[] = [
    { kind: 'memory', label: 'Memory', tokens: 100 },
    ...rows.filter((r) => r.active).map((r): PromptPart => ({ kind: 'lore', label: r.name, tokens: 10, entryId: r.id })),
    { kind: 'story', label: 'Story text', tokens: 4000 },
  ];
  const doc = page(renderContextFragment(state({ ...SNAPSHOT, outcome: { fits: true, parts, tokens: 7100, trimmedChars: 0 }, lore: rows })));
  const panel = doc.querySelector('[data-tab-panel="next"]')!;

  it('draws many entries as one lore segment of the bar, the shares still adding up', () => {
    const rects = Array.from(panel.querySelectorAll('svg.bar rect'));
    assert.deepEqual(rects.map((r) => r.getAttribute('class')), ['seg k-memory', 'seg k-lore', 'seg k-story', 'seg k-reply']);
    assert.match(rects[1].textContent!, /^Lore \(300 entries\): 3,000 tokens, /);
    const total = rects.reduce((sum, r) => sum + Number(r.getAttribute('width')!.replace('%', '')), 0);
    assert.ok(Math.abs(total - 100) < 0.011, `${total}%`);
  });

  it('lists every entry in, the strongest reasons out first up to a bound, and counts the rest by reason', () => {
    assert.equal(panel.querySelectorAll('table.lore tr.in').length, 300);
    const out = Array.from(panel.querySelectorAll('table.lore tr.out'));
    assert.equal(out.length, MAX_OUT_ROWS);
    assert.match(out[0].textContent!, /over the lore budget/);
    assert.equal(panel.querySelector('details.out p.note')!.textContent, '500 more out, not listed: 490 with no key found, 10 disabled.');
    assert.match(panel.querySelector('details.out summary')!.textContent!, /Out \(700\)/);
  });
});

describe('context view: the prompt as the model reads it', () => {
  it('shows a completion prompt with its line breaks, and a chat request message by message under its role', () => {
    const prompt = 'A gaslight mystery.\n\nWren: the lamplighter’s daughter.\n***\nRain on Harrow Street.\n\nShe';
    const completion = page(renderContextFragment(state({ ...SNAPSHOT, request: { url: 'u', body: { model: 'm', prompt } } })));
    assert.deepEqual(Array.from(completion.querySelectorAll('[data-tab-panel="next"] pre.prompt-text'), (p) => p.textContent), [prompt]);
    const messages = [{ role: 'system', content: 'Continue the story.\n\nA gaslight mystery.' }, { role: 'user', content: 'Rain.\n\nShe' }];
    const chat = page(renderContextFragment(state({ ...SNAPSHOT, mode: 'chat', request: { url: 'u', body: { model: 'm', messages } } })));
    const panel = chat.querySelector('[data-tab-panel="next"]')!;
    assert.deepEqual(Array.from(panel.querySelectorAll('.role'), (p) => p.textContent), ['system', 'user']);
    assert.deepEqual(Array.from(panel.querySelectorAll('pre.prompt-text'), (p) => p.textContent), messages.map((m) => m.content));
  });

  it('cuts a huge prompt in the middle for display, keeping its end', () => {
    const prompt = `${'x'.repeat(500_000)} THE END`;
    const doc = page(renderContextFragment(state({ ...SNAPSHOT, request: { url: 'u', body: { prompt } } })));
    const shown = doc.querySelector('pre.prompt-text')!.textContent!;
    assert.ok(shown.length <= MAX_PROMPT_CHARS + 200 && shown.endsWith(' THE END'), `${shown.length} characters`);
    assert.match(shown, /characters not shown here/);
  });
});

describe('context view: the page', () => {
  it('has default-src none and scripts and styles only under the render’s nonce', () => {
    const nonce = 'cmFuZG9tLW5vbmNl';
    const doc = page('', nonce);
    const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!;
    assert.equal(csp, contextCsp(nonce));
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(directives.get('style-src'), [`'nonce-${nonce}'`]);
    assert.doesNotMatch(csp, /unsafe|\*|https?:/);
    assert.equal(doc.querySelector('script')!.getAttribute('nonce'), nonce);
    assert.equal(doc.querySelector('style')!.getAttribute('nonce'), nonce);
  });

  function openPage(fragment: string) {
    const posted: unknown[] = [];
    const states: unknown[] = [];
    const virtualConsole = new VirtualConsole();
    const dom = new JSDOM(renderContextPage({ nonce: 'n', fragment }), {
      runScripts: 'dangerously',
      pretendToBeVisual: true,
      virtualConsole,
      beforeParse(window) {
        Object.assign(window, {
          // Through JSON, as the webview host carries them (and out of the page's realm).
          acquireVsCodeApi: () => ({ postMessage: (m: unknown) => posted.push(JSON.parse(JSON.stringify(m))), getState: () => undefined, setState: (s: unknown) => states.push(JSON.parse(JSON.stringify(s))) }),
          scrollTo: (x: number, y: number) => Object.assign(window, { scrollX: x, scrollY: y }),
        });
      },
    });
    const deliver = (data: unknown) => dom.window.dispatchEvent(new dom.window.MessageEvent('message', { data }));
    return { dom, doc: dom.window.document, posted, states, deliver };
  }

  it('says ready, copies through the extension, switches tabs, and swaps content keeping the scroll and the open lists', () => {
    const many: LoreRow[] = Array.from({ length: 40 }, (_, i) => ({ id: `e${i}`, name: `Entry ${i}`, active: false, why: 'no-match', scanTokens: 10, hasKeys: true, secondaryKeys: [], secondaryLogic: 'any' }));
    const first = renderContextFragment(state({ ...SNAPSHOT, lore: many }));
    const { dom, doc, posted, states, deliver } = openPage(first);
    assert.deepEqual(posted, [{ type: 'ready' }]);

    doc.querySelector<HTMLButtonElement>('button[data-copy="next"]')!.click();
    assert.deepEqual(posted[1], { type: 'copy', tab: 'next' });
    deliver({ type: 'copied', tab: 'next' });
    assert.equal(doc.querySelector('button[data-copy="next"]')!.textContent, 'Copied');

    // Each tab keeps its own scroll position.
    dom.window.scrollTo(0, 300);
    doc.querySelector<HTMLButtonElement>('button[data-tab="last"]')!.click();
    assert.equal(doc.body.dataset.tab, 'last');
    assert.deepEqual(states, [{ tab: 'last' }]);
    assert.equal(doc.querySelector('button[data-tab="last"]')!.getAttribute('aria-selected'), 'true');
    assert.equal(dom.window.scrollY, 0);
    doc.querySelector<HTMLButtonElement>('button[data-tab="next"]')!.click();
    assert.equal(dom.window.scrollY, 300);

    const out = doc.querySelector<HTMLDetailsElement>('details[data-keep="out-next"]')!;
    assert.equal(out.open, false, 'forty entries out start folded');
    out.open = true;
    dom.window.scrollTo(0, 420);
    const lastBefore = doc.querySelector('[data-tab-panel="last"]')!.innerHTML;
    deliver({ type: 'update', tab: 'next', html: renderContextTab({ ...SNAPSHOT, model: 'another-model', lore: many }) });
    assert.match(doc.querySelector('[data-tab-panel="next"]')!.textContent!, /another-model/);
    assert.equal(doc.querySelector('[data-tab-panel="last"]')!.innerHTML, lastBefore, 'an update of one tab leaves the other');
    assert.equal(doc.querySelector<HTMLDetailsElement>('details[data-keep="out-next"]')!.open, true);
    assert.equal(dom.window.scrollY, 420);

    // Messages of any other shape change nothing.
    const before = doc.getElementById('content')!.innerHTML;
    const bad = [null, 'update', { type: 'update', tab: 'next', html: 42 }, { type: 'update', html: 'x' }, { type: 'update', tab: '"]', html: 'x' }, { type: 'copied', tab: '"]' }, { type: 'eval', html: 'x' }];
    for (const message of bad) deliver(message);
    assert.equal(doc.getElementById('content')!.innerHTML, before);
    assert.equal(posted.length, 2);
  });
});
