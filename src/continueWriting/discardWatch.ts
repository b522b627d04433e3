import * as vscode from 'vscode';

/** How long a close or revert may take to finish (the file is read back) before its outcome is judged. */
const SETTLE_MS = 3000;

function tabOpen(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key));
}

/**
 * After Continue Writing stopped because the writer closed or reverted the document: whether VS Code
 * kept it open and dirty anyway. A revert that reads the file back gives up when an edit lands during
 * the read (it will not lose an edit), and which of Inkwell's last edits and the writer's discard the
 * workbench saw first is a race the extension cannot see the end of. So the outcome is watched, not
 * guessed: the tab closing means the discard won; the document announcing itself dirty while its tab
 * is open, or still dirty and open once the read has had time, means it lost.
 */
export function discardDefeated(document: vscode.TextDocument, settleMs = SETTLE_MS): Promise<boolean> {
  if (document.isClosed || !tabOpen(document.uri)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const disposables: vscode.Disposable[] = [];
    const done = (defeated: boolean) => {
      clearTimeout(timer);
      for (const d of disposables) d.dispose();
      resolve(defeated);
    };
    const timer = setTimeout(() => done(!document.isClosed && document.isDirty && tabOpen(document.uri)), settleMs);
    disposables.push(
      vscode.window.tabGroups.onDidChangeTabs(() => {
        if (!tabOpen(document.uri)) done(false);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d === document) done(false);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === document && e.contentChanges.length === 0 && e.document.isDirty && tabOpen(document.uri)) done(true);
      }),
    );
  });
}
