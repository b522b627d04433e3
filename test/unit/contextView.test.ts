import * as assert from 'node:assert/strict';
import { JSDOM, VirtualConsole } from 'jsdom';
import { parseContextViewMessage } from '../../src/core/protocol/contextViewProtocol';
import { ContextPanelState, ContextSnapshot, LoreRow, barSegments, loreRows, statusText, whyText } from '../../src/core/story/contextSnapshot';
import { MAX_BODY_CHARS, MAX_PROMPT_CHARS, clip, displayBody, renderContextFragment } from '../../src/core/story/contextViewHtml';
import { contextCsp, renderContextPage } from '../../src/core/story/contextViewPage';
import { compileLore } from '../../src/core/story/loreActivation';
import { loreEntry } from '../../src/core/story/loreEntry';
import { PromptPart, buildStoryPrompt } from '../../src/core/story/storyPrompt';

/** One token a word, as in the prompt assembly's own tests: budgets move visibly, no tokenizer needed. */
const words = async (text: string) => text.split(/\s+/).filter(Boolean).length;
const options = { loreShare: 0.25, scanTokens: 1000, recursionRounds: 3, authorsNoteDepth: 2, partSeparator: '\n\n', storySeparator: '\n***\n' };
const STORY = ['Rain on Harrow Street.', '', 'Wren lit the lamps. Wren sighed.', '', 'She'].join('\n');

/** Every kind of verdict, from the real activation and budget steps. */
async function verdictsOfEveryKind() {
  const built = await buildStoryPrompt({
    mode: 'completion',
    passage: STORY,
    overflow: 'trimStart',
    systemPrompt: '',
    contextSize: 1000,
    maxTokens: 100,
    count: words,
    options,
    story: {
      memory: 'A gaslight mystery.',
      authorsNote: '',
      lore: compileLore([
        loreEntry('ash', { name: 'Ash', keys: ['Ash'], content: 'Ash never appears.' }),
        loreEntry('big', { name: 'The City', keys: ['Harrow'], content: 'word '.repeat(300) }),
        loreEntry('cellar', { name: 'The Cellar', keys: ['cellar'], content: 'Damp stone.' }),
        loreEntry('ghost', { name: 'Ghost', keys: ['Wren'], enabled: false, content: 'Boo.' }),
        loreEntry('lamp', { name: 'Lamps', alwaysOn: true, content: 'Gas lamps light the street.' }),
        loreEntry('moon', { name: 'Moonlit Wren', keys: ['Wren'], secondaryKeys: ['moon'], secondaryLogic: 'all', content: 'Under the moon.' }),
        loreEntry('wren', { name: 'Wren', keys: ['Wren'], content: 'Wren keeps the cellar key.' }),
      ]),
    },
  });
  assert.ok(built.fits);
  const lineOf = (index: number) => STORY.slice(0, index).split('\n').length;
  return { built, rows: loreRows(built.lore, lineOf, options.scanTokens) };
}

describe('context view: why each lore entry is in or out', () => {
  it('says which key matched, at which line and how often; always on; via which entry; budget; secondary keys; no match; disabled', async () => {
    const { rows } = await verdictsOfEveryKind();
    assert.deepEqual(
      rows.map((r) => [r.name, r.active, whyText(r)]),
      [
        ['Lamps', true, 'always on'],
        ['Wren', true, 'key “Wren” at line 3 · 2 matches'],
        ['The Cellar', true, 'via entry “Wren” (key “cellar” in its text)'],
        ['The City', false, 'over the lore budget (needs 300 tokens)'],
        ['Moonlit Wren', false, 'a key matched, but the secondary keys did not: needs all of “moon”'],
        ['Ash', false, 'no key in the last 1,000 tokens'],
        ['Ghost', false, 'disabled'],
      ],
    );
  });

  it('counts matches up to the matcher’s bound, and names an entry without keys', () => {
    const base: LoreRow = { id: 'x', name: 'X', active: true, why: { kind: 'key', key: 'x', index: 0, length: 1, count: 999 }, scanTokens: 2048, hasKeys: true, secondaryKeys: [], secondaryLogic: 'any' };
    assert.equal(whyText({ ...base, line: 1200 }), 'key “x” at line 1,200 · 999+ matches');
    assert.equal(whyText({ ...base, active: false, why: 'no-match', hasKeys: false }), 'no keys, and not always on');
    assert.equal(whyText({ ...base, active: false, why: 'no-match', scanTokens: 2048 }), 'no key in the last 2,048 tokens');
  });

  it('the status bar counts the entries that are in and the share of the context the prompt takes', async () => {
    const { built, rows } = await verdictsOfEveryKind();
    const snapshot = { ...SNAPSHOT, contextSize: 1000, outcome: { fits: true as const, parts: built.parts, tokens: built.tokens, trimmedChars: 0 }, lore: rows };
    assert.equal(statusText(snapshot), `3 lore · ${Math.round(built.tokens / 10)}%`);
  });
});

