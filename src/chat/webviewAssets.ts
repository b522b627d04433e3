import * as fs from 'fs';
import * as vscode from 'vscode';
import { keepCodicons } from '../core/chat/codiconSubset';
import { CHAT_ICONS } from '../webview/icons';

/** The chat page's script and styles, read from dist/ to be inlined into its HTML. */
export interface WebviewAssets {
  script: string;
  styles: string;
}

/** The files as read and cut, kept until one of them changes on disk (a rebuild). */
let cached: { key: string; codicons: string; styles: string; script: string } | undefined;

function distFiles(dist: vscode.Uri): NonNullable<typeof cached> {
  const paths = [['codicons', 'codicon.css'], ['webview.css'], ['webview.js']].map((p) => vscode.Uri.joinPath(dist, ...p).fsPath);
  const key = paths.map((p) => `${p}@${fs.statSync(p).mtimeMs}`).join('|');
  if (cached?.key !== key) {
    const [codicons, styles, script] = paths.map((p) => fs.readFileSync(p, 'utf8'));
    cached = { key, codicons: keepCodicons(codicons, CHAT_ICONS), styles, script };
  }
  return cached;
}

/**
 * The webview bundle, its stylesheet and the codicon stylesheet cut to the icons the page shows.
 * The files are read again only after a rebuild. URLs that were relative to the files (the codicon
 * font, source maps) are made absolute webview URIs, since the inlined text now lives in the page.
 */
export function readWebviewAssets(webview: vscode.Webview, dist: vscode.Uri): WebviewAssets {
  const files = distFiles(dist);
  const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(dist, ...path)).toString();
  const codicons = files.codicons.replace(/url\((["']?)\.\/codicon\.ttf/g, `url($1${uri('codicons', 'codicon.ttf')}`);
  const styles = files.styles.replace(/sourceMappingURL=webview\.css\.map/, `sourceMappingURL=${uri('webview.css.map')}`);
  const script = files.script.replace(/sourceMappingURL=webview\.js\.map/, `sourceMappingURL=${uri('webview.js.map')}`);
  return { script, styles: `${codicons}\n${styles}` };
}
