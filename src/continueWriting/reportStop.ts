// After a generation into the document stopped early (Stop, the writer's typing, a closed or read-only
// document): text the document refused goes to the clipboard, a close or revert that was defeated is
// offered again, and the status line gets its reason. Shared by Continue Writing and reroll.
import * as vscode from 'vscode';
import type { Log } from '../log';
import { discardDefeated, offerRevertAgain } from './discardWatch';
import type { StreamingInsertion } from './streamingInsertion';

/** Does what the stop calls for; returns the reason for the status line. */
export async function reportStop(insertion: StreamingInsertion, log: Log): Promise<string> {
  const { document } = insertion;
  if (insertion.stopReason === 'edit-refused') {
    // The writer's clipboard is theirs: it is used only when there is text the document did not take.
    if (insertion.unwritten) await vscode.env.clipboard.writeText(insertion.unwritten);
    void vscode.window.showErrorMessage(
      insertion.unwritten
        ? `Inkwell: the document would not take the continuation (is it read-only?). What arrived is on the clipboard (${insertion.unwritten.length.toLocaleString('en-US')} characters).`
        : 'Inkwell: the document stopped taking text (is it read-only?), so Continue Writing stopped. Everything that arrived is in the document.',
    );
  }
  if (insertion.stopReason === 'revert-defeated') offerRevertAgain(document);
  else if (insertion.stopReason === 'document-closed') {
    void discardDefeated(document).then((defeated) => {
      log.info(`Continue Writing: the close or revert ${defeated ? 'left the document open and dirty' : 'went through'}.`);
      if (defeated) offerRevertAgain(document);
    });
  }
  switch (insertion.stopReason) {
    case 'edit-refused':
      return insertion.unwritten ? 'The document refused the text; it is on the clipboard.' : 'The document stopped taking text; what arrived is in it.';
    case 'document-closed':
    case 'revert-defeated':
      return 'The document was closed or reverted; the request was cancelled.';
    case 'user-edit':
      return 'You typed in the streamed text; what arrived is kept.';
    default:
      return 'Stopped; what arrived is kept.';
  }
}
