import * as assert from 'assert';
import { JSDOM, VirtualConsole } from 'jsdom';
import { chatCsp, chatNonce, opensOnMessages, renderChatHtml, scriptSafe, scriptSafeJson, styleSafe } from '../../src/chat/chatHtml';
import { INITIAL_STATE_ID, MARKDOWN_SCRIPT_ID } from '../../src/core/chat/pageIds';
import type { InitialState, MessageView } from '../../src/core/protocol/chatProtocol';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const BUNDLE = 'document.body.dataset.bundleRan = (document.body.dataset.bundleRan ?? "") + "page";';
const MARKDOWN = 'document.body.dataset.bundleRan = (document.body.dataset.bundleRan ?? "") + "markdown,";';
const MARKDOWN_SRC = `${CSP_SOURCE}/ext/dist/markdown.js`;

/** Initial state with a conversation of these messages. */
function stateWith(messages: MessageView[]): InitialState {
  return { messages: [{ type: 'conversation', conversation: { id: 'c1', title: 'Chat', messages } }] };
}
const ONE_REPLY = stateWith([{ id: 'm1', role: 'assistant', text: '**Ashford**', status: 'done' }]);
const STYLES = `@font-face { font-family: "codicon"; src: url("${CSP_SOURCE}/ext/dist/codicons/codicon.ttf") format("truetype"); }\nbody { margin: 0; }`;

function renderOnce(initialState?: InitialState) {
  const nonce = chatNonce();
  const html = renderChatHtml({
    cspSource: CSP_SOURCE,
    nonce,
    script: BUNDLE,
    styles: STYLES,
    markdown: { script: MARKDOWN, src: MARKDOWN_SRC },
    ...(initialState ? { initialState } : {}),
  });
  return { nonce, html, doc: new JSDOM(html).window.document };
}

function policy(doc: Document): Map<string, string[]> {
  const meta = doc.querySelector('meta[http-equiv="Content-Security-Policy"]');
  assert.ok(meta, 'no CSP meta tag');
  const directives = new Map<string, string[]>();
  for (const part of (meta.getAttribute('content') ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name, values);
  }
  return directives;
}

