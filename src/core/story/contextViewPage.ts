// The context view's page: its Content Security Policy (docs/security.md, item 7), its stylesheet and
// its one small script, which switches tabs, asks the extension to copy a request body, and swaps in the
// content the extension posts without losing the scroll position or which lists are open. The content
// itself comes from contextViewHtml.ts, escaped. Pure: no vscode.
import { escapeHtml } from './contextViewHtml';

export function contextCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'none'",
    "font-src 'none'",
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

// Theme colours: the charts palette reads in light, dark and high contrast alike (all but orange, which some
// themes give with transparency, so it washes out); the fallbacks are for a page shown outside VS Code (tests).
const STYLES = `
body { font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground, #333);
  background: var(--vscode-editor-background, #fff); padding: 0 16px 24px; margin: 0; line-height: 1.4; }
.tabs { position: sticky; top: 0; z-index: 1; display: flex; gap: 4px; padding: 8px 0; background: var(--vscode-editor-background, #fff);
  border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, #ccc)); }
.tabs button { font: inherit; color: var(--vscode-foreground, #333); background: none; border: 1px solid transparent; border-radius: 3px; padding: 3px 10px; cursor: pointer; }
.tabs button[aria-selected="true"] { background: var(--vscode-button-background, #007acc); color: var(--vscode-button-foreground, #fff);
  border-color: var(--vscode-contrastActiveBorder, transparent); }
.tabs button:focus-visible, button:focus-visible { outline: 1px solid var(--vscode-focusBorder, #007acc); outline-offset: 1px; }
body[data-tab="next"] [data-tab-panel="last"], body[data-tab="last"] [data-tab-panel="next"] { display: none; }
h3 { font-size: 1em; margin: 18px 0 6px; }
h3 .count, .note, .meta { color: var(--vscode-descriptionForeground, #666); font-weight: normal; }
.meta strong { color: var(--vscode-foreground, #333); }
.empty { margin-top: 16px; color: var(--vscode-descriptionForeground, #666); }
.warning { padding: 6px 8px; border-left: 3px solid var(--vscode-editorWarning-foreground, #bf8803);
  background: var(--vscode-inputValidation-warningBackground, transparent); }
.bar { display: block; width: 100%; height: 22px; margin: 10px 0 4px; border-radius: 3px; overflow: hidden; }
.seg { fill: var(--seg); stroke: var(--vscode-editor-background, #fff); stroke-width: 1px; }
.seg.k-reply { fill: var(--vscode-editorWidget-background, #eee); stroke: var(--vscode-charts-lines, #999); stroke-dasharray: 3 2; }
body.vscode-high-contrast .seg, body.vscode-high-contrast-light .seg { stroke: var(--vscode-contrastBorder, #000); }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; background: var(--seg); vertical-align: baseline; }
.swatch.k-reply { background: var(--vscode-editorWidget-background, #eee); border: 1px dashed var(--vscode-charts-lines, #999); width: 8px; height: 8px; }
.k-system { --seg: var(--vscode-charts-red, #e51400); }
.k-memory { --seg: var(--vscode-charts-blue, #1a85ff); }
.k-lore { --seg: var(--vscode-charts-purple, #652d90); }
.k-authorsNote { --seg: var(--vscode-charts-yellow, #bf8803); }
.k-story { --seg: var(--vscode-charts-green, #388a34); }
.k-template { --seg: var(--vscode-descriptionForeground, #717171); }
table { border-collapse: collapse; width: 100%; margin: 4px 0; }
th, td { text-align: left; padding: 3px 8px 3px 0; vertical-align: top; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border, #ddd)); }
th { font-weight: 600; color: var(--vscode-descriptionForeground, #666); }
td:first-child { overflow-wrap: anywhere; }
.num { text-align: right; white-space: nowrap; padding-right: 0; padding-left: 8px; }
table.parts { max-width: 520px; }
table.lore { table-layout: fixed; }
col.c-name { width: 34%; }
col.c-tokens { width: 5.5em; }
tr.out td { color: var(--vscode-descriptionForeground, #666); }
details.out summary { cursor: pointer; margin: 8px 0 4px; color: var(--vscode-descriptionForeground, #666); }
.request code { font-family: var(--vscode-editor-font-family, monospace); overflow-wrap: anywhere; }
.request button { font: inherit; margin-left: 8px; padding: 3px 10px; border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; cursor: pointer;
  color: var(--vscode-button-foreground, #fff); background: var(--vscode-button-background, #007acc); }
.request button:hover { background: var(--vscode-button-hoverBackground, #0062a3); }
details.prompt summary { cursor: pointer; margin: 18px 0 6px; font-weight: 600; }
.role { margin: 8px 0 2px; color: var(--vscode-descriptionForeground, #666); font-size: 0.9em; text-transform: uppercase; letter-spacing: 0.04em; }
pre.prompt-text { font-family: var(--vscode-editor-font-family, monospace); font-size: var(--vscode-editor-font-size, 12px); white-space: pre-wrap; overflow-wrap: anywhere;
  padding: 8px; margin: 0; border-left: 3px solid var(--vscode-charts-green, #388a34); background: var(--vscode-textCodeBlock-background, #f3f3f3); }
pre.body { font-family: var(--vscode-editor-font-family, monospace); font-size: var(--vscode-editor-font-size, 12px); white-space: pre-wrap; overflow-wrap: anywhere;
  padding: 8px; margin: 6px 0 0; border-radius: 3px; background: var(--vscode-textCodeBlock-background, #f3f3f3); }
`;

