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

/**
 * VS Code kept the tab and its text because Inkwell was writing when the writer discarded it. Asked in
 * a modal dialog: it answers the writer's own close or revert of a moment ago, and a notification
 * raised while the close dialog goes away is put in the notification centre without a toast.
 */
export function offerRevertAgain(document: vscode.TextDocument): void {
  void vscode.window
    .showWarningMessage(
      `Inkwell stopped writing into ${vscode.workspace.asRelativePath(document.uri)}, but the unsaved text is still there.`,
      {
        modal: true,
        detail: 'You closed or reverted it while text arrived, so VS Code kept the unsaved text. Revert to discard it, or cancel to keep it.',
      },
      'Revert and Close',
      'Revert',
    )
    .then(async (choice) => {
      if (!choice || document.isClosed) return;
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand(choice === 'Revert' ? 'workbench.action.files.revert' : 'workbench.action.revertAndCloseActiveEditor');
    });
}
