import * as assert from 'assert';
import { JSDOM, VirtualConsole, requestInterceptor } from 'jsdom';
import { createMarkdownRenderer } from '../../src/core/chat/renderMarkdown';

// Model output is untrusted (docs/security.md, item 8): whatever it contains, the rendered HTML must hold
// nothing that runs, navigates to a command or script, or fetches from anywhere.

const window = new JSDOM('<!DOCTYPE html><body></body>').window;
const render = createMarkdownRenderer(window);

const URL_ATTRIBUTES = ['src', 'srcset', 'href', 'xlink:href', 'action', 'formaction', 'poster', 'background', 'data', 'ping', 'style'];

/** Structural check of rendered HTML: what could run or fetch, listed. */
function dangers(html: string): string[] {
  const doc = new JSDOM(`<!DOCTYPE html><body>${html}</body>`).window.document;
  const found: string[] = [];
  for (const el of Array.from(doc.body.querySelectorAll('*'))) {
    const tag = el.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed', 'style', 'link', 'meta', 'base', 'form', 'svg', 'math', 'video', 'audio', 'source'].includes(tag)) found.push(`<${tag}>`);
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`${tag}[${name}]`);
      if (!URL_ATTRIBUTES.includes(name)) continue;
      const value = attr.value.replace(/\s/g, '').toLowerCase();
      if (name === 'href' && tag === 'a' && /^(https?:|mailto:)/.test(value)) continue;
      if (name === 'src' && tag === 'img' && value.startsWith('data:image/')) continue;
      found.push(`${tag}[${name}=${attr.value.slice(0, 40)}]`);
    }
  }
  return found;
}

/** Loads the HTML in a page that runs scripts and loads resources, and reports what ran or was fetched. */
async function liveRun(html: string): Promise<{ fetched: string[]; ran: boolean }> {
  const fetched: string[] = [];
  const dom = new JSDOM(`<!DOCTYPE html><body>${html}</body>`, {
    runScripts: 'dangerously',
    resources: {
      interceptors: [
        requestInterceptor(async (request: { url: string }) => {
          fetched.push(request.url);
          return new Response('window.__ran = true;', { headers: { 'Content-Type': 'application/javascript' } });
        }),
      ],
    } as never,
    url: 'https://webview.invalid/',
    // jsdom says "navigation not implemented" when a safe link is clicked; that is not a finding.
    virtualConsole: new VirtualConsole(),
  });
  // Scripts and resources have run or loaded once the page's load event has fired.
  const doc = dom.window.document;
  if (doc.readyState !== 'complete') await new Promise((r) => dom.window.addEventListener('load', r, { once: true }));
  // Click every link, as a curious writer would.
  for (const a of Array.from(doc.querySelectorAll('a'))) {
    a.dispatchEvent(new dom.window.MouseEvent('click', { bubbles: true, cancelable: true }));
  }
  // jsdom follows a clicked link on a zero-delay timer, which runs a javascript: URL on a second one. Timers
  // of the same delay run in the order they were queued: a timer queued after the clicks, then one queued
  // when it has run, come after both steps of every link.
  for (let step = 0; step < 2; step++) await new Promise((r) => setTimeout(r, 0));
  const ran = (dom.window as unknown as { __ran?: boolean }).__ran === true;
  dom.window.close();
  return { fetched, ran };
}

