// The chat webview's HTML and its Content Security Policy (docs/security.md, item 7). No vscode import, so
// unit tests can render it and read the policy back.
import { randomBytes } from 'crypto';
import { INITIAL_STATE_ID, MARKDOWN_SCRIPT_ID } from '../core/chat/pageIds';
import type { InitialState } from '../core/protocol/chatProtocol';

export interface ChatHtmlInput {
  /** webview.cspSource: where the codicon font comes from. */
  cspSource: string;
  /**
   * The webview bundle and its stylesheets, inlined under the render's nonce: the page then needs
   * no round trip through the webview's resource loader before its first paint.
   */
  script: string;
  styles: string;
  /**
   * The markdown renderer's bundle (marked + DOMPurify, most of the page's code). Inlined before the
   * page's script when the page opens on messages to format; otherwise loaded from `src` (a webview
   * URI) without blocking the first paint, and the page formats replies once it has run.
   */
  markdown: { script: string; src: string };
  /** A fresh nonce; chatNonce() per render. */
  nonce: string;
  /** Date.now() when the extension rendered the page; the benchmarks split the open time with it. */
  renderedAt?: number;
  /** The conversation and config, embedded as inert JSON so the page paints before the handshake. */
  initialState?: InitialState;
}

/**
 * JSON safe inside a <script type="application/json"> element: `<` (so neither `</script>` nor
 * `<!--` can end or change the element), `>`, `&` and the JS line separators are \u-escaped;
 * JSON.parse gives back exactly the same value.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** 128 random bits from crypto, base64: what a CSP nonce-source accepts. */
export function chatNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Text safe inside an inline <script> element: nothing in it can end the element (`</script`) or
 * switch the HTML parser into the script-escaped states (`<!--`, `<script`). The replacements mean
 * the same in JS strings, regular expressions and comments, the only places a bundle has such text.
 */
export function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<(!--|script)/gi, '\\x3C$1');
}

/** Text safe inside an inline <style> element (raw text: only `</style` can end it; `\/` is `/` in CSS). */
export function styleSafe(text: string): string {
  return text.replace(/<\/(style)/gi, '<\\/$1');
}

export function chatCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** True when the page opens on a conversation with messages, which need the markdown renderer at once. */
export function opensOnMessages(state: InitialState | undefined): boolean {
  return state?.messages.some((m) => m.type === 'conversation' && m.conversation.messages.length > 0) ?? false;
}

function markdownScript(input: ChatHtmlInput): string {
  const { nonce, markdown } = input;
  return opensOnMessages(input.initialState)
    ? `<script nonce="${attr(nonce)}" id="${MARKDOWN_SCRIPT_ID}">${scriptSafe(markdown.script)}</script>`
    : `<script nonce="${attr(nonce)}" id="${MARKDOWN_SCRIPT_ID}" src="${attr(markdown.src)}" async></script>`;
}

export function renderChatHtml(input: ChatHtmlInput): string {
  const { nonce } = input;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(chatCsp(input.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${attr(nonce)}">${styleSafe(input.styles)}</style>
<title>Inkwell Chat</title>
</head>
<body${input.renderedAt === undefined ? '' : ` data-rendered-at="${Math.round(input.renderedAt)}"`}>
<div id="app" class="app" aria-busy="true"></div>${
    input.initialState === undefined ? '' : `\n<script type="application/json" id="${INITIAL_STATE_ID}">${scriptSafeJson(input.initialState)}</script>`
  }
${markdownScript(input)}
<script nonce="${attr(nonce)}">${scriptSafe(input.script)}</script>
</body>
</html>`;
}
