// The CodeLens row above a spot with alternatives: ‹ n/m › with what is still coming or failed, Retry,
// Keep and Discard, each a command that names the document (the lens may be in a background editor).
import * as vscode from 'vscode';
import type { AlternativeSet } from '../core/alternatives/alternativeSet';

export function alternativeLenses(document: vscode.TextDocument, start: number, set: AlternativeSet): vscode.CodeLens[] {
  const at = new vscode.Range(document.positionAt(start), document.positionAt(start));
  const args = [document.uri];
  const streaming = set.items.filter((a) => a.state === 'streaming').length;
  const failures = set.failures();
  return [
    new vscode.CodeLens(at, { title: '$(chevron-left)', tooltip: 'Previous alternative (Alt+[)', command: 'inkwell.previousAlternative', arguments: args }),
    new vscode.CodeLens(at, {
      title: `${set.label()}${streaming ? ` · ${streaming} coming` : ''}${failures.length ? ` · ${failures.length} failed` : ''}`,
      tooltip: failures.length ? failures.join('\n') : undefined,
      command: '',
    }),
    new vscode.CodeLens(at, { title: '$(chevron-right)', tooltip: 'Next alternative (Alt+]); past the last, a new one', command: 'inkwell.nextAlternative', arguments: args }),
    new vscode.CodeLens(at, { title: 'Retry', tooltip: 'One more alternative here', command: 'inkwell.retryAlternative', arguments: args }),
    new vscode.CodeLens(at, { title: 'Keep', command: 'inkwell.keepAlternative', arguments: args }),
    new vscode.CodeLens(at, { title: 'Discard', tooltip: 'Put back what was there', command: 'inkwell.discardAlternatives', arguments: args }),
  ];
}
