import * as assert from 'assert';
import { JSDOM } from 'jsdom';
import { chatCsp, chatNonce, renderChatHtml } from '../../src/chat/chatHtml';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

function renderOnce() {
  const nonce = chatNonce();
  const html = renderChatHtml({
    cspSource: CSP_SOURCE,
    nonce,
    scriptUri: `${CSP_SOURCE}/ext/dist/webview.js`,
    styleUri: `${CSP_SOURCE}/ext/dist/webview.css`,
    codiconUri: `${CSP_SOURCE}/ext/dist/codicons/codicon.css`,
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
  it('has default-src none, a nonce for scripts, theme-served styles, fonts and images', () => {
    const { nonce, doc } = renderOnce();
    const csp = policy(doc);
    assert.deepStrictEqual(csp.get('default-src'), ["'none'"]);
    assert.deepStrictEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepStrictEqual(csp.get('style-src'), [CSP_SOURCE]);
    assert.deepStrictEqual(csp.get('font-src'), [CSP_SOURCE]);
    assert.deepStrictEqual(csp.get('img-src'), [CSP_SOURCE, 'data:']);
    const all = [...csp.values()].flat().join(' ');
    assert.doesNotMatch(all, /unsafe-eval|unsafe-inline|\*|https?:\/\/(?!file\+)/);
  });

  it('loads only nonce-bearing scripts from the extension, and no inline script', () => {
    const { nonce, doc } = renderOnce();
    const scripts = Array.from(doc.querySelectorAll('script'));
    assert.strictEqual(scripts.length, 1);
    assert.strictEqual(scripts[0].getAttribute('nonce'), nonce);
    assert.ok(scripts[0].getAttribute('src')?.startsWith(CSP_SOURCE));
    assert.strictEqual(scripts[0].textContent, '');
    for (const el of Array.from(doc.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) assert.ok(!attr.name.startsWith('on'), `inline handler ${attr.name}`);
    }
    for (const link of Array.from(doc.querySelectorAll('link[rel=stylesheet]'))) assert.ok(link.getAttribute('href')?.startsWith(CSP_SOURCE));
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
    const html = renderChatHtml({ cspSource: 'x" onload="alert(1)', nonce: 'n', scriptUri: 's', styleUri: 's', codiconUri: 'c' });
    const doc = new JSDOM(html).window.document;
    assert.strictEqual(doc.querySelector('[onload]'), null);
  });
});