describe('context view: the bar', () => {
  const part = (kind: PromptPart['kind'], tokens: number): PromptPart => ({ kind, label: kind, tokens });

  it('draws the parts in order, then the room for the reply, each as a share of the context', () => {
    const segments = barSegments([part('memory', 100), part('lore', 50), part('story', 600), part('template', 3)], 1000);
    assert.deepEqual(segments.map((s) => [s.kind, s.tokens, s.share]), [
      ['memory', 100, 10],
      ['lore', 50, 5],
      ['story', 600, 60],
      ['template', 3, 0.3],
      ['reply', 247, 24.7],
    ]);
  });

  it('shares add up to exactly 100% whatever the sizes, over the context included', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 500; trial++) {
      const kinds = ['system', 'memory', 'lore', 'lore', 'authorsNote', 'story', 'template'] as const;
      const parts = kinds.map((k) => part(k, Math.floor(random() ** 3 * 40_000)));
      const context = 1 + Math.floor(random() * 131_072);
      const segments = barSegments(parts, context);
      const hundredths = segments.reduce((sum, s) => sum + Math.round(s.share * 100), 0);
      assert.equal(hundredths, 10_000, `trial ${trial}`);
      for (const s of segments) assert.ok(s.share >= 0 && s.share <= 100);
    }
  });
});

const SNAPSHOT: ContextSnapshot = {
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
const state = (next: ContextSnapshot, last: ContextPanelState['last'] = { tab: 'last', empty: 'Nothing sent yet.' }): ContextPanelState => ({ next, last });

function page(fragment: string, nonce = 'bm9uY2U=') {
  return new JSDOM(renderContextPage({ nonce, fragment })).window.document;
}

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
    deliver({ type: 'update', html: renderContextFragment(state({ ...SNAPSHOT, model: 'another-model', lore: many })) });
    assert.match(doc.getElementById('content')!.textContent!, /another-model/);
    assert.equal(doc.querySelector<HTMLDetailsElement>('details[data-keep="out-next"]')!.open, true);
    assert.equal(dom.window.scrollY, 420);

    // Messages of any other shape change nothing.
    const before = doc.getElementById('content')!.innerHTML;
    for (const bad of [null, 'update', { type: 'update', html: 42 }, { type: 'copied', tab: '"]' }, { type: 'eval', html: 'x' }]) deliver(bad);
    assert.equal(doc.getElementById('content')!.innerHTML, before);
    assert.equal(posted.length, 2);
  });
});

describe('context view: messages from the page', () => {
  it('takes ready and copy of a known tab, with no other fields', () => {
    assert.deepEqual(parseContextViewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseContextViewMessage({ type: 'copy', tab: 'last' }), { type: 'copy', tab: 'last' });
    for (const bad of [undefined, null, [], 'ready', { type: 'ready', extra: 1 }, { type: 'copy' }, { type: 'copy', tab: 'all' }, { type: 'copy', tab: 'next', text: 'x' }, { type: 'setContext' }]) {
      assert.equal(parseContextViewMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});
