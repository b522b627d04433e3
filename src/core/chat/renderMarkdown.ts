// Model output → safe HTML (docs/security.md, item 8). marked parses the markdown; raw HTML in it is shown
// as text, links keep only http(s) and mailto targets, images only data: URLs (a remote image
// would fetch, so it becomes its alt text and address, as text). DOMPurify then sanitizes what
// marked produced with an allow-list, as a second line. The caller gives the window DOMPurify
// works in: the webview's own, or a jsdom window in Node tests.

// marked ships only as an ES module. The bundles are built by esbuild, and the unit tests run on
// Node ≥ 20.19, which loads it through require().
import { Marked, type Tokens } from 'marked';
import createDOMPurify from 'dompurify';
import { MARKDOWN_LIMITS, blockLimitExceeded, blockRanges, scanBlocks } from './markdownBlocks';

/**
 * None of these throws or stalls, whatever the markdown: a reply or block past MARKDOWN_LIMITS, or one the
 * parser fails on, is shown as its text (a `<p class="plain-block">`, white-space kept), the rest formatted.
 */
export interface MarkdownRenderer {
  /** Sanitized HTML as a string. */
  (markdown: string): string;
  /** The same, as nodes of `window`'s document: no serializing and re-parsing (the webview uses this). */
  fragment(markdown: string): DocumentFragment;
  /** One block of a reply (see markdownBlocks.ts), for a page that formats a growing reply block by block. */
  blockFragment(block: string): DocumentFragment;
}

/** The class of a block shown as text; the page styles it. */
export const PLAIN_BLOCK_CLASS = 'plain-block';

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

/**
 * A markdown → sanitized-HTML function bound to `window` (browser window or jsdom's). `faults.parse` replaces
 * the parser, for the test that proves a parser failure costs only its block.
 */
export function createMarkdownRenderer(window: Window | object, faults?: { parse?: (markdown: string) => string }): MarkdownRenderer {
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
  const parse = faults?.parse ?? ((markdown: string) => marked.parse(markdown, { async: false }) as string);
  const doc = (window as Window).document;

  const plainHtml = (text: string, why: string) => `<p class="${PLAIN_BLOCK_CLASS}" title="${escapeHtml(why)}">${escapeHtml(text)}</p>`;
  const plainFragment = (text: string, why: string) => {
    const p = doc.createElement('p');
    p.className = PLAIN_BLOCK_CLASS;
    p.title = why;
    p.textContent = text;
    const f = doc.createDocumentFragment();
    f.append(p);
    return f;
  };
  const asHtml = (markdown: string) => purify.sanitize(parse(markdown), config) as unknown as string;
  const asFragment = (markdown: string) => purify.sanitize(parse(markdown), { ...config, RETURN_DOM_FRAGMENT: true }) as unknown as DocumentFragment;

  /** One block: formatted, or its text when it is past the limits or the parser fails on it. */
  function block<T>(text: string, format: (m: string) => T, plain: (t: string, why: string) => T): T {
    const why = blockLimitExceeded(text);
    if (why) return plain(text, `This part of the reply is ${why}; it is shown as text.`);
    try {
      return format(text);
    } catch {
      return plain(text, 'This part of the reply could not be formatted; it is shown as text.');
    }
  }

  /**
   * A whole reply: in one pass when every block is within bounds (the common case, and what keeps
   * loose lists and link references whole), else block by block.
   */
  function reply<T>(markdown: string, format: (m: string) => T, plain: (t: string, why: string) => T, join: (parts: T[]) => T): T {
    if (markdown.length > MARKDOWN_LIMITS.maxReplyChars) return plain(markdown, 'This reply is too long to format; it is shown as text.');
    const ranges = blockRanges(markdown, scanBlocks(markdown, undefined, true));
    const texts = ranges.map((r) => markdown.slice(r.start, r.end));
    if (texts.every((t) => !blockLimitExceeded(t))) {
      try {
        return format(markdown);
      } catch {
        // One block defeats the parser: find it, keep the rest formatted.
      }
    }
    return join(texts.map((t) => block(t, format, plain)));
  }

  const render = ((markdown: string) => reply(markdown, asHtml, plainHtml, (parts) => parts.join(''))) as MarkdownRenderer;
  render.fragment = (markdown: string) =>
    reply(markdown, asFragment, plainFragment, (parts) => {
      const f = doc.createDocumentFragment();
      f.append(...parts);
      return f;
    });
  render.blockFragment = (text: string) => block(text, asFragment, plainFragment);
  return render;
}
