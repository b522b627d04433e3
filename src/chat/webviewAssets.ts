import * as fs from 'fs';
import * as vscode from 'vscode';
import { keepCodicons } from '../core/chat/codiconSubset';
import { CHAT_ICONS } from '../webview/icons';
import type { ChatHtmlInput } from './chatHtml';

/** The chat page's scripts and styles, read from dist/ to be inlined into its HTML. */
export type WebviewAssets = Pick<ChatHtmlInput, 'script' | 'styles' | 'markdown'>;

const FILES = { codicons: ['codicons', 'codicon.css'], styles: ['webview.css'], script: ['webview.js'], markdown: ['markdown.js'] } as const;
type FileTexts = Record<keyof typeof FILES, string>;

/**
 * The chat page's files under dist/, read and cut once and kept until one of them changes on disk (a
 * rebuild). One is made per chat view.
 */
export class WebviewAssetFiles {
  private cached: { key: string; texts: FileTexts } | undefined;

  constructor(private readonly dist: vscode.Uri) {}

  private texts(): FileTexts {
    const entries = Object.entries(FILES).map(([name, path]) => [name, vscode.Uri.joinPath(this.dist, ...path).fsPath] as const);
    const key = entries.map(([, p]) => `${p}@${fs.statSync(p).mtimeMs}`).join('|');
    if (this.cached?.key !== key) {
      const texts = Object.fromEntries(entries.map(([name, p]) => [name, fs.readFileSync(p, 'utf8')])) as FileTexts;
      texts.codicons = keepCodicons(texts.codicons, CHAT_ICONS);
      this.cached = { key, texts };
    }
    return this.cached.texts;
  }

  /**
   * Reads and cuts the files ahead of the first render, so opening the panel does not wait on the
   * disk. Throws as the render would if the build is missing.
   */
  warm(): void {
    this.texts();
  }

  /**
   * The webview bundles, its stylesheet and the codicon stylesheet cut to the icons the page shows.
   * URLs that were relative to the files (the codicon font, source maps, the markdown bundle) are
   * made absolute webview URIs, since the inlined text now lives in the page.
   */
  read(webview: vscode.Webview): WebviewAssets {
    const files = this.texts();
    const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.dist, ...path)).toString();
    const sourceMap = (text: string, file: string) => text.replace(`sourceMappingURL=${file}.map`, `sourceMappingURL=${uri(`${file}.map`)}`);
    const codicons = files.codicons.replace(/url\((["']?)\.\/codicon\.ttf/g, `url($1${uri('codicons', 'codicon.ttf')}`);
    return {
      script: sourceMap(files.script, 'webview.js'),
      styles: `${codicons}\n${sourceMap(files.styles, 'webview.css')}`,
      markdown: { script: sourceMap(files.markdown, 'markdown.js'), src: uri('markdown.js') },
    };
  }
}