const FIXTURES: Record<string, string> = {
  'a script tag': 'Hello <script>window.__ran = true</script> world',
  'a script tag with src': '<script src="https://evil.example/x.js"></script>',
  'an img with onerror': '<img src="x" onerror="window.__ran = true">',
  'an img with onerror inside markdown': 'Look: <img src=x onerror=window.__ran=true> **bold**',
  'a javascript: link': '[click me](javascript:window.__ran=true)',
  'an obfuscated javascript: link': '[click me](java&#x09;script:window.__ran=true) and [two](JaVaScRiPt:alert(1)) and [three]( javascript:alert(1))',
  'a command: link': '[open settings](command:workbench.action.openSettings?%5B%22inkwell%22%5D)',
  'a raw command: anchor': '<a href="command:workbench.action.terminal.new">terminal</a>',
  'a vbscript: and data: link': '[a](vbscript:msgbox) [b](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  'a remote image': '![a cat](https://evil.example/track.png)',
  'a remote image by reference': '![cat][1]\n\n[1]: http://evil.example/pixel.gif',
  'a protocol-relative image': '![x](//evil.example/p.png)',
  'an iframe': '<iframe src="https://evil.example"></iframe>',
  'an svg with script': '<svg><script>window.__ran=true</script><image href="https://evil.example/a.png"/></svg>',
  'a style tag with a remote url': '<style>body{background:url(https://evil.example/bg.png)}</style>',
  'an inline style with a url': '<p style="background:url(https://evil.example/bg.png)">x</p>',
  'a form': '<form action="https://evil.example"><button formaction="https://evil.example">go</button></form>',
  'a meta refresh': '<meta http-equiv="refresh" content="0;url=https://evil.example">',
  'an autolinked javascript url': '<javascript:alert(1)>',
  'html inside a code span stays text': '`<img src=x onerror=alert(1)>`',
  'a details/summary with ontoggle': '<details open ontoggle="window.__ran=true"><summary>x</summary></details>',
  'a link with an event handler in its title': '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
};

describe('chat markdown renderer: untrusted model output', () => {
  for (const [what, markdown] of Object.entries(FIXTURES)) {
    it(`renders ${what} with nothing that runs or fetches`, async () => {
      const html = render(markdown);
      assert.deepStrictEqual(dangers(html), [], `dangerous output for ${what}: ${html}`);
      const live = await liveRun(html);
      assert.deepStrictEqual(live.fetched, [], `fetched: ${live.fetched.join(', ')}`);
      assert.strictEqual(live.ran, false, 'a script ran');
    });
  }

  it('has a check that sees a script run and a fetch (the control for the fixtures above)', async () => {
    assert.strictEqual((await liveRun('<script>window.__ran = true</script>')).ran, true);
    assert.strictEqual((await liveRun('<a href="javascript:window.__ran = true">x</a>')).ran, true, 'a clicked javascript: link');
    const live = await liveRun('<script src="https://evil.example/x.js"></script>');
    assert.deepStrictEqual(live.fetched, ['https://evil.example/x.js']);
    assert.notDeepStrictEqual(dangers('<img src="https://evil.example/a.png" onerror="x()">'), []);
  });

  it('shows raw HTML as text rather than dropping what the model wrote', () => {
    const html = render('Hello <script>alert(1)</script> world');
    const text = new JSDOM(`<body>${html}</body>`).window.document.body.textContent ?? '';
    assert.match(text, /<script>alert\(1\)<\/script>/);
  });

  it('shows a remote image as its alt text and address, not an image', () => {
    const html = render('![a cat](https://evil.example/track.png)');
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /a cat/);
    assert.match(html, /evil\.example\/track\.png/);
  });

  it('keeps a data: image', () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    const html = render(`![dot](${png})`);
    assert.match(html, /<img src="data:image\/png;base64,/);
  });

  it('keeps http(s) and mailto links and the markdown a writer expects', () => {
    const html = render('# Names\n\n1. **Ashford**\n2. *Mere*\n\n> quoted\n\n[site](https://example.com) [mail](mailto:a@b.c)\n\n```\ncode\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |');
    for (const piece of ['<h1>', '<ol>', '<strong>Ashford</strong>', '<em>Mere</em>', '<blockquote>', 'href="https://example.com"', 'href="mailto:a@b.c"', '<pre><code>', '<table>']) {
      assert.ok(html.includes(piece), `${piece} missing from ${html}`);
    }
  });

  it('keeps no class but its own: model output cannot dress up as the panel', () => {
    const html = render('```notice visible\nx\n```\n\n![remote](https://evil.example/a.png)');
    const doc = new JSDOM(`<body>${html}</body>`).window.document;
    const classes = Array.from(doc.querySelectorAll('[class]')).map((el) => el.getAttribute('class'));
    assert.deepStrictEqual(classes.sort(), ['blocked-image', 'language-notice']);
  });

  it('gives the same sanitized nodes as a fragment as it gives as a string', () => {
    for (const markdown of Object.values(FIXTURES)) {
      const fromFragment = window.document.createElement('div');
      fromFragment.append(render.fragment(markdown));
      const fromString = window.document.createElement('div');
      fromString.innerHTML = render(markdown);
      assert.strictEqual(fromFragment.innerHTML, fromString.innerHTML);
      assert.deepStrictEqual(dangers(fromFragment.innerHTML), []);
    }
  });

  it('renders a partial stream (an unclosed fence) without throwing', () => {
    assert.doesNotThrow(() => render('Here:\n```js\nconst a = <img src=x onerror=alert(1)>'));
    assert.deepStrictEqual(dangers(render('Here:\n```js\nconst a = <img src=x onerror=alert(1)>')), []);
  });
});
