// Model output → safe HTML (docs/security.md, item 8). marked parses the markdown; raw HTML in it is shown
// as text, links keep only http(s) and mailto targets, images only data: URLs (a remote image
// would fetch, so it becomes its alt text and address, as text). DOMPurify then sanitizes what
// marked produced with an allow-list, as a second line. The caller gives the window DOMPurify
// works in: the webview's own, or a jsdom window in Node tests.

// marked ships only as an ES module. The bundles are built by esbuild, and the unit tests run on
// Node ≥ 20.19, which loads it through require().
import { Marked, type Tokens } from 'marked';
import createDOMPurify from 'dompurify';

export interface MarkdownRenderer {
  /** Sanitized HTML as a string. */
  (markdown: string): string;
  /** The same, as nodes of `window`'s document: no serializing and re-parsing (the webview uses this). */
  fragment(markdown: string): DocumentFragment;
}

const SAFE_LINK = /^(?:https?:|mailto:)/i;
const SAFE_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp);base64,[a-z0-9+/=\s]+$/i;

const ALLOWED_TAGS = [
  'a', 'b', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img',
  'input', 'li', 'ol', 'p', 'pre', 's', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
];
const ALLOWED_ATTR = ['href', 'title', 'alt', 'src', 'align', 'start', 'type', 'checked', 'disabled', 'class'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** What a link or image target is, after the HTML entity and whitespace tricks are undone. */
function normalizeUrl(href: string): string {
  return href.replace(/[\p{Cc} ]/gu, '').trim();
}

function createMarked(): Marked {
  return new Marked({
    gfm: true,
    breaks: true,
    async: false,
    renderer: {
      // Raw HTML in model output is shown as the text it is, never as markup.
      html({ text }: Tokens.HTML | Tokens.Tag): string {
        return escapeHtml(text);
      },
      link(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, token: Tokens.Link): string {
        const label = this.parser.parseInline(token.tokens);
        const href = normalizeUrl(token.href);
        if (!SAFE_LINK.test(href)) return label;
        const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
        return `<a href="${escapeHtml(href)}"${title}>${label}</a>`;
      },
      image(token: Tokens.Image): string {
        const src = normalizeUrl(token.href);
        if (SAFE_IMAGE.test(src)) return `<img src="${escapeHtml(src)}" alt="${escapeHtml(token.text)}">`;
        // A remote image would be fetched by the webview: show what it was instead.
        const what = token.text ? `${token.text}: ` : '';
        return `<span class="blocked-image">[image ${escapeHtml(what)}${escapeHtml(token.href)}]</span>`;
      },
    },
  });
}

/** A markdown → sanitized-HTML function bound to `window` (browser window or jsdom's). */
export function createMarkdownRenderer(window: Window | object): MarkdownRenderer {
  const purify = createDOMPurify(window as Parameters<typeof createDOMPurify>[0]);
  purify.addHook('uponSanitizeAttribute', (node, data) => {
    const value = normalizeUrl(data.attrValue);
    if (data.attrName === 'href' && !(node.nodeName === 'A' && SAFE_LINK.test(value))) data.keepAttr = false;
    if (data.attrName === 'src' && !(node.nodeName === 'IMG' && SAFE_IMAGE.test(value))) data.keepAttr = false;
    if (data.attrName === 'type' && !(node.nodeName === 'INPUT' && value === 'checkbox')) data.keepAttr = false;
    // Only the classes this renderer sets: model output must not borrow the panel's own styles.
    if (data.attrName === 'class' && !/^(?:language-[\w+#.-]{1,40}|blocked-image)$/.test(value)) data.keepAttr = false;
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    // Task-list checkboxes are all that may be an input, and they do nothing.
    if (node.nodeName === 'INPUT') {
      if (node.getAttribute('type') !== 'checkbox') node.remove();
      else node.setAttribute('disabled', '');
    }
    if (node.nodeName === 'IMG' && !node.getAttribute('src')) node.remove();
  });
  const marked = createMarked();
  const config = {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|data:image\/(?:png|gif|jpe?g|webp);base64,)/i,
    FORBID_TAGS: ['style', 'script', 'iframe', 'object', 'embed', 'form', 'svg', 'math', 'link', 'meta', 'base'],
  };
  const parse = (markdown: string) => marked.parse(markdown, { async: false }) as string;
  const render = ((markdown: string) => purify.sanitize(parse(markdown), config) as unknown as string) as MarkdownRenderer;
  render.fragment = (markdown: string) => purify.sanitize(parse(markdown), { ...config, RETURN_DOM_FRAGMENT: true }) as unknown as DocumentFragment;
  return render;
}
