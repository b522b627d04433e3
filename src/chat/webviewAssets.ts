import * as fs from 'fs';
import * as vscode from 'vscode';
import { keepCodicons } from '../core/chat/codiconSubset';
import { CHAT_ICONS } from '../webview/icons';
import type { ChatHtmlInput } from './chatHtml';

/** The chat page's scripts and styles, read from dist/ to be inlined into its HTML. */
export type WebviewAssets = Pick<ChatHtmlInput, 'script' | 'styles' | 'markdown'>;

const FILES = { codicons: ['codicons', 'codicon.css'], styles: ['webview.css'], script: ['webview.js'], markdown: ['markdown.js'] } as const;
type FileTexts = Record<keyof typeof FILES, string>;

/** The files as read and cut, kept until one of them changes on disk (a rebuild). */
let cached: { key: string; texts: FileTexts } | undefined;

function distFiles(dist: vscode.Uri): FileTexts {
  const entries = Object.entries(FILES).map(([name, path]) => [name, vscode.Uri.joinPath(dist, ...path).fsPath] as const);
  const key = entries.map(([, p]) => `${p}@${fs.statSync(p).mtimeMs}`).join('|');
  if (cached?.key !== key) {
    const texts = Object.fromEntries(entries.map(([name, p]) => [name, fs.readFileSync(p, 'utf8')])) as FileTexts;
    texts.codicons = keepCodicons(texts.codicons, CHAT_ICONS);
    cached = { key, texts };
  }
  return cached.texts;
}

/**
 * Reads and cuts the files ahead of the first render, so opening the panel does not wait on the
 * disk. Throws as the render would if the build is missing.
 */
export function warmWebviewAssets(dist: vscode.Uri): void {
  distFiles(dist);
}

/**
 * The webview bundles, its stylesheet and the codicon stylesheet cut to the icons the page shows.
 * The files are read again only after a rebuild. URLs that were relative to the files (the codicon
 * font, source maps, the markdown bundle) are made absolute webview URIs, since the inlined text
 * now lives in the page.
 */
export function readWebviewAssets(webview: vscode.Webview, dist: vscode.Uri): WebviewAssets {
  const files = distFiles(dist);
  const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(dist, ...path)).toString();
  const sourceMap = (text: string, file: string) => text.replace(`sourceMappingURL=${file}.map`, `sourceMappingURL=${uri(`${file}.map`)}`);
  const codicons = files.codicons.replace(/url\((["']?)\.\/codicon\.ttf/g, `url($1${uri('codicons', 'codicon.ttf')}`);
  return {
    script: sourceMap(files.script, 'webview.js'),
    styles: `${codicons}\n${sourceMap(files.styles, 'webview.css')}`,
    markdown: { script: sourceMap(files.markdown, 'markdown.js'), src: uri('markdown.js') },
  };
}