describe('chat webview HTML and CSP', () => {
  it('has default-src none, the render nonce for scripts and styles, fonts and images from the webview', () => {
    const { nonce, doc } = renderOnce();
    const csp = policy(doc);
    assert.deepStrictEqual(csp.get('default-src'), ["'none'"]);
    assert.deepStrictEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepStrictEqual(csp.get('style-src'), [`'nonce-${nonce}'`]);
    assert.deepStrictEqual(csp.get('font-src'), [CSP_SOURCE]);
    assert.deepStrictEqual(csp.get('img-src'), [CSP_SOURCE, 'data:']);
    const all = [...csp.values()].flat().join(' ');
    assert.doesNotMatch(all, /unsafe-eval|unsafe-inline|\*|https?:\/\/(?!file\+)/);
  });

  it('inlines the page script and the styles under the nonce; an empty chat loads the markdown renderer without waiting', () => {
    const { nonce, doc } = renderOnce(stateWith([]));
    const scripts = Array.from(doc.querySelectorAll('script:not([type="application/json"])'));
    assert.strictEqual(scripts.length, 2);
    const [markdown, page] = scripts;
    assert.strictEqual(markdown.id, MARKDOWN_SCRIPT_ID);
    assert.strictEqual(markdown.getAttribute('nonce'), nonce);
    assert.strictEqual(markdown.getAttribute('src'), MARKDOWN_SRC);
    assert.strictEqual(markdown.hasAttribute('async'), true, 'the renderer must not hold up the first paint');
    assert.strictEqual(markdown.textContent, '');
    assert.strictEqual(page.getAttribute('nonce'), nonce);
    assert.strictEqual(page.hasAttribute('src'), false);
    assert.strictEqual(page.textContent, BUNDLE);
    const styles = Array.from(doc.querySelectorAll('style'));
    assert.strictEqual(styles.length, 1);
    assert.strictEqual(styles[0].getAttribute('nonce'), nonce);
    assert.strictEqual(styles[0].textContent, STYLES);
    assert.strictEqual(doc.querySelectorAll('link').length, 0);
    for (const el of Array.from(doc.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) {
        assert.ok(!attr.name.startsWith('on'), `inline handler ${attr.name}`);
        assert.notStrictEqual(attr.name, 'style', 'an inline style attribute');
      }
    }
  });

  it('inlines the markdown renderer ahead of the page script when the chat opens on messages', () => {
    const { nonce, html } = renderOnce(ONE_REPLY);
    const dom = new JSDOM(html, { runScripts: 'dangerously' });
    const doc = dom.window.document;
    const scripts = Array.from(doc.querySelectorAll('script:not([type="application/json"])'));
    assert.deepStrictEqual(
      scripts.map((s) => [s.id, s.getAttribute('nonce'), s.hasAttribute('src'), s.textContent]),
      [
        [MARKDOWN_SCRIPT_ID, nonce, false, MARKDOWN],
        ['', nonce, false, BUNDLE],
      ],
    );
    // The renderer is there when the page script paints the messages.
    assert.strictEqual(doc.body.dataset.bundleRan, 'markdown,page');
  });

  it('needs the renderer at once only for a conversation with messages', () => {
    assert.strictEqual(opensOnMessages(undefined), false);
    assert.strictEqual(opensOnMessages({ messages: [] }), false);
    assert.strictEqual(opensOnMessages(stateWith([])), false);
    assert.strictEqual(opensOnMessages(stateWith([{ id: 'm1', role: 'user', text: 'Hi', status: 'done' }])), true);
    assert.strictEqual(opensOnMessages(ONE_REPLY), true);
  });

  it('inlines a bundle whose text would end or escape the element, unchanged in meaning', () => {
    // What minified libraries contain (DOMPurify's "<!-->", marked's /<!--/ and tag-name regexes),
    // and the worst a bundle could: text that ends the element or opens a nested script.
    // Each bundle records what it computed under its own name, in a block of its own.
    const hostileScript = (name: string) =>
      [
        '{',
        `window.${name}Values = ["</script><script>window.injected = 1</script>", "<!--<script>", "</SCRIPT >", \`</script>\`];`,
        // marked composes its rules from other rules' .source, so the escaped text must still match '<'.
        'const comment = /<!--(?:-?>|[\\s\\S]*?(?:-->|$))/;',
        `window.${name}Regexes = [comment.test("<!-- note -->"), new RegExp("^(?:" + comment.source + ")x").test("<!-->x"), /<script/iu.test("<SCRIPT")].map(String);`,
        '}',
      ].join('\n');
    const hostileStyles = 'body::after { content: "</style><script>window.injected = 2</script>"; }';
    // The page script and the markdown renderer are inlined alike.
    const html = renderChatHtml({
      cspSource: CSP_SOURCE,
      nonce: 'n',
      script: hostileScript('page'),
      styles: hostileStyles,
      markdown: { script: hostileScript('markdown'), src: MARKDOWN_SRC },
      initialState: ONE_REPLY,
    });
    const errors: unknown[] = [];
    const virtualConsole = new VirtualConsole();
    virtualConsole.on('jsdomError', (e) => errors.push(e));
    const dom = new JSDOM(html, { runScripts: 'dangerously', virtualConsole });
    assert.deepStrictEqual(errors, []);
    const w = dom.window as unknown as Record<string, string[] | number | undefined>;
    assert.strictEqual(w.injected, undefined, 'text in the bundles or the styles ran as a script of its own');
    assert.strictEqual(dom.window.document.querySelectorAll('script:not([type="application/json"])').length, 2);
    assert.strictEqual(dom.window.document.querySelectorAll('style').length, 1);
    // Each escaped bundle means exactly what the original does.
    for (const name of ['page', 'markdown']) {
      const reference = new JSDOM('', { runScripts: 'outside-only' });
      reference.window.eval(hostileScript(name));
      const expected = reference.window as unknown as Record<string, string[]>;
      assert.deepStrictEqual(Array.from(expected[`${name}Regexes`]), ['true', 'true', 'true']);
      assert.deepStrictEqual(Array.from((w[`${name}Values`] as string[] | undefined) ?? []), Array.from(expected[`${name}Values`]));
      assert.deepStrictEqual(Array.from((w[`${name}Regexes`] as string[] | undefined) ?? []), Array.from(expected[`${name}Regexes`]));
      assert.doesNotMatch(scriptSafe(hostileScript(name)), /<\/script|<!--|<script/i);
    }
    assert.strictEqual(dom.window.document.querySelector('style')?.textContent?.includes('</style'), false);
    assert.doesNotMatch(styleSafe(hostileStyles), /<\/style/i);
  });

  it('uses a fresh nonce from crypto on every render', () => {
    const nonces = new Set(Array.from({ length: 1000 }, () => chatNonce()));
    assert.strictEqual(nonces.size, 1000);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
    const a = renderOnce();
    const b = renderOnce();
    assert.notStrictEqual(a.nonce, b.nonce);
    assert.notStrictEqual(policy(a.doc).get('script-src')?.[0], policy(b.doc).get('script-src')?.[0]);
  });

  it('escapes what it puts into attributes', () => {
    assert.match(chatCsp('a"b', 'n'), /a"b/);
    const html = renderChatHtml({
      cspSource: 'x" onload="alert(1)',
      nonce: 'n" onload="alert(2)',
      script: '',
      styles: '',
      markdown: { script: '', src: 'x" onerror="alert(3)' },
    });
    const doc = new JSDOM(html).window.document;
    assert.strictEqual(doc.querySelector('[onload]'), null);
    assert.strictEqual(doc.querySelector('[onerror]'), null);
    assert.strictEqual(doc.getElementById(MARKDOWN_SCRIPT_ID)?.getAttribute('src'), 'x" onerror="alert(3)');
  });
});

describe('chat webview HTML: the embedded initial state', () => {
  const hostile = '</script><script>alert(1)</script><!-- <script> & \u2028 \u2029 </SCRIPT >';
  const initialState: InitialState = {
    messages: [
      {
        type: 'conversation',
        conversation: {
          id: 'c1',
          title: hostile,
          messages: [
            { id: 'm1', role: 'user', text: hostile, status: 'done', passage: { text: hostile, source: '</script>' } },
            { id: 'm2', role: 'assistant', text: `**bold** ${hostile}`, status: 'done', model: hostile },
          ],
        },
      },
      {
        type: 'config',
        config: {
          providers: [{ id: 'p', label: hostile }],
          providerId: 'p',
          model: hostile,
          presets: [],
          presetId: 'balanced',
          systemPrompt: hostile,
          systemPromptIsDefault: false,
        },
      },
    ],
  };

  const renderWithState = () => renderOnce(initialState);

  it('leaves the CSP exactly as it is without the state', () => {
    const a = renderWithState();
    const plain = renderOnce();
    const without = (doc: Document, nonce: string) => [...policy(doc).entries()].map(([k, v]) => `${k} ${v.join(' ').replace(nonce, 'N')}`);
    assert.deepStrictEqual(without(a.doc, a.nonce), without(plain.doc, plain.nonce));
    assert.deepStrictEqual(policy(a.doc).get('default-src'), ["'none'"]);
    assert.deepStrictEqual(policy(a.doc).get('script-src'), [`'nonce-${a.nonce}'`]);
  });

  it('is one inert JSON block that a </script> in a message cannot break out of', () => {
    const { html, nonce, doc } = renderWithState();
    const scripts = Array.from(doc.querySelectorAll('script'));
    assert.strictEqual(scripts.length, 3, 'the JSON block and the two bundles, nothing injected');
    const json = doc.getElementById(INITIAL_STATE_ID);
    assert.ok(json);
    assert.strictEqual(json.getAttribute('type'), 'application/json');
    assert.strictEqual(json.hasAttribute('nonce'), false);
    assert.strictEqual(json.hasAttribute('src'), false);
    const executable = scripts.filter((s) => s !== json);
    assert.deepStrictEqual(
      executable.map((s) => [s.getAttribute('nonce'), s.textContent]),
      [
        [nonce, MARKDOWN],
        [nonce, BUNDLE],
      ],
    );
    // Round trip: the page reads back exactly what the extension embedded.
    assert.deepStrictEqual(JSON.parse(json.textContent ?? ''), initialState);
    // Nothing in the block can end the element or open a comment/script.
    assert.doesNotMatch(json.textContent ?? '', /<|>|&/);
    const raw = html.slice(html.indexOf(`id="${INITIAL_STATE_ID}">`));
    assert.strictEqual(raw.slice(0, raw.indexOf('</script>')).includes('<'), false);
    assert.strictEqual(doc.querySelectorAll('script[type="application/json"]').length, 1);
    for (const el of Array.from(doc.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) assert.ok(!attr.name.startsWith('on'), `inline handler ${attr.name}`);
    }
  });

  it('runs nothing from the state in a page that runs inline scripts', () => {
    const { html } = renderWithState();
    let ran = 0;
    const dom = new JSDOM(html, {
      runScripts: 'dangerously',
      beforeParse(window) {
        (window as unknown as { alert: () => void }).alert = () => ran++;
      },
    });
    assert.strictEqual(ran, 0);
    // The page does run inline scripts: the nonce-bearing bundle ran, the state did not.
    assert.strictEqual(dom.window.document.body.dataset.bundleRan, 'markdown,page');
    assert.strictEqual(dom.window.document.body.querySelectorAll('script').length, 3);
  });

  it('escapes to JSON that parses back to the same value', () => {
    for (const value of [hostile, { a: '<!--', b: ['</script', '&amp;', '\u2028'] }, '']) {
      const text = scriptSafeJson(value);
      assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
      assert.deepStrictEqual(JSON.parse(text), value);
    }
  });
});