// Plain ES2019 for the webview: no bundle, no imports. It trusts only the two message shapes it knows.
const SCRIPT = `(() => {
  const vscode = acquireVsCodeApi();
  const content = document.getElementById('content');
  const tabs = ['next', 'last'];
  // One page scrolls for both tabs: each keeps its own place.
  const scrolls = { next: 0, last: 0 };
  const show = (tab) => {
    document.body.dataset.tab = tab;
    for (const b of document.querySelectorAll('button[data-tab]')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  };
  const saved = vscode.getState();
  show(saved && saved.tab === 'last' ? 'last' : 'next');
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const tab = target && target.closest('button[data-tab]');
    if (tab && tabs.includes(tab.dataset.tab)) {
      const from = document.body.dataset.tab;
      if (tabs.includes(from)) scrolls[from] = window.scrollY;
      show(tab.dataset.tab);
      window.scrollTo(0, scrolls[tab.dataset.tab]);
      vscode.setState({ tab: tab.dataset.tab });
      return;
    }
    const copy = target && target.closest('button[data-copy]');
    if (copy && tabs.includes(copy.dataset.copy)) vscode.postMessage({ type: 'copy', tab: copy.dataset.copy });
  });
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'update' && tabs.includes(m.tab) && typeof m.html === 'string') {
      const section = content.querySelector('[data-tab-panel="' + m.tab + '"]');
      if (!section) return;
      const kept = new Map([...section.querySelectorAll('details[data-keep]')].map((d) => [d.dataset.keep, d.open]));
      const x = window.scrollX, y = window.scrollY;
      section.innerHTML = m.html;
      for (const d of section.querySelectorAll('details[data-keep]')) if (kept.has(d.dataset.keep)) d.open = kept.get(d.dataset.keep);
      window.scrollTo(x, y);
      content.dataset.updates = String(Number(content.dataset.updates || 0) + 1);
    } else if (m.type === 'copied' && tabs.includes(m.tab)) {
      const button = document.querySelector('button[data-copy="' + m.tab + '"]');
      if (!button) return;
      button.textContent = 'Copied';
      setTimeout(() => { button.textContent = 'Copy Request Body'; }, 1500);
    }
  });
  vscode.postMessage({ type: 'ready' });
})();`;

export function renderContextPage(input: { nonce: string; fragment: string }): string {
  const nonce = escapeHtml(input.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contextCsp(input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">${STYLES}</style>
<title>What the Model Sees</title>
</head>
<body data-tab="next">
<nav class="tabs" role="tablist" aria-label="Prompt">
<button type="button" role="tab" id="tab-next" data-tab="next" aria-selected="true">Next</button>
<button type="button" role="tab" id="tab-last" data-tab="last" aria-selected="false">Last Sent</button>
</nav>
<main id="content">${input.fragment}</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}
