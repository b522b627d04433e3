// The chat page's real bundles (built from src/webview) in jsdom, opened on the HTML the extension makes.
import { JSDOM, VirtualConsole } from 'jsdom';
import { renderChatHtml } from '../../src/chat/chatHtml';
import type { ConversationView, ExtensionToWebview, InitialState } from '../../src/core/protocol/chatProtocol';
import type { WebviewBundles } from '../webviewBundles';

export function conversation(messages: ConversationView['messages']): ConversationView {
  return { id: 'c1', title: 'Chat', messages };
}

export function openPage(bundles: WebviewBundles, initialState: InitialState) {
  const html = renderChatHtml({
    cspSource: 'https://webview.invalid',
    nonce: 'n',
    script: bundles.page,
    styles: '',
    markdown: { script: bundles.markdown, src: 'https://webview.invalid/dist/markdown.js' },
    initialState,
  });
  const errors: unknown[] = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (e) => errors.push(e));
  const posted: unknown[] = [];
  const dom = new JSDOM(html, {
    runScripts: 'dangerously',
    pretendToBeVisual: true,
    url: 'https://webview.invalid/index.html',
    virtualConsole,
    beforeParse(window) {
      // What the webview host gives the page, and what jsdom lacks.
      Object.assign(window, {
        acquireVsCodeApi: () => ({ postMessage: (m: unknown) => posted.push(m), getState: () => undefined, setState: () => undefined }),
        ResizeObserver: class {
          observe(): void {}
          disconnect(): void {}
        },
      });
    },
  });
  return { dom, doc: dom.window.document, errors, posted };
}

/** Delivers a message from the extension to an open page, as the webview host does. */
export function deliver(dom: JSDOM, data: ExtensionToWebview): void {
  dom.window.dispatchEvent(new dom.window.MessageEvent('message', { data }));
}
