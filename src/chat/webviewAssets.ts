import * as fs from 'fs';
import * as vscode from 'vscode';
import { keepCodicons } from '../core/chat/codiconSubset';
import { CHAT_ICONS } from '../webview/icons';

/** The chat page's script and styles, read from dist/ to be inlined into its HTML. */
export interface WebviewAssets {
  script: string;
  styles: string;
}

/**
 * Reads the webview bundle, its stylesheet and the codicon stylesheet cut to the icons the page
 * shows (under a millisecond; read on every render, so a rebuilt bundle is picked up without a reload). URLs that were relative
 * to the files — the codicon font, source maps — are made absolute webview URIs, since the inlined
 * text now lives in the page.
 */
export function readWebviewAssets(webview: vscode.Webview, dist: vscode.Uri): WebviewAssets {
  const read = (...path: string[]) => fs.readFileSync(vscode.Uri.joinPath(dist, ...path).fsPath, 'utf8');
  const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(dist, ...path)).toString();
  const codicons = keepCodicons(read('codicons', 'codicon.css'), CHAT_ICONS).replace(/url\((["']?)\.\/codicon\.ttf/g, `url($1${uri('codicons', 'codicon.ttf')}`);
  const styles = read('webview.css').replace(/sourceMappingURL=webview\.css\.map/, `sourceMappingURL=${uri('webview.css.map')}`);
  const script = read('webview.js').replace(/sourceMappingURL=webview\.js\.map/, `sourceMappingURL=${uri('webview.js.map')}`);
  return { script, styles: `${codicons}\n${styles}` };
}
